// Package order is orderwire's domain: orders, buyers, the order state machine and the error
// type. It imports nothing outside the standard library and golang.org/x/text (plus a phone
// number library for E.164 checks), and no AWS package.
package order

import (
	"fmt"
	"regexp"
	"time"

	"golang.org/x/text/currency"
)

// MaxAmountMinor bounds amounts so that sums of a few thousand orders never overflow int64.
const MaxAmountMinor = 1_000_000_000_000 // 10^12 minor units

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

// ValidID reports whether id is a valid order or buyer id: 1–64 characters of
// [A-Za-z0-9._:-]. The seller chooses ids; this keeps them safe inside store keys and URLs.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Order is one sale. Amounts are in the currency's minor units (cents for USD, yen for JPY).
type Order struct {
	ID           string
	BuyerID      string
	AmountMinor  int64
	Currency     string // ISO 4217, upper case
	CreatedAt    time.Time
	PaymentDueAt time.Time
	Status       Status
	// PaymentStatus, Dispute and the paid/refunded sums follow the payment provider's events
	// in the order they happened (see PaymentChange); Status follows the order's own state
	// machine, moved by those facts where it allows.
	PaymentStatus PaymentStatus
	Dispute       string // the summary of Disputes: "", DisputeOpen, DisputeWon, DisputeLost or DisputeClosed
	PaidMinor     int64
	RefundedMinor int64
	FraudWarning  bool // a provider flagged the payment as likely fraud
	// Disputes are the order's disputes one by one (Dispute is their summary), and Ledger
	// the payment events the facts above are folded from, in event order (see PaymentChange).
	Disputes []Dispute
	Ledger   []LedgerEntry
	// The dunning state: how many payment reminders went out, whether the final notice did,
	// and when the reminder sweep must look at the order next. NextActionAt is zero unless
	// the order is pending_payment: it is the key of the due index, so an order leaves the
	// index in the same write that takes it out of pending_payment. Past pending_payment it
	// is DisputeAlertAt: the order is due again when a dispute_response_due alert is.
	RemindersSent   int
	FinalNoticeSent bool
	NextActionAt    time.Time
	// DisputeDeadlines are the disputes' respond_by dates and whether their
	// dispute_response_due alert was written (see DisputeAlertAt).
	DisputeDeadlines []DisputeDeadline
	// DunningTier and BuyerTimeZone are copied from the buyer when the seller registers or
	// updates the order (the rating tier that chose the cadence, the zone for quiet hours),
	// so that the sweep acts on the due index alone, without reading every buyer.
	DunningTier   string
	BuyerTimeZone string
	// Shipments are the order's parcels, in registration order. They live with the order so
	// that a tracking event changes a parcel and the order's status in one versioned write.
	Shipments []Shipment
	// Version starts at 1 on creation and grows by one with every stored change; the store
	// accepts a write only if it was computed from the version it holds (optimistic locking).
	Version   int64
	UpdatedAt time.Time
}

// Terms are the parts of an order the seller sets: who buys, how much, by when.
type Terms struct {
	Buyer        Buyer
	AmountMinor  int64
	Currency     string
	PaymentDueAt time.Time
	CreatedAt    time.Time // zero means "now"
}

// Validate reports every invalid field of t at once, field names in the API's snake_case.
func (t Terms) Validate() error {
	var fe FieldErrors
	t.validateInto(&fe)
	return fe.Err("order.Terms.Validate")
}

func (t Terms) validateInto(fe *FieldErrors) {
	t.Buyer.validateInto(fe, "buyer.")
	if t.AmountMinor <= 0 || t.AmountMinor > MaxAmountMinor {
		fe.Add("amount_minor", fmt.Sprintf("must be between 1 and %d", int64(MaxAmountMinor)))
	}
	if !validCurrency(t.Currency) {
		fe.Add("currency", "must be an ISO 4217 code such as USD or EUR")
	}
	if t.PaymentDueAt.IsZero() {
		fe.Add("payment_due_at", "is required (RFC 3339)")
	}
	if !t.CreatedAt.IsZero() && !t.PaymentDueAt.IsZero() && t.PaymentDueAt.Before(t.CreatedAt) {
		fe.Add("payment_due_at", "must not be before created_at")
	}
}

func validCurrency(code string) bool {
	if len(code) != 3 || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	u, err := currency.ParseISO(code)
	return err == nil && u.String() == code
}

// New creates an order in pending_payment from validated terms at time now.
func New(id string, t Terms, now time.Time) (Order, error) {
	if err := validate(id, t); err != nil {
		return Order{}, err
	}
	created := t.CreatedAt
	if created.IsZero() {
		created = now
	}
	return Order{
		ID: id, BuyerID: t.Buyer.ID, AmountMinor: t.AmountMinor, Currency: t.Currency,
		CreatedAt: created.UTC(), PaymentDueAt: t.PaymentDueAt.UTC(),
		Status: StatusPendingPayment, PaymentStatus: PaymentUnpaid, Version: 1, UpdatedAt: now.UTC(),
	}, nil
}

// Amend returns o changed to the new terms, with its version bumped. Changing the amount or
// currency of an order that is no longer pending_payment is a conflict: the buyer has paid
// (or the order is over) for the old amount. created_at, when given, replaces the old one.
func (o Order) Amend(t Terms, now time.Time) (Order, error) {
	if err := validate(o.ID, t); err != nil {
		return Order{}, err
	}
	if (t.AmountMinor != o.AmountMinor || t.Currency != o.Currency) && o.Status != StatusPendingPayment {
		return Order{}, Errorf(CodeConflict, "order.Amend",
			"amount and currency cannot change once the order is %s", o.Status)
	}
	next := o
	next.BuyerID = t.Buyer.ID
	next.AmountMinor = t.AmountMinor
	next.Currency = t.Currency
	next.PaymentDueAt = t.PaymentDueAt.UTC()
	if !t.CreatedAt.IsZero() {
		next.CreatedAt = t.CreatedAt.UTC()
	}
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	return next, nil
}

// MoveTo returns o in status to, version bumped, or a conflict if the state machine forbids it.
func (o Order) MoveTo(to Status, now time.Time) (Order, error) {
	if !CanTransition(o.Status, to) {
		return Order{}, Errorf(CodeConflict, "order.MoveTo", "cannot move from %s to %s", o.Status, to)
	}
	o.Status = to
	o.Version++
	o.UpdatedAt = now.UTC()
	return o, nil
}

func validate(id string, t Terms) error {
	var fe FieldErrors
	if !ValidID(id) {
		fe.Add("order_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	t.validateInto(&fe)
	return fe.Err("order.validate")
}
