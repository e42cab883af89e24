package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

var listBenchBase = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// loadOrders10k saves 10,000 orders of 1,000 buyers in a new bbolt store through SaveOrder
// (eight writers sharing commits): a seventh paid and not shipped, a third shipped, a
// fiftieth with a dispute to answer, the rest pending.
func loadOrders10k(b *testing.B) *embedded.Store {
	b.Helper()
	st, err := embedded.Open(b.TempDir(), embedded.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	const n, writers = 10_000, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			for i := w; i < n; i += writers {
				buyer := storetest.Buyer(fmt.Sprintf("buyer-%04d", i%1000))
				o := storetest.Order(b, fmt.Sprintf("o-%06d", i), buyer)
				o.UpdatedAt = listBenchBase.Add(time.Duration(i) * time.Minute)
				if i%7 == 0 || i%3 == 2 {
					o.Status, o.PaymentStatus, o.PaidMinor = order.StatusAwaitingShipment, order.PaymentPaid, o.AmountMinor
					o.Ledger = []order.LedgerEntry{{Source: "stripe", EventID: "pay-" + o.ID, Kind: order.KindPaymentSucceeded,
						OccurredAt: o.UpdatedAt, AmountMinor: o.AmountMinor, Currency: o.Currency}}
				}
				if i%3 == 2 && i%7 != 0 {
					o.Status = order.StatusShipped
					o.Shipments = []order.Shipment{{Carrier: "cainiao", TrackingNumber: fmt.Sprintf("LP%08d", i),
						Service: order.ServicePostal, ShippedAt: o.UpdatedAt, Status: order.ShipmentInTransit, StatusAt: o.UpdatedAt}}
				}
				if i%50 == 3 {
					o.Dispute = order.DisputeOpen
					o.Disputes = []order.Dispute{{ID: "dp-" + o.ID, Provider: "stripe", Status: order.DisputeNeedsResponse,
						OpenedAt: o.UpdatedAt, RespondBy: o.UpdatedAt.Add(7 * 24 * time.Hour), UpdatedAt: o.UpdatedAt}}
				}
				if err := st.SaveOrder(context.Background(), o, buyer); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkListOrdersRoute10k: GET /v1/orders (a page of 50, JSON answered) on the bbolt
// store holding 10,000 orders, through the whole handler: parameters checked, the store's
// index read, each order's attention items derived, the page encoded.
func BenchmarkListOrdersRoute10k(b *testing.B) {
	st := loadOrders10k(b)
	now := listBenchBase.Add(10_000*time.Minute + 24*time.Hour)
	h := httpapi.New(httpapi.Config{OrderList: st, Tokens: []string{token}, Now: func() time.Time { return now }})
	for _, bc := range []struct{ name, query string }{
		{"all", ""},
		{"status", "?status=shipped"},
		{"buyer", "?buyer_id=buyer-0042"},
		{"attention_any", "?attention=any"},
		{"attention_dispute", "?attention=dispute_response"},
		{"limit200", "?limit=200"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/v1/orders"+bc.query, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			b.ReportAllocs()
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/answer")
		})
	}
}
