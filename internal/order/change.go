package order

import (
	"fmt"
	"time"
)

// EventChange is everything one payment event does to its order, for a store adapter to
// persist as it is, in one write: the timeline entry always; when Changed, the order (whose
// version is one more than the version it was computed from, so the write is conditioned on
// that one), the outbox rows and one increment of each buyer counter.
type EventChange struct {
	Order Order // the order after the event; the input order itself when !Changed
	// Changed is true when the order must be written: its ledger took the event. That can
	// be without any visible fact changing (Outcome.Applied false), e.g. a refund that
	// waits for its payment.
	Changed bool
	// Outcome says whether the order's visible facts (payment facts and Status) changed and
	// why not, or what was odd; Notify holds its Notify as outbox rows, and its BuyerStat is
	// empty (see BuyerStats).
	Outcome    Outcome
	Entry      TimelineEntry  // ev.Entry(Outcome.Applied, Outcome.Reason)
	Notify     []Notification // the outbox rows the result implies (at most once per order each), seller alerts included
	BuyerStats []string       // the buyer counters to add one to (see BuyerStats), each once
}

// PaymentChange returns what payment event ev does to order o at time now.
//
// The order's payment facts are folded from its ledger in event order (FoldLedger), never
// from the arrival order: ev joins the ledger at its place unless it is not a payment kind,
// is already there (same Source and EventID: nothing changes), contradicts the order's terms
// (a payment in another currency or for less than is due, a refund in another currency: an
// anomaly, not applied), can no longer matter (a pending, failed or canceled once the order
// is paid; a second fraud warning) or the ledger is full (MaxLedger).
//
// Status follows the facts through the state machine: becoming paid moves pending_payment
// to awaiting_shipment and out of the due index (NextActionAt zero), with a payment_received
// message unless refunds already cover the payment, and the buyer's paid_before_reminder or
// paid_after_reminders; a payment for a terminated order leaves it terminated, "needs a
// refund". Fully refunded moves the order to refunded where the machine allows it (with
// full_refunds); each dispute that becomes lost adds disputes_lost. Paid, refunded and lost
// only move forward, so each of these happens once per order (per dispute).
//
// Every event the ledger takes may also alert the seller (sellerAlerts): a dispute event
// (dispute_opened, _updated, _closed), a fraud warning, or a payment for a terminated order
// (refund_needed); a dispute event's RespondBy becomes the order's DisputeDeadlines, and
// past pending_payment NextActionAt is DisputeAlertAt.
func PaymentChange(o Order, ev Event, now time.Time) EventChange {
	c := EventChange{Order: o}
	if reason := refusal(o, ev); reason != "" {
		c.Outcome = Outcome{Reason: reason}
	} else {
		c.fold(o, ev, now)
	}
	c.Entry = ev.Entry(c.Outcome.Applied, c.Outcome.Reason)
	if c.Outcome.Applied {
		c.Notify = c.Outcome.Notifications(c.Order, ev, now)
	}
	if c.Changed {
		c.sellerAlerts(o, ev, now)
	}
	return c
}

// refusal says why ev does not join o's ledger, or "" when it does.
func refusal(o Order, ev Event) string {
	ledger := seedLedger(o)
	succeeded, refund := ev.Kind == KindPaymentSucceeded, ev.Kind == KindRefunded
	switch {
	case !paymentKind(ev.Kind):
		return "not acted on: " + ev.Type
	case ledgerHas(ledger, ev.Source, ev.EventID):
		return "duplicate: already on the order's ledger"
	case (succeeded || refund) && ev.Currency != "" && ev.Currency != o.Currency:
		return fmt.Sprintf("anomaly: %s in %s, the order is in %s", ifElse(succeeded, "paid", "refund"), ev.Currency, o.Currency)
	case succeeded && ev.AmountMinor < o.AmountMinor:
		return fmt.Sprintf("anomaly: paid %d of %d %s", ev.AmountMinor, o.AmountMinor, o.Currency)
	case refund && ev.AmountMinor <= 0:
		return "anomaly: refund without an amount"
	case disputeKind(ev.Kind) && ev.DisputeStatus != "" && !ValidDisputeStatus(ev.DisputeStatus):
		return fmt.Sprintf("anomaly: unknown dispute status %q", ev.DisputeStatus)
	case ev.Kind == KindDisputeClosed && !DisputeEnded(LedgerEntryOf(ev).disputeStatus("")):
		return "dispute closed without a known outcome"
	case unpaidKind(ev.Kind) && ledgerHasKind(ledger, KindPaymentSucceeded):
		return "stale: the order is paid"
	case ev.Kind == KindFraudWarning && ledgerHasKind(ledger, KindFraudWarning):
		return "already flagged"
	case len(ledger) >= MaxLedger:
		return fmt.Sprintf("anomaly: the order's payment ledger is full (%d events); recorded, not applied", MaxLedger)
	}
	return ""
}

func disputeKind(k EventKind) bool {
	return k == KindDisputeOpened || k == KindDisputeUpdated || k == KindDisputeClosed
}

func paymentKind(k EventKind) bool {
	switch k {
	case KindPaymentSucceeded, KindPaymentFailed, KindPaymentPending, KindPaymentCanceled, KindRefunded,
		KindDisputeOpened, KindDisputeUpdated, KindDisputeClosed, KindFraudWarning:
		return true
	}
	return false
}

// fold sets c to o with ev in its ledger and the facts, status and messages that follow.
func (c *EventChange) fold(o Order, ev Event, now time.Time) {
	base := seedLedger(o)
	before := FoldLedger(base)
	next := o
	next.Ledger = ledgerInsert(base, LedgerEntryOf(ev))
	f := FoldLedger(next.Ledger)
	next.PaymentStatus, next.PaidMinor, next.RefundedMinor = f.PaymentStatus, f.PaidMinor, f.RefundedMinor
	next.Dispute, next.Disputes, next.FraudWarning = f.Dispute, f.Disputes, f.FraudWarning
	var reasons []string
	if o.PaidMinor == 0 && f.PaidMinor > 0 {
		switch o.Status {
		case StatusPendingPayment:
			next.Status = StatusAwaitingShipment
			next.NextActionAt = time.Time{} // leaves the due index: no reminder after payment, ever
			c.BuyerStats = append(c.BuyerStats, ifElse(o.RemindersSent > 0, StatPaidAfterReminders, StatPaidBeforeReminder))
			if f.RefundedMinor < f.PaidMinor {
				c.Outcome.Notify = []NotificationKind{NotifyPaymentReceived}
			}
		case StatusTerminated:
			reasons = append(reasons, "anomaly: payment for a terminated order; it needs a refund")
		}
		if f.PaidMinor > o.AmountMinor {
			reasons = append(reasons, fmt.Sprintf("anomaly: paid %d, more than the %d %s due", f.PaidMinor, o.AmountMinor, o.Currency))
		}
	}
	if f.PaymentStatus == PaymentRefunded && CanTransition(next.Status, StatusRefunded) {
		next.Status = StatusRefunded
		c.BuyerStats = append(c.BuyerStats, StatFullRefunds)
	}
	if newlyLost(before.Disputes, f.Disputes) {
		c.BuyerStats = append(c.BuyerStats, StatDisputesLost)
	}
	if ev.Kind == KindRefunded && f.PaidMinor > 0 && f.RefundedMinor > f.PaidMinor {
		reasons = append(reasons, fmt.Sprintf("anomaly: refunds total %d, more than the %d paid", f.RefundedMinor, f.PaidMinor))
	}
	c.Outcome.Applied = next.Status != o.Status || !f.Equal(o.PaymentFacts())
	if !c.Outcome.Applied {
		reasons = append(reasons, unchanged(ev, f))
	}
	c.Outcome.Reason = joinReasons(reasons...)
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	c.Order, c.Changed = next, true
}

// newlyLost reports whether a dispute is lost in after and was not in before.
func newlyLost(before, after []Dispute) bool {
	was := map[[2]string]bool{}
	for _, d := range before {
		was[[2]string{d.Provider, d.ID}] = d.Status == DisputeLost
	}
	for _, d := range after {
		if d.Status == DisputeLost && !was[[2]string{d.Provider, d.ID}] {
			return true
		}
	}
	return false
}

// unchanged says why ev, now in the ledger, changed no visible fact.
func unchanged(ev Event, f PaymentFacts) string {
	switch ev.Kind {
	case KindPaymentSucceeded:
		return "already paid"
	case KindPaymentPending, KindPaymentFailed, KindPaymentCanceled:
		if f.PaymentStatus == map[EventKind]PaymentStatus{KindPaymentPending: PaymentProcessing,
			KindPaymentFailed: PaymentFailed, KindPaymentCanceled: PaymentCanceled}[ev.Kind] {
			return "no change: payment is already " + string(f.PaymentStatus)
		}
		return "stale: a later event decides the payment status (" + string(f.PaymentStatus) + ")"
	case KindRefunded:
		if f.PaidMinor == 0 {
			return "waiting: a refund recorded before its payment; it counts when the payment arrives"
		}
		return fmt.Sprintf("stale: refunds already total %d", f.RefundedMinor)
	case KindDisputeOpened, KindDisputeUpdated, KindDisputeClosed:
		for _, d := range f.Disputes {
			if d.ID == ev.DisputeID && d.Provider == ev.Source {
				return fmt.Sprintf("no change: dispute %q is already %s", d.ID, d.Status)
			}
		}
	}
	return "no change"
}

func ifElse(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}
