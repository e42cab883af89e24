package order

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestCheckTimes(t *testing.T) {
	received := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		occurred time.Time
		want     time.Time
		anomaly  string // substring; "" = none
	}{
		{"plausible", received.Add(-time.Hour), received.Add(-time.Hour), ""},
		{"a little in the future", received.Add(23 * time.Hour), received.Add(23 * time.Hour), ""},
		{"not given", time.Time{}, received, ""},
		{"year 20000", time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC), received, "occurred_at 20000-01-01T00:00:00Z is more than 24h0m0s after"},
		{"negative year", time.Unix(-70000000000, 0), received, "occurred_at -249-10-15T19:33:20Z is before 2000"},
		{"huge unix seconds", time.Unix(1<<62, 0), received, "more than 24h0m0s after"},
		{"before 2000", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), received, "occurred_at 1999-12-31T23:59:59Z is before 2000"},
		{"two days ahead", received.Add(48 * time.Hour), received, "more than 24h0m0s after it was received"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := Event{OccurredAt: c.occurred, ReceivedAt: received}
			ev.CheckTimes()
			if !ev.OccurredAt.Equal(c.want) || (c.anomaly == "") != (ev.TimeAnomaly == "") || !strings.Contains(ev.TimeAnomaly, c.anomaly) {
				t.Fatalf("CheckTimes: %v %q, want %v with %q", ev.OccurredAt, ev.TimeAnomaly, c.want, c.anomaly)
			}
			if _, err := json.Marshal(ev.Entry(true, "")); err != nil {
				t.Fatalf("the entry does not marshal: %v", err)
			}
			if c.anomaly != "" && !strings.Contains(ev.Entry(true, "").Reason, c.anomaly) {
				t.Fatalf("entry reason %q lacks the anomaly", ev.Entry(true, "").Reason)
			}
		})
	}
}

func TestTrackingCheckTimes(t *testing.T) {
	received := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	scan := received.Add(-2 * time.Hour)
	cps := []Checkpoint{{At: scan}, {At: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)}, {}}
	ev := TrackingEvent{OccurredAt: time.Date(99999, 1, 1, 0, 0, 0, 0, time.UTC), ReceivedAt: received, Checkpoints: cps}
	ev.CheckTimes()
	if !ev.OccurredAt.Equal(received) || !ev.Checkpoints[0].At.Equal(scan) || !ev.Checkpoints[1].At.Equal(received) ||
		!ev.Checkpoints[2].At.IsZero() {
		t.Fatalf("times = %v %+v", ev.OccurredAt, ev.Checkpoints)
	}
	if !cps[1].At.Equal(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("CheckTimes changed the caller's checkpoints in place")
	}
	for _, part := range []string{"occurred_at 99999-01-01T00:00:00Z", "checkpoint 1 at 1970-01-01T00:00:00Z is before 2000"} {
		if !strings.Contains(ev.TimeAnomaly, part) || !strings.Contains(ev.Entry(false, "stale").Reason, part) {
			t.Fatalf("anomaly %q / entry %q lacks %q", ev.TimeAnomaly, ev.Entry(false, "stale").Reason, part)
		}
	}
	if !strings.HasPrefix(ev.Entry(false, "stale").Reason, "stale; anomaly:") {
		t.Fatalf("entry reason = %q", ev.Entry(false, "stale").Reason)
	}
}
