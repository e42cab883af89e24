package dynamo

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// dedupeItem marks a provider event as seen; DynamoDB's TTL deletes it after store.DedupeTTL.
type dedupeItem struct {
	PK        string `dynamodbav:"PK"`
	SK        string `dynamodbav:"SK"`
	Type      string `dynamodbav:"item_type"`
	OrderID   string `dynamodbav:"order_id"`
	ExpiresAt int64  `dynamodbav:"expires_at"`
}

// eventAttrs are the attributes of a normalised event, shared by timeline and parked items.
type eventAttrs struct {
	Kind           string    `dynamodbav:"kind"`
	EventType      string    `dynamodbav:"event_type"`
	Source         string    `dynamodbav:"source"`
	EventID        string    `dynamodbav:"event_id"`
	OrderID        string    `dynamodbav:"order_id"`
	OccurredAt     time.Time `dynamodbav:"occurred_at"`
	ReceivedAt     time.Time `dynamodbav:"received_at"`
	AmountMinor    int64     `dynamodbav:"amount_minor,omitempty"`
	Currency       string    `dynamodbav:"currency,omitempty"`
	RefundIsTotal  bool      `dynamodbav:"refund_is_total,omitempty"`
	DisputeOutcome string    `dynamodbav:"dispute_outcome,omitempty"`
	PaymentRef     string    `dynamodbav:"payment_ref,omitempty"`
}

func newEventAttrs(ev order.Event) eventAttrs {
	return eventAttrs{Kind: string(ev.Kind), EventType: ev.Type, Source: ev.Source, EventID: ev.EventID,
		OrderID: ev.OrderID, OccurredAt: ev.OccurredAt.UTC(), ReceivedAt: ev.ReceivedAt.UTC(),
		AmountMinor: ev.AmountMinor, Currency: ev.Currency, RefundIsTotal: ev.RefundIsTotal,
		DisputeOutcome: ev.DisputeOutcome, PaymentRef: ev.PaymentRef}
}

func (a eventAttrs) event() order.Event {
	return order.Event{Kind: order.EventKind(a.Kind), Type: a.EventType, Source: a.Source, EventID: a.EventID,
		OrderID: a.OrderID, OccurredAt: a.OccurredAt.UTC(), ReceivedAt: a.ReceivedAt.UTC(),
		AmountMinor: a.AmountMinor, Currency: a.Currency, RefundIsTotal: a.RefundIsTotal,
		DisputeOutcome: a.DisputeOutcome, PaymentRef: a.PaymentRef}
}

// parkItem is an event waiting for its order: PK PARK#<order id>, SK by occurred-at.
type parkItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	eventAttrs
}

func newParkItem(ev order.Event) parkItem {
	return parkItem{PK: store.ParkPK(ev.OrderID), SK: store.ParkSK(ev), Type: "parked_event", eventAttrs: newEventAttrs(ev)}
}

// timelineItem is one entry of an order's timeline.
type timelineItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	eventAttrs
	Applied bool   `dynamodbav:"applied"`
	Reason  string `dynamodbav:"reason,omitempty"`
}

func newTimelineItem(orderID string, ev order.Event, out order.Outcome) timelineItem {
	return timelineItem{PK: orderPK(orderID), SK: store.TimelineSK(ev), Type: "timeline",
		eventAttrs: newEventAttrs(ev), Applied: out.Applied, Reason: out.Reason}
}

func (it timelineItem) entry() order.TimelineEntry {
	return it.event().Entry(it.Applied, it.Reason)
}

// outboxItem is a notification row waiting for the notifier.
type outboxItem struct {
	PK           string    `dynamodbav:"PK"`
	SK           string    `dynamodbav:"SK"`
	Type         string    `dynamodbav:"item_type"`
	OrderID      string    `dynamodbav:"order_id"`
	BuyerID      string    `dynamodbav:"buyer_id"`
	Kind         string    `dynamodbav:"kind"`
	Seq          int64     `dynamodbav:"seq"`
	Status       string    `dynamodbav:"status"`
	CreatedAt    time.Time `dynamodbav:"created_at"`
	CauseSource  string    `dynamodbav:"cause_source"`
	CauseEventID string    `dynamodbav:"cause_event_id"`
}

func newOutboxItem(n order.Notification) outboxItem {
	return outboxItem{PK: orderPK(n.OrderID), SK: store.OutboxSK(n), Type: "notification", OrderID: n.OrderID,
		BuyerID: n.BuyerID, Kind: string(n.Kind), Seq: n.Seq, Status: n.Status, CreatedAt: n.CreatedAt.UTC(),
		CauseSource: n.CauseSource, CauseEventID: n.CauseEventID}
}

func (it outboxItem) notification() order.Notification {
	return order.Notification{OrderID: it.OrderID, BuyerID: it.BuyerID, Kind: order.NotificationKind(it.Kind),
		Seq: it.Seq, Status: it.Status, CreatedAt: it.CreatedAt.UTC(), CauseSource: it.CauseSource,
		CauseEventID: it.CauseEventID}
}
