package store

import (
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// FuzzParseOutboxKey: the notifier trusts ParseOutboxKey with whatever keys a stream record
// carries. It must never panic; what it accepts must be exactly the keys the store writes
// for that row (so a record of another item is never taken for an outbox row); and every
// row's keys must parse back to the row.
func FuzzParseOutboxKey(f *testing.F) {
	f.Add("ORDER#A-1042", "MSG#payment_reminder#000000000003")
	f.Add("ORDER#A-1042", "META")
	f.Add("ORDER#A-1042", "MSG##1")
	f.Add("BUYER#b-1", "MSG#payment_received#000000000002")
	f.Add("ORDER#x", "MSG#shipment_delivered#-00000000001")
	f.Add("ORDER#x", "MSG#a#b#000000000007")
	f.Add("ORDER#~unfiled", "MSG#seller_event_unfiled#123456789012345")
	f.Add("ORDER#~other", "MSG#seller_event_unfiled#000000000001")
	f.Fuzz(func(t *testing.T, pk, sk string) {
		ref, ok := ParseOutboxKey(pk, sk)
		if ok && (OrderPK(ref.OrderID) != pk || OutboxRefSK(ref) != sk) {
			t.Fatalf("ParseOutboxKey(%q, %q) = %+v, which the store writes as (%q, %q)", pk, sk, ref, OrderPK(ref.OrderID), OutboxRefSK(ref))
		}
		if ok && !order.ValidID(ref.OrderID) && ref.OrderID != order.UnfiledAlertOrderID {
			t.Fatalf("ParseOutboxKey(%q, %q) accepted order id %q", pk, sk, ref.OrderID)
		}
		if !OutboxOrderID(ref.OrderID) || ref.Kind == "" {
			return
		}
		n := order.Notification{OrderID: ref.OrderID, Kind: ref.Kind, Seq: ref.Seq}
		back, ok := ParseOutboxKey(OrderPK(n.OrderID), OutboxSK(n))
		if !ok || back != ref {
			t.Fatalf("round trip of %+v = %+v, %v", ref, back, ok)
		}
	})
}
