package order

import (
	"fmt"
	"time"
)

// Earliest is the earliest event time orderwire believes; MaxClockSkew is how far after its
// receipt an event may say it happened (providers' clocks and time zones drift, a day does not).
var Earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxClockSkew is how far after its receipt an event may say it happened: see Earliest.
const MaxClockSkew = 24 * time.Hour

// CheckTimes replaces an OccurredAt that cannot be real with ReceivedAt (which the webhook
// handler must have set) and says why in TimeAnomaly: before Earliest, or more than
// MaxClockSkew after ReceivedAt. A zero OccurredAt means the provider gave none: it becomes
// ReceivedAt without an anomaly. Such times would otherwise reach store keys and JSON, which
// take only years 0–9999.
func (ev *Event) CheckTimes() {
	ev.OccurredAt, ev.TimeAnomaly = checkTime("occurred_at", ev.OccurredAt, ev.ReceivedAt, true)
}

// CheckTimes does for a carrier event what Event.CheckTimes does, for OccurredAt and for
// every checkpoint's At; an impossible checkpoint time is replaced with ReceivedAt too, and
// every replacement is named in TimeAnomaly. A checkpoint without a time keeps the zero time
// (nothing to believe or replace).
func (ev *TrackingEvent) CheckTimes() {
	var anomalies []string
	ev.OccurredAt, ev.TimeAnomaly = checkTime("occurred_at", ev.OccurredAt, ev.ReceivedAt, true)
	if ev.TimeAnomaly != "" {
		anomalies = append(anomalies, ev.TimeAnomaly)
	}
	var cps []Checkpoint
	for i, cp := range ev.Checkpoints {
		at, anomaly := checkTime(fmt.Sprintf("checkpoint %d at", i), cp.At, ev.ReceivedAt, false)
		if anomaly == "" {
			continue
		}
		if cps == nil { // copy on write: the caller's slice may be shared
			cps = append([]Checkpoint(nil), ev.Checkpoints...)
		}
		cps[i].At = at
		anomalies = append(anomalies, anomaly)
	}
	if cps != nil {
		ev.Checkpoints = cps
	}
	ev.TimeAnomaly = joinReasons(anomalies...)
}

// checkTime returns t, or received and the anomaly when t cannot be real; a zero t is
// received (fillZero) or left zero, without an anomaly.
func checkTime(field string, t, received time.Time, fillZero bool) (time.Time, string) {
	switch {
	case t.IsZero():
		if fillZero {
			return received, ""
		}
		return t, ""
	case t.Before(Earliest):
		return received, fmt.Sprintf("anomaly: %s %s is before %d; the received time is used", field, safeTime(t), Earliest.Year())
	case !received.IsZero() && t.After(received.Add(MaxClockSkew)):
		return received, fmt.Sprintf("anomaly: %s %s is more than %s after it was received; the received time is used",
			field, safeTime(t), MaxClockSkew)
	}
	return t, ""
}

// safeTime formats t as RFC 3339 in UTC for any year, including years outside 0–9999 that
// time.Time.MarshalJSON refuses.
func safeTime(t time.Time) string {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", y, int(mo), d, h, mi, s)
}

// joinReasons joins the non-empty reasons with "; ".
func joinReasons(reasons ...string) string {
	out := ""
	for _, r := range reasons {
		switch {
		case r == "":
		case out == "":
			out = r
		default:
			out += "; " + r
		}
	}
	return out
}
