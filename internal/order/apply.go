package order

import (
	"slices"
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

// PaymentStatuses lists every payment status, in the order above (the filters of the order
// list offer them in this order).
var PaymentStatuses = []PaymentStatus{PaymentUnpaid, PaymentProcessing, PaymentFailed,
	PaymentCanceled, PaymentPaid, PaymentPartiallyRefunded, PaymentRefunded}

// Valid reports whether s is one of PaymentStatuses.
func (s PaymentStatus) Valid() bool { return slices.Contains(PaymentStatuses, s) }

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
	// BuyerStats), in the same write; empty for none. A payment event may add to several:
	// they are in EventChange.BuyerStats, and this field is empty.
	BuyerStat string
}

// ApplyEvent returns PaymentChange(o, ev, now)'s order and outcome, for callers that need
// no more. An adapter must persist the whole EventChange: the order can change (its ledger)
// while the outcome is not applied.
func ApplyEvent(o Order, ev Event, now time.Time) (Order, Outcome) {
	c := PaymentChange(o, ev, now)
	return c.Order, c.Outcome
}

// FoldEvents returns o after every event of events in event order (see LedgerEntry.Before),
// whatever order the slice is in: the reference result that every arrival order of the same
// events must reach through PaymentChange.
func FoldEvents(o Order, events []Event, now time.Time) Order {
	sorted := append([]Event(nil), events...)
	SortEvents(sorted)
	for _, ev := range sorted {
		o = PaymentChange(o, ev, now).Order
	}
	return o
}
