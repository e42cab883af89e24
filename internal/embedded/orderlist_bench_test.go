package embedded

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// listBenchNow is the clock of the order list benchmark: ten days after its first order.
var listBenchBase = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// loadListBench fills a new bbolt store with n orders of 1,000 buyers, written in one
// transaction through putOrder (the index entries SaveOrder writes): a seventh paid and not
// shipped, a thirtieth with a parcel in exception, a fiftieth with a dispute to answer, the
// rest pending or shipped.
func loadListBench(b *testing.B, n int) *Store {
	b.Helper()
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.db.Update(func(tx KVTx) error {
		bk := tx.Table()
		for i := range n {
			buyer := storetest.Buyer(fmt.Sprintf("buyer-%04d", i%1000))
			o := storetest.Order(b, fmt.Sprintf("o-%06d", i), buyer)
			o.UpdatedAt = listBenchBase.Add(time.Duration(i) * time.Minute)
			paid := func() {
				o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, o.AmountMinor
				o.Ledger = []order.LedgerEntry{{Source: "stripe", EventID: "pay-" + o.ID, Kind: order.KindPaymentSucceeded,
					OccurredAt: o.UpdatedAt, AmountMinor: o.AmountMinor, Currency: o.Currency}}
			}
			switch {
			case i%7 == 0:
				paid()
			case i%30 == 1, i%3 == 2:
				paid()
				st := order.ShipmentInTransit
				if i%30 == 1 {
					st = order.ShipmentException
				}
				o.Status = order.StatusShipped
				o.Shipments = []order.Shipment{{Carrier: "cainiao", TrackingNumber: fmt.Sprintf("LP%08d", i),
					Service: order.ServicePostal, ShippedAt: o.UpdatedAt, Status: st, StatusAt: o.UpdatedAt}}
			}
			if i%50 == 3 {
				o.Dispute = order.DisputeOpen
				o.Disputes = []order.Dispute{{ID: "dp-" + o.ID, Provider: "stripe", Status: order.DisputeNeedsResponse,
					OpenedAt: o.UpdatedAt, RespondBy: o.UpdatedAt.Add(7 * 24 * time.Hour), UpdatedAt: o.UpdatedAt}}
			}
			var rec store.BuyerRecord
			rec.SetContact(buyer)
			if err := write(bk, buyerKey(buyer.ID), rec); err != nil {
				return err
			}
			if err := write(bk, buyerOrderKey(buyer.ID, o.ID), store.BuyerOrderRecord{OrderID: o.ID}); err != nil {
				return err
			}
			if err := putOrder(bk, o); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkListOrders10k: one page of 50 of ListOrders on the bbolt store holding 10,000
// orders, for each plan: the first page and a page 100 pages deep of the plain list, each
// filter alone, a filter the index does not serve (status and payment status: the second is
// checked), a buyer, and the attention lists.
func BenchmarkListOrders10k(b *testing.B) {
	s := loadListBench(b, 10_000)
	ctx := context.Background()
	now := listBenchBase.Add(10_000*time.Minute + 24*time.Hour)
	deep := store.OrderQuery{Limit: 50}
	for range 100 {
		page, err := s.ListOrders(ctx, deep)
		if err != nil {
			b.Fatal(err)
		}
		deep.Cursor = page.Next
	}
	for _, bc := range []struct {
		name string
		q    store.OrderQuery
	}{
		{"all", store.OrderQuery{}},
		{"all_page100", deep},
		{"status", store.OrderQuery{Status: order.StatusShipped}},
		{"payment_status", store.OrderQuery{PaymentStatus: order.PaymentPaid}},
		{"status+payment_status", store.OrderQuery{Status: order.StatusShipped, PaymentStatus: order.PaymentPaid}},
		// The worst case of a checked filter: no shipped order is refunded, so the whole
		// status partition (3,600 orders) is read to find none.
		{"status+payment_status_none", store.OrderQuery{Status: order.StatusShipped, PaymentStatus: order.PaymentRefunded}},
		{"buyer", store.OrderQuery{BuyerID: "buyer-0042"}},
		{"attention_any", store.OrderQuery{Attention: "any", Now: now}},
		{"attention_dispute", store.OrderQuery{Attention: order.AttentionDispute, Now: now}},
		{"attention_unshipped", store.OrderQuery{Attention: order.AttentionUnshipped, Now: now}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.q.Limit = 50
			b.ReportAllocs()
			var listed int
			for b.Loop() {
				page, err := s.ListOrders(ctx, bc.q)
				if err != nil {
					b.Fatal(err)
				}
				listed = len(page.Orders)
			}
			if listed == 0 && bc.q.PaymentStatus != order.PaymentRefunded {
				b.Fatalf("%s listed nothing", bc.name)
			}
			b.ReportMetric(float64(listed), "orders/page")
		})
	}
}
