package embedded

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// TestBackfillOrderList: a file written before the order list existed (its index keys and
// the marker removed by hand) gets the index when it is opened.
func TestBackfillOrderList(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	b := order.Buyer{ID: "buyer-old", Name: "Old Buyer", Email: "old@example.com", Locale: "en", TimeZone: "UTC", Country: "US"}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, id := range []string{"o-1", "o-2", "o-3"} {
		o, err := order.New(id, order.Terms{Buyer: b, AmountMinor: 100, Currency: "USD", PaymentDueAt: now.Add(time.Hour), CreatedAt: now},
			now.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if id == "o-2" { // paid long ago, no parcel: needs attention
			o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, 100
		}
		if err := s.SaveOrder(ctx, o, b); err != nil {
			t.Fatal(err)
		}
	}
	err = s.file.Update(func(tx *bolt.Tx) error { // as a file from before the list
		bk := tx.Bucket(tableBucket)
		var doomed [][]byte
		c := bk.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			for _, p := range []string{"ORDERS\x00", "STATUS#", "PAYSTATUS#", "ATTENTION#"} {
				if bytes.HasPrefix(k, []byte(p)) {
					doomed = append(doomed, slices.Clone(k))
				}
			}
		}
		if len(doomed) < 3*3+1 {
			t.Errorf("only %d index keys for three orders", len(doomed))
		}
		for _, k := range append(doomed, orderListDone) {
			if err := bk.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if page, _ := s.ListOrders(ctx, store.OrderQuery{}); len(page.Orders) != 0 {
		t.Fatalf("index not removed: %+v", page)
	}
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := func(q store.OrderQuery) []string {
		page, err := s.ListOrders(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range page.Orders {
			out = append(out, o.ID)
		}
		return out
	}
	if got := ids(store.OrderQuery{}); !slices.Equal(got, []string{"o-3", "o-2", "o-1"}) {
		t.Fatalf("after reopening: %v", got)
	}
	if got := ids(store.OrderQuery{Status: order.StatusPendingPayment}); !slices.Equal(got, []string{"o-3", "o-1"}) {
		t.Fatalf("pending after reopening: %v", got)
	}
	if got := ids(store.OrderQuery{Attention: "any", Now: now.Add(30 * 24 * time.Hour)}); !slices.Equal(got, []string{"o-2"}) {
		t.Fatalf("attention after reopening: %v", got)
	}
}
