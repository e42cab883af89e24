package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// testHoldsEnd: evidence an erasure holds goes by itself once its hold ends (the embedded
// store's purge, DynamoDB's TTL: Harness.Expire), without a second DELETE: at the end of the
// dispute window for an order without a dispute; for an order with an open dispute, not
// while it is open, and once it has closed and the window has passed. Every time is well
// before the 540-day retention, so only the erasure's hold can explain a deletion.
func testHoldsEnd(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	day := 24 * time.Hour
	// o-hw: paid, with a parcel whose carrier update names the buyer; no dispute.
	ow := Order(t, "o-hw", erased)
	mustSave(t, s, ow, erased)
	recordNaming(t, s, Event("stripe", "evt_hw", ow.ID, order.KindPaymentSucceeded, ow.AmountMinor, time.Minute))
	if err := Ship(t, s, ow.ID, "china-post", "RR000000014CN"); err != nil {
		t.Fatal(err)
	}
	tr := Track("aftership", "trk_hw", "RR000000014CN", "china-post", order.ShipmentInTransit, 2*time.Hour)
	if _, err := s.RecordTrackingEvent(ctx, tr, order.Evidence{Body: []byte(`{"msg":{"customer_name":"` + erased.Name +
		`","emails":["` + erased.Email + `"]}}`)}); err != nil {
		t.Fatal(err)
	}
	// o-hd: paid, then a dispute still open at the erasure.
	od := Order(t, "o-hd", erased)
	mustSave(t, s, od, erased)
	recordNaming(t, s, Event("stripe", "evt_hd", od.ID, order.KindPaymentSucceeded, od.AmountMinor, time.Minute))
	opened := Event("stripe", "evt_hdo", od.ID, order.KindDisputeOpened, od.AmountMinor, 2*day)
	opened.DisputeID, opened.DisputeStatus = "du_hd", order.DisputeNeedsResponse
	recordNaming(t, s, opened)
	// o-hl: paid, no dispute at the erasure; one opens later, inside the window.
	ol := Order(t, "o-hl", erased)
	mustSave(t, s, ol, erased)
	recordNaming(t, s, Event("stripe", "evt_hl", ol.ID, order.KindPaymentSucceeded, ol.AmountMinor, time.Minute))

	res, err := s.EraseBuyer(ctx, erased.ID, baseTime.Add(10*day), store.DefaultDisputeWindow, 10)
	if err != nil {
		t.Fatalf("EraseBuyer: %v", err)
	}
	held := map[string]store.EvidenceHold{}
	for _, hd := range res.EvidenceHeld {
		held[hd.OrderID] = hd
	}
	if len(held) != 3 || held[ow.ID].Until.IsZero() || held[od.ID].Until.IsZero() || held[ol.ID].Until.IsZero() {
		t.Fatalf("held = %+v, want the three orders", res.EvidenceHeld)
	}
	lateOpen := Event("stripe", "evt_hlo", ol.ID, order.KindDisputeOpened, ol.AmountMinor, 30*day)
	lateOpen.DisputeID, lateOpen.DisputeStatus = "du_hl", order.DisputeNeedsResponse
	mustRecord(t, s, lateOpen)
	// A later event on o-hw does not move its hold's end (its retention horizon moves).
	mustRecord(t, s, Event("stripe", "evt_hwr", ow.ID, order.KindRefunded, 100, 20*day))
	inDisputed := func() int { // the contact in the evidence of o-hd and o-hl
		n := 0
		for _, id := range []string{od.ID, ol.ID} {
			list, err := s.Evidence(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range list {
				for _, w := range []string{erased.Email, erased.Phone, erased.Name} {
					n += bytes.Count(ev.Body, []byte(w))
				}
			}
		}
		return n
	}

	// Just before o-hw's window ends, everything held is still there.
	h.Expire(t, s, held[ow.ID].Until.Add(-time.Hour))
	if n := evidenceCount(t, s, ow.ID); n != 3 {
		t.Fatalf("o-hw evidence before its hold ends = %d, want 3 (payment, parcel, refund)", n)
	}
	before := leaks(t, h, s)
	if before <= inDisputed() {
		t.Fatalf("before the hold ends the dump has %d occurrences, the disputed order's evidence %d: o-hw's held evidence is not in the dump", before, inDisputed())
	}

	// Past every window: o-hw's evidence (payment, parcel, and the later refund) is gone;
	// o-hd's and o-hl's stay, their disputes are open.
	end := held[od.ID].Until
	for _, hd := range held {
		if hd.Until.After(end) {
			end = hd.Until
		}
	}
	h.Expire(t, s, end.Add(time.Hour))
	if n := evidenceCount(t, s, ow.ID); n != 0 {
		t.Fatalf("o-hw evidence after its hold ended = %d, want 0", n)
	}
	if len(timeline(t, s, ow.ID)) == 0 {
		t.Fatal("o-hw's timeline went with its evidence")
	}
	if n := evidenceCount(t, s, ol.ID); n != 2 {
		t.Fatalf("o-hl evidence while its late dispute is open = %d, want 2", n)
	}
	disputed := inDisputed()
	if got := leaks(t, h, s); got != disputed || disputed == 0 {
		t.Fatalf("after o-hw's hold ended the dump has %d occurrences, the disputed order's evidence %d", got, disputed)
	}

	// The dispute closes after the window: the next expiry takes the rest.
	closed := Event("stripe", "evt_hdc", od.ID, order.KindDisputeClosed, od.AmountMinor, end.Sub(baseTime)+2*time.Hour)
	closed.DisputeID, closed.DisputeOutcome, closed.DisputeStatus = "du_hd", order.DisputeWon, order.DisputeWon
	mustRecord(t, s, closed)
	lateClosed := Event("stripe", "evt_hlc", ol.ID, order.KindDisputeClosed, ol.AmountMinor, end.Sub(baseTime)+2*time.Hour)
	lateClosed.DisputeID, lateClosed.DisputeOutcome, lateClosed.DisputeStatus = "du_hl", order.DisputeWon, order.DisputeWon
	mustRecord(t, s, lateClosed)
	h.Expire(t, s, end.Add(3*time.Hour))
	if got := leaks(t, h, s); got != 0 {
		t.Fatalf("after the dispute closed and the window passed the dump still has %d occurrences", got)
	}
	for _, id := range []string{od.ID, ol.ID} {
		if n := evidenceCount(t, s, id); n != 0 {
			t.Fatalf("%s evidence after its hold ended = %d, want 0", id, n)
		}
	}
	if got := mustGet(t, s, od.ID); got.PaidMinor != od.AmountMinor || len(got.Disputes) != 1 {
		t.Fatalf("o-hd lost its facts: %+v", got)
	}
	// Nothing is held any more: the hold items went too.
	_, err = s.EraseBuyer(ctx, erased.ID, end.Add(3*time.Hour), store.DefaultDisputeWindow, 10)
	wantCode(t, "EraseBuyer after the holds ended", err, order.CodeNotFound)
}
