package embedded_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestPurgeExpiredDedupeMarkers: markers are kept for store.DedupeTTL and deleted after it,
// as DynamoDB's TTL does; nothing else is touched.
func TestPurgeExpiredDedupeMarkers(t *testing.T) {
	s, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b := storetest.Buyer("buyer-purge")
	o := storetest.Order(t, "o-purge", b)
	if err := s.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	ev := storetest.Event("stripe", "evt_purge", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PurgeExpired(ctx, ev.ReceivedAt.Add(store.DedupeTTL-time.Second)); err != nil || n != 0 {
		t.Fatalf("purge before the TTL = %d, %v", n, err)
	}
	if res, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil || !res.Duplicate {
		t.Fatalf("a retry within the TTL = %+v, %v: want a duplicate", res, err)
	}
	if n, err := s.PurgeExpired(ctx, ev.ReceivedAt.Add(store.DedupeTTL)); err != nil || n != 1 {
		t.Fatalf("purge at the TTL = %d, %v: want the one marker", n, err)
	}
	if res, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil || res.Duplicate {
		t.Fatalf("the event after its marker expired = %+v, %v: want it recorded again", res, err)
	}
	if got, err := s.GetOrder(ctx, o.ID); err != nil || got.Status != order.StatusAwaitingShipment {
		t.Fatalf("order after the purge = %+v, %v", got, err)
	}
}
