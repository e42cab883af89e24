package order

import (
	"fmt"
	"time"
)

// PaymentStatus is where the buyer's payment stands, as the providers report it.
type PaymentStatus string

// The payment statuses, used verbatim in the API.
const (
	PaymentUnpaid            PaymentStatus = "unpaid"
	PaymentProcessing        PaymentStatus = "processing"
	PaymentFailed            PaymentStatus = "failed"
	PaymentCanceled          PaymentStatus = "canceled"
	PaymentPaid              PaymentStatus = "paid"
	PaymentPartiallyRefunded PaymentStatus = "partially_refunded"
	PaymentRefunded          PaymentStatus = "refunded"
)

// NotificationKind names a message to the buyer that a change implies; the notifier renders
// and sends it.
type NotificationKind string

// The notification kinds payment events and the reminder sweep produce.
const (
	NotifyPaymentReceived    NotificationKind = "payment_received"
	NotifyPaymentReminder    NotificationKind = "payment_reminder"
	NotifyPaymentFinalNotice NotificationKind = "payment_final_notice"
	NotifyOrderTerminated    NotificationKind = "order_terminated"
)

// Outcome is what applying one event to an order did.
type Outcome struct {
	Applied bool   // the order changed
	Reason  string // why not, or what was odd ("anomaly: ..."); empty for a plain change
	// Notify lists the buyer messages the change implies (each at most once per order:
	// a change happens once, later repeats are not applied).
	Notify []NotificationKind
	// BuyerStat names the buyer payment-history counter the change adds one to (see
	// BuyerStats), in the same write; empty for none.
	BuyerStat string
}

// ApplyEvent returns o changed by ev and what happened. It is pure and monotonic: events
// arrive out of order and more than once (under different ids), so each rule only moves
// forward — a late payment_failed after payment_succeeded, or a second success for a paid
// order, is recorded and not applied. A changed order has its version bumped.
func ApplyEvent(o Order, ev Event, now time.Time) (Order, Outcome) {
	next := o
	var out Outcome
	switch ev.Kind {
	case KindPaymentSucceeded:
		out = next.paymentSucceeded(ev)
	case KindPaymentFailed:
		out = next.unpaidTo(PaymentFailed, PaymentUnpaid, PaymentProcessing, PaymentCanceled)
	case KindPaymentPending:
		out = next.unpaidTo(PaymentProcessing, PaymentUnpaid, PaymentFailed, PaymentCanceled)
	case KindPaymentCanceled:
		out = next.unpaidTo(PaymentCanceled, PaymentUnpaid, PaymentFailed, PaymentProcessing)
	case KindRefunded:
		out = next.refunded(ev, now)
	case KindDisputeOpened:
		out = next.disputeOpened()
	case KindDisputeClosed:
		out = next.disputeClosed(ev)
	case KindFraudWarning:
		next.FraudWarning = true
		out = Outcome{Applied: !o.FraudWarning, Reason: ifThen(o.FraudWarning, "already flagged")}
	default:
		out = Outcome{Reason: fmt.Sprintf("not acted on: %s", ev.Type)}
	}
	if !out.Applied {
		return o, out
	}
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	return next, out
}

func ifThen(cond bool, s string) string {
	if cond {
		return s
	}
	return ""
}

func (o *Order) paymentSucceeded(ev Event) Outcome {
	switch {
	case ev.Currency != "" && ev.Currency != o.Currency:
		return Outcome{Reason: fmt.Sprintf("anomaly: paid in %s, the order is in %s", ev.Currency, o.Currency)}
	case ev.AmountMinor < o.AmountMinor:
		return Outcome{Reason: fmt.Sprintf("anomaly: paid %d of %d %s", ev.AmountMinor, o.AmountMinor, o.Currency)}
	case o.Status == StatusTerminated:
		return Outcome{Reason: "anomaly: payment for a terminated order; it needs a refund"}
	case o.Status != StatusPendingPayment || o.PaidMinor > 0:
		return Outcome{Reason: "already paid"}
	}
	o.Status = StatusAwaitingShipment
	o.PaymentStatus = PaymentPaid
	o.PaidMinor = ev.AmountMinor
	o.NextActionAt = time.Time{} // leaves the due index: no reminder after payment, ever
	out := Outcome{Applied: true, Notify: []NotificationKind{NotifyPaymentReceived}, BuyerStat: StatPaidBeforeReminder}
	if o.RemindersSent > 0 {
		out.BuyerStat = StatPaidAfterReminders
	}
	if ev.AmountMinor > o.AmountMinor {
		out.Reason = fmt.Sprintf("anomaly: paid %d, more than the %d %s due", ev.AmountMinor, o.AmountMinor, o.Currency)
	}
	return out
}

// unpaidTo moves the payment status of an order that is still waiting for its payment.
func (o *Order) unpaidTo(to PaymentStatus, from ...PaymentStatus) Outcome {
	if o.Status != StatusPendingPayment || o.PaidMinor > 0 {
		return Outcome{Reason: "stale: the order is " + string(o.Status)}
	}
	for _, f := range from {
		if o.PaymentStatus == f || (f == PaymentUnpaid && o.PaymentStatus == "") {
			o.PaymentStatus = to
			return Outcome{Applied: true}
		}
	}
	return Outcome{Reason: "no change: payment is already " + string(o.PaymentStatus)}
}

func (o *Order) refunded(ev Event, now time.Time) Outcome {
	if o.PaidMinor == 0 {
		return Outcome{Reason: "anomaly: refund of an order with no recorded payment"}
	}
	if ev.Currency != "" && ev.Currency != o.Currency {
		return Outcome{Reason: fmt.Sprintf("anomaly: refund in %s, the order is in %s", ev.Currency, o.Currency)}
	}
	total := o.RefundedMinor + ev.AmountMinor
	if ev.RefundIsTotal {
		total = ev.AmountMinor
	}
	if total <= o.RefundedMinor {
		return Outcome{Reason: "stale: refunds already total " + fmt.Sprint(o.RefundedMinor)}
	}
	o.RefundedMinor = total
	if total < o.PaidMinor {
		o.PaymentStatus = PaymentPartiallyRefunded
		return Outcome{Applied: true}
	}
	o.PaymentStatus = PaymentRefunded
	if CanTransition(o.Status, StatusRefunded) {
		o.Status = StatusRefunded
	}
	return Outcome{Applied: true, BuyerStat: StatFullRefunds}
}

func (o *Order) disputeOpened() Outcome {
	if o.Dispute != "" {
		return Outcome{Reason: "stale: dispute already " + o.Dispute}
	}
	o.Dispute = DisputeOpen
	return Outcome{Applied: true}
}

func (o *Order) disputeClosed(ev Event) Outcome {
	if ev.DisputeOutcome != DisputeWon && ev.DisputeOutcome != DisputeLost {
		return Outcome{Reason: "dispute closed without a known outcome"}
	}
	if o.Dispute == DisputeWon || o.Dispute == DisputeLost {
		return Outcome{Reason: "stale: dispute already " + o.Dispute}
	}
	o.Dispute = ev.DisputeOutcome
	if o.Dispute == DisputeLost {
		return Outcome{Applied: true, BuyerStat: StatDisputesLost}
	}
	return Outcome{Applied: true}
}
