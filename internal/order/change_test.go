package order

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// at returns an event of kind with its own id, happened at t0 plus minutes.
func at(id string, kind EventKind, amount int64, minutes int) Event {
	return Event{Source: "stripe", EventID: id, Type: "test." + string(kind), Kind: kind, OrderID: "o-1",
		AmountMinor: amount, Currency: "USD", OccurredAt: t0.Add(time.Duration(minutes) * time.Minute),
		ReceivedAt: t0.Add(time.Hour)}
}

func dispute(id, disputeID string, kind EventKind, outcome string, minutes int) Event {
	e := at(id, kind, 5000, minutes)
	e.DisputeID, e.DisputeOutcome = disputeID, outcome
	return e
}

// arrive applies events in the order given (their arrival order) and returns every change.
func arrive(o Order, events ...Event) (Order, []EventChange) {
	var changes []EventChange
	for _, e := range events {
		c := PaymentChange(o, e, t0.Add(2*time.Hour))
		o = c.Order
		changes = append(changes, c)
	}
	return o, changes
}

func notifiedKinds(changes []EventChange) []NotificationKind {
	var out []NotificationKind
	for _, c := range changes {
		for _, n := range c.Notify {
			out = append(out, n.Kind)
		}
	}
	return out
}

func stats(changes []EventChange) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.BuyerStats...)
	}
	return out
}

func TestRefundBeforeItsPaymentCountsWhenThePaymentArrives(t *testing.T) {
	pay, refund := at("pay", KindPaymentSucceeded, 5000, 1), at("refund", KindRefunded, 2000, 2)
	o, changes := arrive(pendingOrder(), refund, pay)
	if c := changes[0]; !c.Changed || c.Outcome.Applied || !strings.HasPrefix(c.Outcome.Reason, "waiting:") ||
		c.Order.RefundedMinor != 0 || c.Order.Version != 2 || len(c.Order.Ledger) != 1 || len(c.Notify) != 0 {
		t.Fatalf("refund first = %+v", c)
	}
	if o.PaymentStatus != PaymentPartiallyRefunded || o.PaidMinor != 5000 || o.RefundedMinor != 2000 ||
		o.Status != StatusAwaitingShipment || o.Version != 3 {
		t.Fatalf("order = %+v", o)
	}
	if got := notifiedKinds(changes); !reflect.DeepEqual(got, []NotificationKind{NotifyPaymentReceived}) {
		t.Fatalf("notified %v, want one payment_received (the refund does not cover the payment)", got)
	}
}

func TestFullRefundBeforePaymentSendsNoPaymentReceived(t *testing.T) {
	pay, refund := at("pay", KindPaymentSucceeded, 5000, 1), at("refund", KindRefunded, 5000, 2)
	o, changes := arrive(pendingOrder(), refund, pay)
	if o.PaymentStatus != PaymentRefunded || o.Status != StatusRefunded || o.RefundedMinor != 5000 {
		t.Fatalf("order = %+v", o)
	}
	if got := notifiedKinds(changes); len(got) != 0 {
		t.Fatalf("notified %v for an order whose refund already covers its payment", got)
	}
	if got := stats(changes); !reflect.DeepEqual(got, []string{StatPaidBeforeReminder, StatFullRefunds}) {
		t.Fatalf("buyer stats = %v", got)
	}
}

func TestStripeRunningRefundTotalsTakeTheMaximum(t *testing.T) {
	total := func(id string, amount int64, minutes int) Event {
		e := at(id, KindRefunded, amount, minutes)
		e.RefundIsTotal = true
		return e
	}
	// The later total (3000, which includes the first 1000) arrives first, then the payment.
	o, _ := arrive(pendingOrder(), total("r2", 3000, 3), total("r1", 1000, 2), at("pay", KindPaymentSucceeded, 5000, 1))
	if o.RefundedMinor != 3000 || o.PaymentStatus != PaymentPartiallyRefunded {
		t.Fatalf("refunded %d (%s), want 3000 partially_refunded", o.RefundedMinor, o.PaymentStatus)
	}
}

func TestLatePendingNeverUndoesALaterFailure(t *testing.T) {
	o, changes := arrive(pendingOrder(), at("fail", KindPaymentFailed, 0, 2), at("pend", KindPaymentPending, 0, 1))
	if o.PaymentStatus != PaymentFailed || o.Status != StatusPendingPayment {
		t.Fatalf("order = %s/%s, want pending_payment/failed", o.Status, o.PaymentStatus)
	}
	if c := changes[1]; c.Outcome.Applied || !strings.Contains(c.Outcome.Reason, "stale: a later event decides") {
		t.Fatalf("late pending = %+v", c.Outcome)
	}
}

func TestPaidIsNeverUndone(t *testing.T) {
	for _, kind := range []EventKind{KindPaymentFailed, KindPaymentPending, KindPaymentCanceled} {
		// Happened after the payment, arrived before it, and arrived after it (another id).
		o, changes := arrive(pendingOrder(), at("x1", kind, 0, 5), at("pay", KindPaymentSucceeded, 5000, 1), at("x2", kind, 0, 6))
		if o.PaymentStatus != PaymentPaid || o.Status != StatusAwaitingShipment {
			t.Fatalf("%s: order = %s/%s", kind, o.Status, o.PaymentStatus)
		}
		if c := changes[2]; c.Changed || c.Outcome.Reason != "stale: the order is paid" {
			t.Fatalf("%s after payment = %+v", kind, c.Outcome)
		}
		if len(o.Ledger) != 1 {
			t.Fatalf("%s: ledger keeps %d entries; once paid only the payment matters", kind, len(o.Ledger))
		}
	}
}

func TestDisputeClosedBeforeItsOpenArrivesEndsClosed(t *testing.T) {
	for _, outcome := range []string{DisputeWon, DisputeLost} {
		o, changes := arrive(pendingOrder(), at("pay", KindPaymentSucceeded, 5000, 1),
			dispute("close", "dp_1", KindDisputeClosed, outcome, 10), dispute("open", "dp_1", KindDisputeOpened, "", 5))
		if o.Dispute != outcome || len(o.Disputes) != 1 || o.Disputes[0].Status != outcome ||
			!o.Disputes[0].OpenedAt.Equal(t0.Add(5*time.Minute)) || !o.Disputes[0].UpdatedAt.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("%s: dispute = %q %+v", outcome, o.Dispute, o.Disputes)
		}
		wantStats := []string{StatPaidBeforeReminder}
		if outcome == DisputeLost {
			wantStats = append(wantStats, StatDisputesLost)
		}
		if got := stats(changes); !reflect.DeepEqual(got, wantStats) {
			t.Fatalf("%s: stats = %v, want %v", outcome, got, wantStats)
		}
	}
}

func TestSeveralDisputesPerOrder(t *testing.T) {
	o, _ := arrive(pendingOrder(), at("pay", KindPaymentSucceeded, 5000, 1),
		dispute("a-open", "dp_a", KindDisputeOpened, "", 10), dispute("b-lost", "dp_b", KindDisputeClosed, DisputeLost, 30))
	if o.Dispute != DisputeOpen {
		t.Fatalf("summary = %q, want open while dp_a is open", o.Dispute)
	}
	o, _ = arrive(o, dispute("a-won", "dp_a", KindDisputeClosed, DisputeWon, 40))
	want := []Dispute{
		{ID: "dp_a", Provider: "stripe", Status: DisputeWon, AmountMinor: 5000, Currency: "USD", OpenedAt: t0.Add(10 * time.Minute), UpdatedAt: t0.Add(40 * time.Minute)},
		{ID: "dp_b", Provider: "stripe", Status: DisputeLost, AmountMinor: 5000, Currency: "USD", OpenedAt: t0.Add(30 * time.Minute), UpdatedAt: t0.Add(30 * time.Minute)},
	}
	if o.Dispute != DisputeLost || !reflect.DeepEqual(o.Disputes, want) {
		t.Fatalf("summary %q disputes %+v\nwant lost %+v", o.Dispute, o.Disputes, want)
	}
}

func TestDisputeUpdatedOpensOrKeepsOpen(t *testing.T) {
	// The open was lost (never delivered): the update opens the dispute.
	o, changes := arrive(pendingOrder(), dispute("upd", "dp_1", KindDisputeUpdated, "", 5))
	if o.Dispute != DisputeOpen || !changes[0].Outcome.Applied {
		t.Fatalf("dispute after update alone = %q (%+v)", o.Dispute, changes[0].Outcome)
	}
	// An update after the close (in event time) does not reopen it; a lost is not undone by a won.
	o, changes = arrive(o, dispute("lost", "dp_1", KindDisputeClosed, DisputeLost, 10),
		dispute("upd2", "dp_1", KindDisputeUpdated, "", 20), dispute("won", "dp_1", KindDisputeClosed, DisputeWon, 30))
	if o.Dispute != DisputeLost || o.Disputes[0].Status != DisputeLost {
		t.Fatalf("dispute = %q %+v, want lost", o.Dispute, o.Disputes)
	}
	if got := stats(changes); !reflect.DeepEqual(got, []string{StatDisputesLost}) {
		t.Fatalf("stats = %v, want disputes_lost once", got)
	}
}

func TestBecomingPaidLeavesTheDueIndexAndCountsReminders(t *testing.T) {
	o := pendingOrder()
	o.NextActionAt, o.RemindersSent = t0.Add(24*time.Hour), 2
	c := PaymentChange(o, at("pay", KindPaymentSucceeded, 5000, 1), t0)
	if !c.Order.NextActionAt.IsZero() || c.Order.Status != StatusAwaitingShipment ||
		!reflect.DeepEqual(c.BuyerStats, []string{StatPaidAfterReminders}) || !c.Order.UpdatedAt.Equal(t0) {
		t.Fatalf("change = %+v", c)
	}
}

func TestDuplicateInTheLedgerChangesNothing(t *testing.T) {
	pay := at("pay", KindPaymentSucceeded, 5000, 1)
	o, _ := arrive(pendingOrder(), pay)
	c := PaymentChange(o, pay, t0.Add(48*time.Hour))
	if c.Changed || c.Outcome.Applied || !strings.HasPrefix(c.Outcome.Reason, "duplicate") ||
		!reflect.DeepEqual(c.Order, o) || len(c.Notify) != 0 || c.Entry.EventID != "pay" {
		t.Fatalf("duplicate = %+v", c)
	}
}

func TestIgnoredKindsStayOutOfTheLedger(t *testing.T) {
	e := at("cust", KindIgnored, 0, 1)
	e.Type = "customer.created"
	c := PaymentChange(pendingOrder(), e, t0)
	if c.Changed || c.Outcome.Reason != "not acted on: customer.created" || len(c.Order.Ledger) != 0 {
		t.Fatalf("ignored = %+v", c)
	}
}

func TestFullLedgerRefusesWithAnAnomaly(t *testing.T) {
	o := pendingOrder()
	for i := 0; i < MaxLedger; i++ {
		c := PaymentChange(o, dispute(fmt.Sprintf("u%d", i), "dp_1", KindDisputeUpdated, "", i), t0)
		if !c.Changed {
			t.Fatalf("update %d not taken: %+v", i, c.Outcome)
		}
		o = c.Order
	}
	c := PaymentChange(o, at("pay", KindPaymentSucceeded, 5000, 1), t0)
	if c.Changed || c.Outcome.Applied || !strings.Contains(c.Outcome.Reason, "anomaly: the order's payment ledger is full") ||
		c.Entry.Reason != c.Outcome.Reason || len(o.Ledger) != MaxLedger {
		t.Fatalf("past the bound = %+v (ledger %d)", c.Outcome, len(o.Ledger))
	}
	if c := PaymentChange(o, dispute("u3", "dp_1", KindDisputeUpdated, "", 3), t0); !strings.HasPrefix(c.Outcome.Reason, "duplicate") {
		t.Fatalf("a duplicate of a full ledger = %+v", c.Outcome)
	}
}

func TestOrderWithoutLedgerKeepsItsFacts(t *testing.T) {
	// Stored before orderwire kept ledgers: paid and partly refunded, a won dispute.
	o := pendingOrder()
	o.Status, o.PaymentStatus, o.PaidMinor, o.RefundedMinor, o.Dispute = StatusShipped, PaymentPartiallyRefunded, 5000, 1000, DisputeWon
	o, changes := arrive(o, at("fail", KindPaymentFailed, 0, 1), at("refund", KindRefunded, 4000, 2))
	if changes[0].Changed || o.PaidMinor != 5000 || o.RefundedMinor != 5000 || o.Status != StatusRefunded || o.Dispute != DisputeWon {
		t.Fatalf("order = %+v (first %+v)", o, changes[0].Outcome)
	}
}

func TestTimeAnomalyIsOnTheEntry(t *testing.T) {
	e := at("pay", KindPaymentSucceeded, 5000, 1)
	e.TimeAnomaly = "anomaly: occurred_at 20000-01-01T00:00:00Z is more than 24h0m0s after it was received"
	c := PaymentChange(pendingOrder(), e, t0)
	if !c.Outcome.Applied || c.Outcome.Reason != "" || c.Entry.Reason != e.TimeAnomaly {
		t.Fatalf("entry reason %q outcome %+v", c.Entry.Reason, c.Outcome)
	}
}
