package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// runFold checks that an adapter persists order.PaymentChange whole: the ledger (also when
// no visible fact changes), the disputes, every buyer counter of one change, and parked
// events' sequence and dispute id.
func runFold(t *testing.T, h Harness) {
	t.Run("RefundBeforeItsPaymentCountsWhenItArrives", func(t *testing.T) { testRefundFirst(t, h) })
	t.Run("DisputeClosedBeforeOpenedStaysClosed", func(t *testing.T) { testDisputeFold(t, h) })
	t.Run("ParkedEventsFoldInEventOrder", func(t *testing.T) { testParkedFold(t, h) })
}

func buyerStats(t testing.TB, s store.Store, id string) order.BuyerStats {
	t.Helper()
	b, err := s.GetBuyer(context.Background(), id)
	if err != nil {
		t.Fatalf("GetBuyer(%s): %v", id, err)
	}
	return b.Stats
}

func testRefundFirst(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := newPendingOrder(t, s, "o-refund-first")
	refund := Event("stripe", "evt_refund", o.ID, order.KindRefunded, o.AmountMinor, 3*time.Minute)
	refund.RefundIsTotal = true
	res := mustRecord(t, s, refund)
	if res.Outcome.Applied || res.Order.Version != 2 {
		t.Fatalf("refund before its payment = %+v, want not applied, the ledger written (version 2)", res)
	}
	got := mustGet(t, s, o.ID)
	if got.Version != 2 || len(got.Ledger) != 1 || got.Ledger[0].EventID != "evt_refund" || !got.Ledger[0].RefundIsTotal ||
		got.RefundedMinor != 0 || got.Status != order.StatusPendingPayment {
		t.Fatalf("stored after the waiting refund = %+v", got)
	}
	res = mustRecord(t, s, Event("stripe", "evt_pay", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	got = mustGet(t, s, o.ID)
	if !res.Outcome.Applied || got.Status != order.StatusRefunded || got.PaymentStatus != order.PaymentRefunded ||
		got.PaidMinor != o.AmountMinor || got.RefundedMinor != o.AmountMinor || got.Version != 3 || !got.NextActionAt.IsZero() {
		t.Fatalf("after the payment = %+v (%+v)", got, res.Outcome)
	}
	if msgs, _ := s.Notifications(ctx, o.ID); len(msgs) != 0 {
		t.Fatalf("outbox = %+v: no payment_received for an order its refund already covers", msgs)
	}
	// Both counters of that one change, in one write.
	if st := buyerStats(t, s, o.BuyerID); st != (order.BuyerStats{PaidBeforeReminder: 1, FullRefunds: 1}) {
		t.Fatalf("buyer stats = %+v", st)
	}
	// A pending that happened before everything, delivered last, changes nothing.
	res = mustRecord(t, s, Event("stripe", "evt_pending", o.ID, order.KindPaymentPending, 0, 0))
	if res.Outcome.Applied || mustGet(t, s, o.ID).Version != 3 {
		t.Fatalf("late pending = %+v", res)
	}
	if tl := timeline(t, s, o.ID); len(tl) != 3 || tl[0].EventID != "evt_pending" || tl[0].Applied {
		t.Fatalf("timeline = %+v", tl)
	}
}

func testDisputeFold(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-dispute")
	mustRecord(t, s, Event("stripe", "evt_pay", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	closed := Event("stripe", "evt_close", o.ID, order.KindDisputeClosed, o.AmountMinor, time.Hour)
	closed.DisputeID, closed.DisputeOutcome, closed.DisputeStatus = "du_1", order.DisputeLost, order.DisputeLost
	opened := Event("stripe", "evt_open", o.ID, order.KindDisputeOpened, o.AmountMinor, 30*time.Minute)
	opened.DisputeID, opened.DisputeStatus, opened.DisputeReason = "du_1", order.DisputeNeedsResponse, "fraudulent"
	opened.RespondBy = baseTime.Add(7 * 24 * time.Hour)
	mustRecord(t, s, closed)
	mustRecord(t, s, opened)
	got := mustGet(t, s, o.ID)
	want := []order.Dispute{{ID: "du_1", Provider: "stripe", Status: order.DisputeLost, Reason: "fraudulent",
		AmountMinor: o.AmountMinor, Currency: "BRL", OpenedAt: opened.OccurredAt, RespondBy: opened.RespondBy.UTC(),
		UpdatedAt: closed.OccurredAt}}
	if got.Dispute != order.DisputeLost || !reflect.DeepEqual(got.Disputes, want) {
		t.Fatalf("dispute %q %+v\nwant lost %+v", got.Dispute, got.Disputes, want)
	}
	// A later event folds the stored ledger again: its status, reason and deadline were kept.
	second := Event("stripe", "evt_open2", o.ID, order.KindDisputeOpened, 0, 2*time.Hour)
	second.DisputeID, second.DisputeStatus = "du_2", order.DisputeUnderReview
	mustRecord(t, s, second)
	if got = mustGet(t, s, o.ID); len(got.Disputes) != 2 || !reflect.DeepEqual(got.Disputes[0], want[0]) ||
		got.Disputes[1].Status != order.DisputeUnderReview || got.Dispute != order.DisputeOpen {
		t.Fatalf("after a second dispute: %q %+v", got.Dispute, got.Disputes)
	}
	if st := buyerStats(t, s, o.BuyerID); st != (order.BuyerStats{PaidBeforeReminder: 1, DisputesLost: 1}) {
		t.Fatalf("buyer stats = %+v", st)
	}
}

func testParkedFold(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	id := "o-parked-fold"
	failed := Event("paypal", "WH-fail", id, order.KindPaymentFailed, 0, time.Minute)
	failed.Sequence = 2
	pending := Event("paypal", "WH-pend", id, order.KindPaymentPending, 0, time.Minute) // same time, lower sequence
	pending.Sequence = 1
	opened := Event("paypal", "WH-dispute", id, order.KindDisputeOpened, 0, 2*time.Minute)
	opened.DisputeID, opened.DisputeStatus, opened.DisputeReason = "PP-D-1", order.DisputeNeedsResponse, "UNAUTHORISED"
	opened.RespondBy = baseTime.Add(10 * 24 * time.Hour)
	for _, ev := range []order.Event{failed, opened, pending} {
		if res := mustRecord(t, s, ev); !res.Parked {
			t.Fatalf("%s = %+v, want parked", ev.EventID, res)
		}
	}
	newPendingOrder(t, s, id)
	if n, err := s.ApplyParked(ctx, id, baseTime.Add(time.Hour)); err != nil || n != 3 {
		t.Fatalf("ApplyParked = %d, %v", n, err)
	}
	got := mustGet(t, s, id)
	if got.PaymentStatus != order.PaymentFailed || len(got.Disputes) != 1 || got.Disputes[0].ID != "PP-D-1" || len(got.Ledger) != 3 {
		t.Fatalf("order after parked events = %+v", got)
	}
	if d := got.Disputes[0]; d.Status != order.DisputeNeedsResponse || d.Reason != "UNAUTHORISED" || !d.RespondBy.Equal(opened.RespondBy) {
		t.Fatalf("parked dispute event lost its facts: %+v", d)
	}
}
