package store

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The stored shapes of the domain types, shared by both adapters so that an item means the
// same in each: the embedded store keeps them as JSON, DynamoDB as attributes (the adapter
// adds PK, SK and item_type). Times are UTC.

// OrderRecord is an order's META item.
type OrderRecord struct {
	ID            string    `json:"order_id" dynamodbav:"order_id"`
	BuyerID       string    `json:"buyer_id" dynamodbav:"buyer_id"`
	AmountMinor   int64     `json:"amount_minor" dynamodbav:"amount_minor"`
	Currency      string    `json:"currency" dynamodbav:"currency"`
	CreatedAt     time.Time `json:"created_at" dynamodbav:"created_at"`
	PaymentDueAt  time.Time `json:"payment_due_at" dynamodbav:"payment_due_at"`
	Status        string    `json:"status" dynamodbav:"status"`
	PaymentStatus string    `json:"payment_status,omitempty" dynamodbav:"payment_status,omitempty"`
	Dispute       string    `json:"dispute,omitempty" dynamodbav:"dispute,omitempty"`
	PaidMinor     int64     `json:"paid_minor,omitempty" dynamodbav:"paid_minor,omitempty"`
	RefundedMinor int64     `json:"refunded_minor,omitempty" dynamodbav:"refunded_minor,omitempty"`
	FraudWarning  bool      `json:"fraud_warning,omitempty" dynamodbav:"fraud_warning,omitempty"`
	Version       int64     `json:"version" dynamodbav:"version"`
	UpdatedAt     time.Time `json:"updated_at" dynamodbav:"updated_at"`
}

// NewOrderRecord is o as stored.
func NewOrderRecord(o order.Order) OrderRecord {
	return OrderRecord{ID: o.ID, BuyerID: o.BuyerID, AmountMinor: o.AmountMinor, Currency: o.Currency,
		CreatedAt: o.CreatedAt.UTC(), PaymentDueAt: o.PaymentDueAt.UTC(), Status: string(o.Status),
		PaymentStatus: string(o.PaymentStatus), Dispute: o.Dispute, PaidMinor: o.PaidMinor,
		RefundedMinor: o.RefundedMinor, FraudWarning: o.FraudWarning, Version: o.Version,
		UpdatedAt: o.UpdatedAt.UTC()}
}

// Order is the stored order.
func (r OrderRecord) Order() order.Order {
	return order.Order{ID: r.ID, BuyerID: r.BuyerID, AmountMinor: r.AmountMinor, Currency: r.Currency,
		CreatedAt: r.CreatedAt.UTC(), PaymentDueAt: r.PaymentDueAt.UTC(), Status: order.Status(r.Status),
		PaymentStatus: order.PaymentStatus(r.PaymentStatus), Dispute: r.Dispute, PaidMinor: r.PaidMinor,
		RefundedMinor: r.RefundedMinor, FraudWarning: r.FraudWarning, Version: r.Version,
		UpdatedAt: r.UpdatedAt.UTC()}
}

// BuyerRecord is a buyer's PROFILE item. Fields that later features add (opt-outs, rating)
// are kept by SetContact, which the seller's order updates call.
type BuyerRecord struct {
	ID       string `json:"buyer_id" dynamodbav:"buyer_id"`
	Name     string `json:"name" dynamodbav:"name"`
	Email    string `json:"email,omitempty" dynamodbav:"email,omitempty"`
	Phone    string `json:"phone,omitempty" dynamodbav:"phone,omitempty"`
	Locale   string `json:"locale" dynamodbav:"locale"`
	TimeZone string `json:"timezone" dynamodbav:"timezone"`
	Country  string `json:"country" dynamodbav:"country"`
}

// SetContact replaces the buyer's contact details with b's.
func (r *BuyerRecord) SetContact(b order.Buyer) {
	r.ID, r.Name, r.Email, r.Phone = b.ID, b.Name, b.Email, b.Phone
	r.Locale, r.TimeZone, r.Country = b.Locale, b.TimeZone, b.Country
}

// Buyer is the stored buyer.
func (r BuyerRecord) Buyer() order.Buyer {
	return order.Buyer{ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		Locale: r.Locale, TimeZone: r.TimeZone, Country: r.Country}
}

// EventRecord is a normalised event: a parked event, and the body of a timeline entry.
type EventRecord struct {
	Kind           string    `json:"kind" dynamodbav:"kind"`
	Type           string    `json:"event_type" dynamodbav:"event_type"`
	Source         string    `json:"source" dynamodbav:"source"`
	EventID        string    `json:"event_id" dynamodbav:"event_id"`
	OrderID        string    `json:"order_id" dynamodbav:"order_id"`
	OccurredAt     time.Time `json:"occurred_at" dynamodbav:"occurred_at"`
	ReceivedAt     time.Time `json:"received_at" dynamodbav:"received_at"`
	AmountMinor    int64     `json:"amount_minor,omitempty" dynamodbav:"amount_minor,omitempty"`
	Currency       string    `json:"currency,omitempty" dynamodbav:"currency,omitempty"`
	RefundIsTotal  bool      `json:"refund_is_total,omitempty" dynamodbav:"refund_is_total,omitempty"`
	DisputeOutcome string    `json:"dispute_outcome,omitempty" dynamodbav:"dispute_outcome,omitempty"`
	PaymentRef     string    `json:"payment_ref,omitempty" dynamodbav:"payment_ref,omitempty"`
}

// NewEventRecord is ev as stored.
func NewEventRecord(ev order.Event) EventRecord {
	return EventRecord{Kind: string(ev.Kind), Type: ev.Type, Source: ev.Source, EventID: ev.EventID,
		OrderID: ev.OrderID, OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(),
		AmountMinor: ev.AmountMinor, Currency: ev.Currency, RefundIsTotal: ev.RefundIsTotal,
		DisputeOutcome: ev.DisputeOutcome, PaymentRef: ev.PaymentRef}
}

// Event is the stored event.
func (r EventRecord) Event() order.Event {
	return order.Event{Kind: order.EventKind(r.Kind), Type: r.Type, Source: r.Source, EventID: r.EventID,
		OrderID: r.OrderID, OccurredAt: r.OccurredAt.UTC(), ReceivedAt: r.ReceivedAt.UTC(),
		AmountMinor: r.AmountMinor, Currency: r.Currency, RefundIsTotal: r.RefundIsTotal,
		DisputeOutcome: r.DisputeOutcome, PaymentRef: r.PaymentRef}
}

// TimelineRecord is one timeline entry: the event and what applying it did.
type TimelineRecord struct {
	EventRecord
	Applied bool   `json:"applied" dynamodbav:"applied"`
	Reason  string `json:"reason,omitempty" dynamodbav:"reason,omitempty"`
}

// NewTimelineRecord is the timeline entry of ev with outcome out.
func NewTimelineRecord(ev order.Event, out order.Outcome) TimelineRecord {
	return TimelineRecord{EventRecord: NewEventRecord(ev), Applied: out.Applied, Reason: out.Reason}
}

// Entry is the stored timeline entry.
func (r TimelineRecord) Entry() order.TimelineEntry { return r.Event().Entry(r.Applied, r.Reason) }

// NotificationRecord is an outbox row.
type NotificationRecord struct {
	OrderID      string    `json:"order_id" dynamodbav:"order_id"`
	BuyerID      string    `json:"buyer_id" dynamodbav:"buyer_id"`
	Kind         string    `json:"kind" dynamodbav:"kind"`
	Seq          int64     `json:"seq" dynamodbav:"seq"`
	Status       string    `json:"status" dynamodbav:"status"`
	CreatedAt    time.Time `json:"created_at" dynamodbav:"created_at"`
	CauseSource  string    `json:"cause_source" dynamodbav:"cause_source"`
	CauseEventID string    `json:"cause_event_id" dynamodbav:"cause_event_id"`
}

// NewNotificationRecord is n as stored.
func NewNotificationRecord(n order.Notification) NotificationRecord {
	return NotificationRecord{OrderID: n.OrderID, BuyerID: n.BuyerID, Kind: string(n.Kind), Seq: n.Seq,
		Status: n.Status, CreatedAt: n.CreatedAt.UTC(), CauseSource: n.CauseSource, CauseEventID: n.CauseEventID}
}

// Notification is the stored outbox row.
func (r NotificationRecord) Notification() order.Notification {
	return order.Notification{OrderID: r.OrderID, BuyerID: r.BuyerID, Kind: order.NotificationKind(r.Kind),
		Seq: r.Seq, Status: r.Status, CreatedAt: r.CreatedAt.UTC(), CauseSource: r.CauseSource,
		CauseEventID: r.CauseEventID}
}

// DedupeRecord marks a provider event as seen until ExpiresAt (unix seconds; DynamoDB's TTL
// attribute).
type DedupeRecord struct {
	OrderID   string `json:"order_id" dynamodbav:"order_id"`
	ExpiresAt int64  `json:"expires_at" dynamodbav:"expires_at"`
}
