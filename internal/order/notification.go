package order

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Notification is an outbox row: a message to the buyer that a change of the order implies.
// The notifier claims a due pending row, renders it in the buyer's language, sends it and
// records the outcome. Its life:
//
//	pending ──claim──▶ sending ──▶ sent | skipped | failed
//	   ▲                  │  └──lease ends before an outcome is recorded──▶ unknown
//	   └──deferred (quiet hours, a temporary failure) ┘
//
// A row is sent at most once: only a claim moves pending to sending, and nothing moves
// sending or unknown back without the claim holder's outcome, so a crash between the send
// and its record leaves the row visible as unknown rather than resent.
type Notification struct {
	OrderID   string
	BuyerID   string
	Kind      NotificationKind
	Seq       int64 // the order version whose change produced it; unique per order and kind
	Status    string
	CreatedAt time.Time
	// CauseSource and CauseEventID name the event that produced it.
	CauseSource  string
	CauseEventID string
	// Parcel is the tracking number a shipment notification is about ("" for payments).
	Parcel string
	// Detail is a seller alert's short description (dispute id, status and deadline, carrier
	// status, why unfiled); never a buyer's contact details. Empty for buyer messages.
	Detail string

	// Delivery state, written by the notifier.
	NotBefore  time.Time  // a pending row is due at NotBefore (zero: when created)
	Attempts   int        // claims so far
	Owner      string     // the notifier holding (or that last held) the claim
	LeaseUntil time.Time  // while sending: when the claim lapses
	Reason     string     // why skipped, failed, unknown, or deferred
	Deliveries []Delivery // what each channel did
	UpdatedAt  time.Time
}

// The notification statuses.
const (
	NotificationPending = "pending" // waiting for a notifier (at or after NotBefore)
	NotificationSending = "sending" // claimed by Owner until LeaseUntil
	NotificationSent    = "sent"    // at least one channel accepted it
	NotificationSkipped = "skipped" // deliberately not sent (Reason: opted out, no contact, ...)
	NotificationFailed  = "failed"  // a permanent failure, or retries exhausted (Reason)
	NotificationUnknown = "unknown" // the claim lapsed without an outcome: maybe sent; not resent
)

// NotificationFinal reports whether a row in status s will not change again by itself.
func NotificationFinal(s string) bool {
	return s == NotificationSent || s == NotificationSkipped || s == NotificationFailed
}

// DueAt is when a row is next due for the notifier: NotBefore (or CreatedAt) while
// pending, LeaseUntil while sending (the claim is then considered dead), zero otherwise.
func (n Notification) DueAt() time.Time {
	switch n.Status {
	case NotificationPending:
		if n.NotBefore.IsZero() {
			return n.CreatedAt
		}
		return n.NotBefore
	case NotificationSending:
		return n.LeaseUntil
	}
	return time.Time{}
}

// Delivery is what one channel did with a notification. The address is not kept.
type Delivery struct {
	Channel   string // "email" or "sms"
	Status    string // NotificationSent, NotificationSkipped or NotificationFailed
	MessageID string // the provider's message id when sent
	Reason    string // why skipped or failed
	At        time.Time
	// DeliveredAt is when the provider reported the message delivered to the recipient's
	// mail server (an SES Delivery event); zero until then, and for channels that do not
	// report it.
	DeliveredAt time.Time
}

// NotificationRef names one outbox row.
type NotificationRef struct {
	OrderID string
	Kind    NotificationKind
	Seq     int64
}

// Ref returns the row's name.
func (n Notification) Ref() NotificationRef {
	return NotificationRef{OrderID: n.OrderID, Kind: n.Kind, Seq: n.Seq}
}

// String is "<order id>/<kind>/<seq>", the row's id in logs and in the local outbox.
func (r NotificationRef) String() string { return fmt.Sprintf("%s/%s/%d", r.OrderID, r.Kind, r.Seq) }

// ParseNotificationRef parses String's form.
func ParseNotificationRef(s string) (NotificationRef, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || !(ValidID(parts[0]) || parts[0] == UnfiledAlertOrderID) || parts[1] == "" {
		return NotificationRef{}, Errorf(CodeInvalid, "order.ParseNotificationRef", "not <order>/<kind>/<seq>: %q", s)
	}
	seq, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || seq < 0 {
		return NotificationRef{}, Errorf(CodeInvalid, "order.ParseNotificationRef", "bad sequence in %q", s)
	}
	return NotificationRef{OrderID: parts[0], Kind: NotificationKind(parts[1]), Seq: seq}, nil
}
