package dynamo

import (
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The items of the event path: the shared records (store/records.go) with their keys.

// dedupeItem marks a provider event as seen; DynamoDB's TTL deletes it after store.DedupeTTL.
// While the event is unfiled the marker is in GSI1 partition UNFILED (the listing).
type dedupeItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"item_type"`
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
	store.DedupeRecord
}

// refItem is a payment reference's record: PK PAYREF#<source>#<ref>, SK REF.
type refItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	store.RefRecord
}

// parkItem is an event waiting for its order: PK PARK#<order id>, SK by occurred-at.
type parkItem struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
	store.EventRecord
}

func newParkItem(pk string, ev order.Event) parkItem {
	return parkItem{PK: pk, SK: store.ParkSK(ev), Type: "parked_event", EventRecord: store.NewEventRecord(ev)}
}

// outboxItem is a notification row. While it is pending or sending it carries the outbox
// due-index keys (GSI2, sparse, partitions MSGDUE#<shard>): every Put of the row moves it
// in the index or takes it out. Its INSERT on the table's stream is what wakes the notifier.
type outboxItem struct {
	PK     string `dynamodbav:"PK"`
	SK     string `dynamodbav:"SK"`
	Type   string `dynamodbav:"item_type"`
	GSI2PK string `dynamodbav:"GSI2PK,omitempty"`
	GSI2SK string `dynamodbav:"GSI2SK,omitempty"`
	// GSI6 keys a row with a message problem (store.MessageProblemSK), written by the same
	// Put that sets the status.
	GSI6PK string `dynamodbav:"GSI6PK,omitempty"`
	GSI6SK string `dynamodbav:"GSI6SK,omitempty"`
	store.NotificationRecord
}

func newOutboxItem(n order.Notification) outboxItem {
	it := outboxItem{PK: orderPK(n.OrderID), SK: store.OutboxSK(n), Type: "notification",
		NotificationRecord: store.NewNotificationRecord(n)}
	if store.InOutboxDueIndex(n) {
		it.GSI2PK, it.GSI2SK = store.OutboxDuePK(n.OrderID), store.OutboxDueSK(n)
	}
	if sk, ok := store.MessageProblemSK(n); ok {
		it.GSI6PK, it.GSI6SK = store.AttentionPK(order.AttentionMessage), sk
	}
	return it
}
