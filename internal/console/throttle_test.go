package console

import (
	"strconv"
	"testing"
	"time"
)

func TestThrottleTableStaysBounded(t *testing.T) {
	var th throttle
	t0 := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	for i := range maxTracked {
		th.fail("10.0."+strconv.Itoa(i), t0.Add(time.Duration(i)*time.Millisecond))
	}
	th.fail("late", t0.Add(time.Minute)) // full, nothing expired: the oldest goes
	if len(th.by) != maxTracked {
		t.Fatalf("%d entries, want %d", len(th.by), maxTracked)
	}
	if _, ok := th.by["10.0.0"]; ok {
		t.Error("the oldest entry was kept")
	}
	th.fail("later", t0.Add(failureWindow+time.Hour)) // everything else has expired
	if len(th.by) != 1 {
		t.Fatalf("%d entries after the window, want 1", len(th.by))
	}
}
