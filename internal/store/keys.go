package store

import (
	"fmt"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The key layout shared by every adapter: DynamoDB's PK/SK strings, which the embedded store
// mirrors. Sort keys that start with a time use SortableTime so that byte order is time order.

// SortableTime formats t in UTC with a fixed width (nanoseconds always present), so that
// comparing the strings compares the times.
func SortableTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// OrderPK is the partition of an order: its META item, timeline, evidence and outbox.
func OrderPK(id string) string { return "ORDER#" + id }

// BuyerPK is the partition of a buyer's profile.
func BuyerPK(id string) string { return "BUYER#" + id }

// DedupePK is the partition of the dedupe marker of one provider event.
func DedupePK(source, eventID string) string { return "HOOK#" + source + "#" + eventID }

// ParkPK is the partition of the events waiting for order id to be registered.
func ParkPK(orderID string) string { return "PARK#" + orderID }

// Sort keys of singleton items and the prefixes of item families in an order's partition.
const (
	MetaSK         = "META"
	ProfileSK      = "PROFILE"
	DedupeSK       = "-"
	TimelinePrefix = "EVT#"
	EvidencePrefix = "RAW#"
	OutboxPrefix   = "MSG#"
)

// TimelineSK orders an order's timeline by occurred-at.
func TimelineSK(ev order.Event) string {
	return TimelinePrefix + SortableTime(ev.OccurredAt) + "#" + ev.Source + "#" + ev.EventID
}

// EvidenceSK orders an order's evidence by received-at.
func EvidenceSK(ev order.Event) string {
	return EvidencePrefix + SortableTime(ev.ReceivedAt) + "#" + ev.Source + "#" + ev.EventID
}

// ParkSK orders the parked events of an order by occurred-at.
func ParkSK(ev order.Event) string {
	return SortableTime(ev.OccurredAt) + "#" + ev.Source + "#" + ev.EventID
}

// OutboxSK is unique per order, kind and sequence.
func OutboxSK(n order.Notification) string {
	return fmt.Sprintf("%s%s#%012d", OutboxPrefix, n.Kind, n.Seq)
}
