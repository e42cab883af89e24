package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The retention tests move time forward with Harness.Expire and check what is left, under
// store.DefaultRetention.
func runRetention(t *testing.T, h Harness) {
	if h.Expire == nil {
		t.Run("Retention", func(t *testing.T) { t.Skip("the harness has no Expire") })
		return
	}
	t.Run("RetentionEvidenceAfterLastEvent", func(t *testing.T) { testRetentionEvidence(t, h) })
	t.Run("RetentionHeldByOpenDispute", func(t *testing.T) { testRetentionDispute(t, h) })
	t.Run("RetentionUnfiledAfterRetryWindow", func(t *testing.T) { testRetentionUnfiled(t, h) })
}

func evidenceCount(t testing.TB, s store.Store, id string) int {
	t.Helper()
	list, err := s.Evidence(context.Background(), id)
	if err != nil {
		t.Fatalf("Evidence(%s): %v", id, err)
	}
	return len(list)
}

// testRetentionEvidence: an order's timeline and evidence live 540 days after its LAST
// event: a later event extends the earlier ones' life; then all go (at the latest
// store.RetentionSlack later), and the order stays.
func testRetentionEvidence(t *testing.T, h Harness) {
	s := h.Open(t)
	r := store.DefaultRetention()
	o := newPendingOrder(t, s, "o-ret-evidence")
	paid := Event("stripe", "evt_ret_paid", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	mustRecord(t, s, paid)
	later := Event("stripe", "evt_ret_refund", o.ID, order.KindRefunded, 100, 100*24*time.Hour)
	mustRecord(t, s, later)
	if n := evidenceCount(t, s, o.ID); n != 2 {
		t.Fatalf("evidence before expiry = %d, want 2", n)
	}
	h.Expire(t, s, r.EvidenceExpiry(paid.ReceivedAt).Add(time.Hour))
	if n, tl := evidenceCount(t, s, o.ID), timeline(t, s, o.ID); n != 2 || len(tl) != 2 {
		t.Fatalf("540 days after the FIRST event: evidence %d, timeline %d; want both kept (the refund is later)", n, len(tl))
	}
	h.Expire(t, s, r.EvidenceExpiry(later.ReceivedAt).Add(-time.Hour))
	if n := evidenceCount(t, s, o.ID); n != 2 {
		t.Fatalf("just before 540 days after the last event: evidence %d, want 2", n)
	}
	h.Expire(t, s, r.EvidenceExpiry(later.ReceivedAt).Add(store.RetentionSlack+time.Hour))
	if n, tl := evidenceCount(t, s, o.ID), timeline(t, s, o.ID); n != 0 || len(tl) != 0 {
		t.Fatalf("540 days after the last event: evidence %d, timeline %d; want none", n, len(tl))
	}
	if got := mustGet(t, s, o.ID); got.PaidMinor != o.AmountMinor || got.RefundedMinor != 100 {
		t.Fatalf("the order's facts after expiry: %+v", got)
	}
}

// testRetentionDispute: evidence of an order whose dispute is open is kept however old.
func testRetentionDispute(t *testing.T, h Harness) {
	s := h.Open(t)
	r := store.DefaultRetention()
	o := paidOrderIn(t, s, "o-ret-dispute")
	ev := Event("stripe", "evt_ret_dp", o.ID, order.KindDisputeOpened, o.AmountMinor, 2*time.Hour)
	ev.DisputeID, ev.DisputeStatus = "dp_ret", order.DisputeNeedsResponse
	mustRecord(t, s, ev)
	before := evidenceCount(t, s, o.ID)
	h.Expire(t, s, r.EvidenceExpiry(ev.ReceivedAt).Add(1000*24*time.Hour))
	if n := evidenceCount(t, s, o.ID); n != before || n == 0 {
		t.Fatalf("evidence of an open dispute after 1540 days = %d, want %d", n, before)
	}
}

// testRetentionUnfiled: an unfiled event (marker, listing, parked copy, evidence) is kept
// until 30 days after its provider stops retrying, then nothing of it is left: the same
// event arriving again is new.
func testRetentionUnfiled(t *testing.T, h Harness) {
	s := h.Open(t)
	r := store.DefaultRetention()
	ev := Event("stripe", "evt_ret_unfiled", "o-ret-never", order.KindPaymentSucceeded, 12990, time.Minute)
	if res := mustRecord(t, s, ev); !res.Parked {
		t.Fatalf("event for an unknown order = %+v, want parked", res)
	}
	expiry := r.UnfiledExpiry(ev.ReceivedAt)
	h.Expire(t, s, expiry.Add(-time.Minute))
	if list := unfiled(t, s); len(list) != 1 {
		t.Fatalf("unfiled before expiry = %d, want 1", len(list))
	}
	if n := evidenceCount(t, s, "o-ret-never"); n != 1 {
		t.Fatalf("the waiting event's evidence under the order it names = %d, want 1", n)
	}
	h.Expire(t, s, expiry.Add(time.Minute))
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after expiry = %+v, want none", list)
	}
	if n := evidenceCount(t, s, "o-ret-never"); n != 0 {
		t.Fatalf("the expired event's evidence = %d, want none", n)
	}
	// Its parked copy went too: registering the order now applies nothing.
	o := newPendingOrder(t, s, "o-ret-never")
	if n, err := s.ApplyParked(context.Background(), o.ID, expiry.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("ApplyParked after expiry = %d, %v; want nothing parked", n, err)
	}
	if res := mustRecord(t, s, ev); res.Duplicate {
		t.Fatal("the expired event arriving again is a duplicate: its marker was kept")
	}
}
