package dynamo

import (
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The items of the event path: the shared records (store/records.go) with their keys.

// dedupeItem marks a provider event as seen; DynamoDB's TTL deletes it after store.DedupeTTL.
type dedupeItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	store.DedupeRecord
}

// parkItem is an event waiting for its order: PK PARK#<order id>, SK by occurred-at.
type parkItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	store.EventRecord
}

func newParkItem(ev order.Event) parkItem {
	return parkItem{PK: store.ParkPK(ev.OrderID), SK: store.ParkSK(ev), Type: "parked_event",
		EventRecord: store.NewEventRecord(ev)}
}

// outboxItem is a notification row waiting for the notifier.
type outboxItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	store.NotificationRecord
}

func newOutboxItem(n order.Notification) outboxItem {
	return outboxItem{PK: orderPK(n.OrderID), SK: store.OutboxSK(n), Type: "notification",
		NotificationRecord: store.NewNotificationRecord(n)}
}
