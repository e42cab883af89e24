package embedded_test

import (
	"context"
	"fmt"
	"sync"
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
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
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

// BenchmarkPurgeNothingDue is the hourly purge's common case: 10,000 orders with a payment
// each (timeline entry, evidence, marker), none expired. It reads one key per item family
// of each order and commits nothing.
func BenchmarkPurgeNothingDue(b *testing.B) {
	s, err := embedded.Open(b.TempDir(), embedded.Options{MaxBatchDelay: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			b.Error(err)
		}
	}()
	ctx := context.Background()
	const orders = 10000
	var last time.Time
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := 0; i < orders; i++ {
		id := fmt.Sprintf("o-bench-%05d", i)
		bu := storetest.Buyer("buyer-" + id)
		o := storetest.Order(b, id, bu)
		ev := storetest.Event("stripe", "evt_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
		last = ev.ReceivedAt
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.SaveOrder(ctx, o, bu); err != nil {
				b.Error(err)
				return
			}
			if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{"id":"x"}`)}); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, err := s.PurgeExpired(ctx, last.Add(24*time.Hour)); err != nil || n != 0 {
			b.Fatalf("purge = %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/orders, "µs/order")
}
