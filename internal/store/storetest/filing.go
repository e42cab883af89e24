package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runFiling(t *testing.T, h Harness) {
	t.Run("ReferenceOnlyEventFiledOnBoundOrder", func(t *testing.T) { testFiledByReference(t, h) })
	t.Run("ReferenceOnlyEventParkedUntilBound", func(t *testing.T) { testParkedByReference(t, h) })
	t.Run("UnnamedEventListedAndAssigned", func(t *testing.T) { testAssign(t, h) })
	t.Run("UnfiledListingPagesAndEmpties", func(t *testing.T) { testUnfiledListing(t, h) })
	t.Run("ReferencesBoundToTwoOrdersStayUnfiled", func(t *testing.T) { testReferenceConflict(t, h) })
	t.Run("ReferenceParkingRacesBindingLosesNothing", func(t *testing.T) { testReferenceRace(t, h) })
	t.Run("UnregisteredOrderBindsNoReference", func(t *testing.T) { testUnregisteredBindsNothing(t, h) })
}

// testUnregisteredBindsNothing: an event naming an order id nobody registers (a provider's
// invoice number, say) binds none of its references: once the seller assigns it to the real
// order, the payment's later events follow it there.
func testUnregisteredBindsNothing(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	capture := Event("paypal", "WH-cap", "INV-77", order.KindPaymentSucceeded, 12990, time.Minute)
	capture.Refs = []string{"CAP-1"}
	if res := mustRecord(t, s, capture); !res.Parked {
		t.Fatalf("capture for an unregistered id = %+v, want parked", res)
	}
	refund := refEvent("paypal", "WH-ref", order.KindRefunded, 990, 2*time.Minute, "CAP-1")
	if res := mustRecord(t, s, refund); !res.Parked {
		t.Fatalf("refund of that capture = %+v, want parked under its reference", res)
	}
	if list := unfiled(t, s); len(list) != 2 || list[1].Why != store.WhyReferenceNotBound {
		t.Fatalf("unfiled = %+v", list)
	}
	o := newPendingOrder(t, s, "o-real")
	if res, err := s.AssignEvent(ctx, "paypal", "WH-cap", o.ID, baseTime.Add(time.Hour)); err != nil || !res.Outcome.Applied {
		t.Fatalf("AssignEvent = %+v, %v", res, err)
	}
	got := mustGet(t, s, o.ID)
	if got.PaidMinor != 12990 || got.RefundedMinor != 990 || len(unfiled(t, s)) != 0 {
		t.Fatalf("order after assigning the capture = %+v; the refund must follow its capture", got)
	}
	later := refEvent("paypal", "WH-ref2", order.KindRefunded, 1000, 3*time.Minute, "CAP-1")
	if res := mustRecord(t, s, later); res.Parked || res.Order.ID != o.ID {
		t.Fatalf("later refund = %+v, want filed on %s", res, o.ID)
	}
	// A refund naming an unregistered id and its capture, delivered before the capture:
	// it waits under both, and the capture's binding files it.
	o2 := newPendingOrder(t, s, "o-real-2")
	early := Event("paypal", "WH-ref3", "INV-88", order.KindRefunded, 500, 2*time.Minute)
	early.Refs = []string{"CAP-2"}
	if res := mustRecord(t, s, early); !res.Parked {
		t.Fatalf("early refund = %+v, want parked", res)
	}
	paid := Event("paypal", "WH-cap2", o2.ID, order.KindPaymentSucceeded, 12990, time.Minute)
	paid.Refs = []string{"CAP-2"}
	mustRecord(t, s, paid)
	if got := mustGet(t, s, o2.ID); got.RefundedMinor != 500 || len(unfiled(t, s)) != 0 {
		t.Fatalf("order after its capture = %+v, unfiled %+v; want the early refund filed", got, unfiled(t, s))
	}
	if n, err := s.ApplyParked(ctx, "INV-88", baseTime); err != nil || n != 0 {
		t.Fatalf("ApplyParked(INV-88) = %d, %v; its copy there must be gone", n, err)
	}
}

// refEvent is a payment event that names only payment references.
func refEvent(source, id string, kind order.EventKind, amount int64, offset time.Duration, refs ...string) order.Event {
	ev := Event(source, id, "", kind, amount, offset)
	ev.PaymentRef, ev.Refs = "", refs
	return ev
}

func unfiled(t testing.TB, s store.Store) []store.UnfiledEvent {
	t.Helper()
	var all []store.UnfiledEvent
	after := ""
	for {
		page, err := s.UnfiledEvents(context.Background(), after, 2)
		if err != nil {
			t.Fatalf("UnfiledEvents: %v", err)
		}
		all = append(all, page...)
		if len(page) < 2 {
			return all
		}
		after = page[len(page)-1].Cursor
	}
}

func testFiledByReference(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-ref")
	paid := Event("stripe", "evt_pi", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	paid.Refs = []string{"pi_1", "ch_1"}
	mustRecord(t, s, paid)
	// A refund that names only the charge, as Stripe's charge.refunded without metadata does.
	refund := refEvent("stripe", "evt_refund", order.KindRefunded, 2000, 2*time.Minute, "ch_1")
	res := mustRecord(t, s, refund)
	if res.Parked || !res.Outcome.Applied {
		t.Fatalf("reference-only refund = %+v, want applied to %s", res, o.ID)
	}
	got := mustGet(t, s, o.ID)
	if got.RefundedMinor != 2000 || got.PaymentStatus != order.PaymentPartiallyRefunded {
		t.Fatalf("order after the refund = %+v", got)
	}
	// A refund naming an order id nobody registered (an invoice number, say) follows its
	// bound reference, with the anomaly on the timeline.
	invoice := Event("stripe", "evt_inv", "INV-9", order.KindRefunded, 1000, 150*time.Second)
	invoice.PaymentRef, invoice.Refs = "", []string{"ch_1"}
	if res := mustRecord(t, s, invoice); res.Parked || res.Order.ID != o.ID || res.Order.RefundedMinor != 3000 {
		t.Fatalf("refund naming an unregistered id = %+v, want filed on %s", res, o.ID)
	}
	if tl := timeline(t, s, o.ID); !strings.Contains(tl[len(tl)-1].Reason, "INV-9") {
		t.Fatalf("timeline = %+v, want the unregistered id noted", tl)
	}
	// The same reference from another provider is another payment: not filed here.
	other := refEvent("paypal", "WH-ch", order.KindRefunded, 100, 3*time.Minute, "ch_1")
	if res := mustRecord(t, s, other); !res.Parked {
		t.Fatalf("other provider's reference = %+v, want unfiled", res)
	}
	evs, err := s.Evidence(context.Background(), o.ID)
	if err != nil || len(evs) != 3 || evs[1].EventID != "evt_refund" {
		t.Fatalf("evidence = %+v, %v", evs, err)
	}
}

func testParkedByReference(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := newPendingOrder(t, s, "o-refpark")
	// The dispute and the refund arrive before the payment that ties their charge to the order.
	dispute := refEvent("stripe", "evt_dp", order.KindDisputeOpened, o.AmountMinor, 3*time.Minute, "ch_9", "pi_9")
	refund := refEvent("stripe", "evt_rf", order.KindRefunded, 1000, 2*time.Minute, "ch_9")
	for _, ev := range []order.Event{dispute, refund} {
		if res := mustRecord(t, s, ev); !res.Parked {
			t.Fatalf("%s before its binding = %+v, want parked", ev.EventID, res)
		}
	}
	if res := mustRecord(t, s, refund); !res.Duplicate {
		t.Fatalf("redelivered parked event = %+v, want duplicate", res)
	}
	list := unfiled(t, s)
	if len(list) != 2 || list[0].Why != store.WhyReferenceNotBound || list[0].Source != "stripe" {
		t.Fatalf("unfiled = %+v", list)
	}
	paid := Event("stripe", "evt_paid", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	paid.Refs = []string{"pi_9", "ch_9"}
	if res := mustRecord(t, s, paid); !res.Outcome.Applied {
		t.Fatalf("payment = %+v", res)
	}
	got := mustGet(t, s, o.ID)
	if got.RefundedMinor != 1000 || got.Dispute != order.DisputeOpen || got.PaidMinor != o.AmountMinor {
		t.Fatalf("order after binding = %+v, want the parked refund and dispute filed", got)
	}
	tl := timeline(t, s, o.ID)
	if len(tl) != 3 || tl[1].EventID != "evt_rf" || tl[2].EventID != "evt_dp" {
		t.Fatalf("timeline = %+v", tl)
	}
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after binding = %+v, want none", list)
	}
	evs, _ := s.Evidence(ctx, o.ID)
	if len(evs) != 3 {
		t.Fatalf("evidence = %d records, want 3 (the parked events' moved to the order)", len(evs))
	}
	// A later delivery of a filed event is still a duplicate.
	if res := mustRecord(t, s, dispute); !res.Duplicate {
		t.Fatalf("redelivered filed event = %+v, want duplicate", res)
	}
}

func testAssign(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := newPendingOrder(t, s, "o-assign")
	lost := refEvent("standard", "msg_lost", order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	if res := mustRecord(t, s, lost); !res.Parked {
		t.Fatalf("event naming nothing = %+v, want unfiled", res)
	}
	list := unfiled(t, s)
	if len(list) != 1 || list[0].Why != store.WhyNoReference || list[0].EventID != "msg_lost" ||
		list[0].Type != lost.Type || !list[0].ReceivedAt.Equal(lost.ReceivedAt) || !list[0].OccurredAt.Equal(lost.OccurredAt) {
		t.Fatalf("unfiled = %+v", list)
	}
	_, err := s.AssignEvent(ctx, "standard", "msg_lost", "no-such-order", baseTime)
	wantCode(t, "assign to an unknown order", err, order.CodeNotFound)
	_, err = s.AssignEvent(ctx, "standard", "no-such-event", o.ID, baseTime)
	wantCode(t, "assign an unknown event", err, order.CodeNotFound)
	if !errors.Is(err, store.ErrNotUnfiled) {
		t.Fatalf("assign an unknown event: %v, want ErrNotUnfiled", err)
	}
	res, err := s.AssignEvent(ctx, "standard", "msg_lost", o.ID, baseTime.Add(time.Hour))
	if err != nil || !res.Outcome.Applied || res.Order.Status != order.StatusAwaitingShipment {
		t.Fatalf("AssignEvent = %+v, %v", res, err)
	}
	if msgs, _ := s.Notifications(ctx, o.ID); len(msgs) != 1 || msgs[0].Kind != order.NotifyPaymentReceived {
		t.Fatalf("outbox after assign = %+v, want payment_received as for a delivery", msgs)
	}
	if evs, _ := s.Evidence(ctx, o.ID); len(evs) != 1 || evs[0].EventID != "msg_lost" {
		t.Fatalf("evidence after assign = %+v", evs)
	}
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after assign = %+v", list)
	}
	_, err = s.AssignEvent(ctx, "standard", "msg_lost", o.ID, baseTime)
	wantCode(t, "assign twice", err, order.CodeNotFound)
	if res := mustRecord(t, s, lost); !res.Duplicate {
		t.Fatalf("redelivery after assign = %+v, want duplicate", res)
	}
}

func testUnfiledListing(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		ev := Event("paypal", fmt.Sprintf("WH-%d", i), "o-unregistered", order.KindPaymentPending, 0, time.Duration(i)*time.Minute)
		mustRecord(t, s, ev)
	}
	list := unfiled(t, s)
	if len(list) != 5 {
		t.Fatalf("unfiled = %d entries, want 5", len(list))
	}
	for i, e := range list {
		if e.EventID != fmt.Sprintf("WH-%d", i) || e.OrderID != "o-unregistered" || e.Why != store.WhyOrderNotRegistered {
			t.Fatalf("entry %d = %+v (want oldest received first)", i, e)
		}
	}
	newPendingOrder(t, s, "o-unregistered")
	if n, err := s.ApplyParked(ctx, "o-unregistered", baseTime.Add(time.Hour)); err != nil || n != 5 {
		t.Fatalf("ApplyParked = %d, %v", n, err)
	}
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after registration = %+v", list)
	}
}

func testReferenceConflict(t *testing.T, h Harness) {
	s := h.Open(t)
	a, b := newPendingOrder(t, s, "o-a"), newPendingOrder(t, s, "o-b")
	pa := Event("stripe", "evt_a", a.ID, order.KindPaymentPending, 0, time.Minute)
	pa.Refs = []string{"pi_a"}
	pb := Event("stripe", "evt_b", b.ID, order.KindPaymentPending, 0, time.Minute)
	pb.Refs = []string{"pi_b"}
	mustRecord(t, s, pa)
	mustRecord(t, s, pb)
	both := refEvent("stripe", "evt_both", order.KindRefunded, 10, 2*time.Minute, "pi_a", "pi_b")
	if res := mustRecord(t, s, both); !res.Parked {
		t.Fatalf("event whose references name two orders = %+v, want unfiled", res)
	}
	if list := unfiled(t, s); len(list) != 1 || list[0].Why != store.WhyReferenceConflict {
		t.Fatalf("unfiled = %+v", list)
	}
	// A reference is never moved to another order: the second order's event notes it.
	steal := Event("stripe", "evt_steal", b.ID, order.KindFraudWarning, 0, 3*time.Minute)
	steal.Refs = []string{"pi_a"}
	mustRecord(t, s, steal)
	tl := timeline(t, s, b.ID)
	if last := tl[len(tl)-1]; last.EventID != "evt_steal" || last.Reason == "" {
		t.Fatalf("timeline of %s = %+v, want the anomaly noted", b.ID, tl)
	}
	again := refEvent("stripe", "evt_a2", order.KindFraudWarning, 0, 4*time.Minute, "pi_a")
	if res := mustRecord(t, s, again); res.Parked || res.Order.ID != a.ID {
		t.Fatalf("pi_a still filed on %s? %+v", a.ID, res)
	}
}

// testReferenceRace delivers a reference-only refund while the payment that binds its
// reference is recorded, many times over: the refund must end filed exactly once.
func testReferenceRace(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		o := newPendingOrder(t, s, fmt.Sprintf("o-refrace-%d", i))
		ref := fmt.Sprintf("ch_race_%d", i)
		paid := Event("stripe", "evt_paid_"+o.ID, o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
		paid.Refs = []string{ref}
		refund := refEvent("stripe", "evt_rf_"+o.ID, order.KindRefunded, 500, 2*time.Minute, ref)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		for _, ev := range []order.Event{paid, refund} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.RecordEvent(ctx, ev, evidenceFor(ev))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := mustGet(t, s, o.ID)
		if tl := timeline(t, s, o.ID); got.RefundedMinor != 500 || len(tl) != 2 {
			t.Fatalf("round %d: refunded %d, timeline %+v: the refund was lost or filed twice", i, got.RefundedMinor, tl)
		}
	}
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after the races = %+v", list)
	}
}
