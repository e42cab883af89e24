package store

import (
	"fmt"
	"strconv"
	"strings"
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

// BuyerPK is the partition of a buyer: the PROFILE item, the order index (BuyerOrderSK) and
// the evidence an erasure holds (BuyerHoldSK).
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

// EvidenceSK orders an order's evidence by received-at.
func EvidenceSK(ev order.Event) string {
	return EvidencePrefix + SortableTime(ev.ReceivedAt) + "#" + ev.Source + "#" + ev.EventID
}

// ParkSK orders the parked events of an order by occurred-at.
func ParkSK(ev order.Event) string {
	return SortableTime(ev.OccurredAt) + "#" + ev.Source + "#" + ev.EventID
}

// OutboxSK is unique per order, kind and sequence.
func OutboxSK(n order.Notification) string { return OutboxRefSK(n.Ref()) }

// TrackPK is the partition of a tracking number: the claims of the orders that registered
// it (ClaimSK), a marker that one exists (ClaimedSK), and the carriers' evidence (RAW#).
func TrackPK(number string) string { return "TRACK#" + number }

// EvidencePartitions are the partitions holding order o's evidence (EvidencePrefix items):
// the order's own, then each parcel's tracking number, where carriers' evidence is kept.
func EvidencePartitions(o order.Order) []string {
	out := []string{OrderPK(o.ID)}
	for _, sh := range o.Shipments {
		out = append(out, TrackPK(sh.TrackingNumber))
	}
	return out
}

// ParkTrackPK is the partition of the carrier events waiting for a tracking number to be
// registered. (Order ids cannot contain '#', so it never meets ParkPK.)
func ParkTrackPK(number string) string { return "PARK#TRACK#" + number }

// ClaimPrefix starts the sort key of a claim; ClaimedSK marks that the number has a claim
// (on DynamoDB it also holds the set of the claims' carriers, "carriers", which a process
// that remembers the claims checks: internal/dynamo/claimcache.go).
const (
	ClaimPrefix = "CLAIM#"
	ClaimedSK   = "CLAIMED"
)

// ClaimSK is the sort key of one carrier's claim of a tracking number.
func ClaimSK(carrier string) string { return ClaimPrefix + carrier }

// TrackingDedupeSource keeps carrier event ids apart from payment event ids of the same
// sender (a Standard Webhooks sender may report both).
func TrackingDedupeSource(source string) string { return "track-" + source }

// TrackingEvidenceSK orders a tracking number's evidence by received-at.
func TrackingEvidenceSK(ev order.TrackingEvent) string {
	return EvidencePrefix + SortableTime(ev.ReceivedAt) + "#" + ev.Source + "#" + ev.EventID
}

// ParkTrackingSK orders the parked events of a tracking number by occurred-at.
func ParkTrackingSK(ev order.TrackingEvent) string {
	return SortableTime(ev.OccurredAt) + "#" + ev.Source + "#" + ev.EventID
}

// TimelineEntrySK is the sort key of any timeline entry: by occurred-at, then source and
// event id (payment events, carrier events, registrations and reminder steps alike).
func TimelineEntrySK(e order.TimelineEntry) string {
	return TimelinePrefix + SortableTime(e.OccurredAt) + "#" + e.Source + "#" + e.EventID
}

// DueShards spreads the due index over this many partitions (DynamoDB GSI2 keys
// DUE#0..DUE#7) so that no single index partition takes every pending order.
const DueShards = 8

// DuePK is the due-index partition of an order.
func DuePK(orderID string) string {
	h := uint32(2166136261) // FNV-1a
	for i := 0; i < len(orderID); i++ {
		h = (h ^ uint32(orderID[i])) * 16777619
	}
	return fmt.Sprintf("DUE#%d", h%DueShards)
}

// OutboxDuePK is the due-index partition of an order's outbox rows (MSGDUE#0..7; the
// orders' own DUE# partitions are apart).
func OutboxDuePK(orderID string) string { return "MSG" + DuePK(orderID) }

// OutboxDueSK orders the outbox due index by n.DueAt, then row.
func OutboxDueSK(n order.Notification) string {
	return SortableTime(n.DueAt()) + "#" + n.OrderID + "#" + OutboxSK(n)
}

// InOutboxDueIndex reports whether n belongs in the outbox due index: pending or sending.
func InOutboxDueIndex(n order.Notification) bool { return !n.DueAt().IsZero() }

// OutboxRefSK is the sort key of ref's row: MSG#<kind>#<seq, 12 digits>.
func OutboxRefSK(ref order.NotificationRef) string {
	return fmt.Sprintf("%s%s#%012d", OutboxPrefix, ref.Kind, ref.Seq)
}

// ParseOutboxKey returns the row that PK/SK name, and false for any other item: it accepts
// exactly the keys OrderPK and OutboxSK produce for a row with a valid order id, or with
// order.UnfiledAlertOrderID (the seller alerts about unfiled events, which have no order).
func ParseOutboxKey(pk, sk string) (order.NotificationRef, bool) {
	id, ok := strings.CutPrefix(pk, "ORDER#")
	rest, isMsg := strings.CutPrefix(sk, OutboxPrefix)
	if !ok || !isMsg {
		return order.NotificationRef{}, false
	}
	i := strings.LastIndexByte(rest, '#')
	if i <= 0 {
		return order.NotificationRef{}, false
	}
	seq, err := strconv.ParseInt(rest[i+1:], 10, 64)
	if err != nil || seq < 0 {
		return order.NotificationRef{}, false
	}
	ref := order.NotificationRef{OrderID: id, Kind: order.NotificationKind(rest[:i]), Seq: seq}
	// Only the exact keys the store writes for a row name it: "MSG#k#7" or an invalid order
	// id is some other item (or garbage), not a row.
	if !OutboxOrderID(id) || OutboxRefSK(ref) != sk {
		return order.NotificationRef{}, false
	}
	return ref, true
}

// OutboxOrderID reports whether id can key outbox rows: a valid order id, or
// order.UnfiledAlertOrderID.
func OutboxOrderID(id string) bool { return order.ValidID(id) || id == order.UnfiledAlertOrderID }

// DueSK orders the due index by next action time, then order id.
func DueSK(o order.Order) string { return SortableTime(o.NextActionAt) + "#" + o.ID }

// InDueIndex reports whether o belongs in the due index: a pending_payment order with a
// next reminder step, or any other order with a dispute_response_due alert to write
// (NextActionAt is then order.DisputeAlertAt).
func InDueIndex(o order.Order) bool {
	if o.NextActionAt.IsZero() {
		return false
	}
	return o.Status == order.StatusPendingPayment || !o.DisputeAlertAt().IsZero()
}
