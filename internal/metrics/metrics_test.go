package metrics

import (
	"testing"
	"time"
)

// TestStartTicks reads field 22 of /proc/<pid>/stat lines shaped as proc(5) documents them,
// including a command name holding spaces and a ')' (counted from its last ')').
func TestStartTicks(t *testing.T) {
	for name, tc := range map[string]struct {
		line string
		want uint64
	}{
		"plain":    {"4242 (bootstrap) S 1 4242 4242 0 -1 4194560 120 0 0 0 1 0 0 0 20 0 5 0 987654 1234567 890 18446744073709551615\n", 987654},
		"odd name": {"7 (a b) c)) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 31337 0 0\n", 31337},
	} {
		got, err := startTicks([]byte(tc.line))
		if err != nil || got != tc.want {
			t.Errorf("%s: startTicks = %d, %v; want %d", name, got, err, tc.want)
		}
	}
	for _, bad := range []string{"no parenthesis at all", "1 (short) S 1 2 3", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 notanumber 0"} {
		if _, err := startTicks([]byte(bad)); err == nil {
			t.Errorf("startTicks(%q) = nil error", bad)
		}
	}
}

func TestSinceBoot(t *testing.T) {
	if got := sinceBoot(5*time.Second, 300); got != 2*time.Second {
		t.Errorf("sinceBoot(5s, 300 ticks) = %v, want 2s", got)
	}
	if got := sinceBoot(time.Second, 300); got != 0 {
		t.Errorf("sinceBoot before the start = %v, want 0", got)
	}
}

// TestSinceStartOfThisProcess: the test binary started before this test ran and, on any
// machine that runs the tests, less than an hour ago.
func TestSinceStartOfThisProcess(t *testing.T) {
	d := SinceStart()
	if d <= 0 || d > time.Hour {
		t.Errorf("SinceStart() = %v, want a positive duration under an hour", d)
	}
	if inited := time.Since(loaded); d+10*time.Millisecond < inited {
		t.Errorf("SinceStart() = %v, less than the %v since this package was initialised", d, inited)
	}
}
