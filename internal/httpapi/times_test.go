package httpapi_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestImpossibleEventTimesAreRecordedAtReceipt delivers Stripe events (the
// payment_intent.succeeded fixture, see signers_test.go) whose signed `created` cannot be
// real: they are answered 2xx and applied, the timeline shows the received time and the
// anomaly.
func TestImpossibleEventTimesAreRecordedAtReceipt(t *testing.T) {
	s := signers()[0]
	if s.name != "stripe" {
		t.Fatalf("signers()[0] = %s, want stripe", s.name)
	}
	cases := []struct {
		name, orderID string
		created       int64
		anomaly       string
	}{
		{"year 20000", "AE-T1", time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
			"anomaly: occurred_at 20000-01-01T00:00:00Z is more than 24h0m0s after it was received; the received time is used"},
		{"negative", "AE-T2", -100_000_000_000,
			"anomaly: occurred_at -1199-02-15T14:13:20Z is before 2000; the received time is used"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := newProviderHarness(t)
			h.register(t, s, c.orderID)
			e := s.success(t, c.orderID, "t"+c.orderID, paidAt)
			old := []byte(`"created": ` + strconv.FormatInt(paidAt.Unix(), 10))
			if !bytes.Contains(e.body, old) {
				t.Fatalf("fixture has no %s", old)
			}
			e.body = bytes.Replace(e.body, old, []byte(`"created": `+strconv.FormatInt(c.created, 10)), 1)
			rec := h.deliver(s.sign(t, e, signFirst, sentAt))
			h.wantAck(t, rec, s)
			got := h.getOrder(t, c.orderID)
			entry := timelineEntry(t, got, e.id)
			received := provNow.Format(time.RFC3339)
			if got["payment_status"] != "paid" || entry["applied"] != true || entry["occurred_at"] != received || entry["received_at"] != received {
				t.Fatalf("order %v, entry %v", got["payment_status"], entry)
			}
			reason, _ := entry["reason"].(string)
			if c.anomaly != "" && reason != c.anomaly || c.anomaly == "" && strings.Contains(reason, "anomaly") {
				t.Fatalf("reason = %q, want %q", reason, c.anomaly)
			}
			// The redelivery (a provider retry) is a duplicate, not a 5xx.
			if rec := h.deliver(s.sign(t, e, signFirst, sentAt)); rec.Code >= http.StatusInternalServerError {
				t.Fatalf("retry: %d %s", rec.Code, rec.Body)
			}
		})
	}
}

// TestImpossibleCarrierTimesAreRecordedAtReceipt delivers an EasyPost tracker.updated (the
// tracker_updated.json fixture, see carriersigners_test.go) whose latest scan is dated 1999:
// answered 2xx and applied, that scan shown at the received time, the anomaly on the timeline.
// (EasyPost's parser takes the event's time from its other, plausible scans.)
func TestImpossibleCarrierTimesAreRecordedAtReceipt(t *testing.T) {
	var s carrierSigner
	for _, c := range carrierSigners() {
		if c.name == "easypost" {
			s = c
		}
	}
	h := newCarrierHarness(t, "")
	h.paidOrder(t, "AE-T3", postal)
	id := h.post(t, s, s.event("t3", postal.number, inTransit, time.Date(1999, 12, 31, 10, 0, 0, 0, time.UTC)))
	entry := timelineEntry(t, h.getOrder(t, "AE-T3"), id)
	reason, _ := entry["reason"].(string)
	scans, _ := entry["checkpoints"].([]any)
	if entry["applied"] != true || len(scans) == 0 || scans[0].(map[string]any)["at"] != provNow.Format(time.RFC3339) ||
		reason != "anomaly: checkpoint 0 at 1999-12-31T10:00:00Z is before 2000; the received time is used" {
		t.Fatalf("entry = %v", entry)
	}
}
