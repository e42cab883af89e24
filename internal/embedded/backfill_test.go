package embedded

import (
	"context"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// TestBackfillBuyerIndex: a file written before the buyer order index existed (the index
// items and the marker removed by hand) gets the index when it is opened, so an erasure
// finds those orders too.
func TestBackfillBuyerIndex(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := order.Buyer{ID: "buyer-old", Name: "Old Buyer", Email: "old@example.com", Locale: "en", TimeZone: "UTC", Country: "US"}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, id := range []string{"o-1", "o-2"} {
		o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 100, Currency: "USD", PaymentDueAt: now.Add(time.Hour), CreatedAt: now}, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SaveOrder(context.Background(), o, b); err != nil {
			t.Fatal(err)
		}
	}
	err = s.file.Update(func(tx *bolt.Tx) error { // as a file from before the index
		bk := tx.Bucket(tableBucket)
		for _, k := range [][]byte{buyerOrderKey("buyer-old", "o-1"), buyerOrderKey("buyer-old", "o-2"), buyerIndexDone} {
			if err := bk.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ids, _ := s.BuyerOrders(context.Background(), "buyer-old", "", 10); len(ids) != 0 {
		t.Fatalf("index not removed: %v", ids)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	}()
	ids, err := s.BuyerOrders(context.Background(), "buyer-old", "", 10)
	if err != nil || len(ids) != 2 || ids[0] != "o-1" || ids[1] != "o-2" {
		t.Fatalf("BuyerOrders after reopening = %v, %v", ids, err)
	}
	res, err := s.EraseBuyer(context.Background(), "buyer-old", now, store.DefaultDisputeWindow, 10)
	if err != nil || res.OrdersTouched != 2 {
		t.Fatalf("erasure = %+v, %v", res, err)
	}
}
