package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
)

// memOrders is an in-memory store for measuring the API path alone (no I/O).
type memOrders struct {
	mu     sync.Mutex
	orders map[string]order.Order
}

func (m *memOrders) GetOrder(_ context.Context, id string) (order.Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[id]
	if !ok {
		return o, order.Errorf(order.CodeNotFound, "mem", "not found")
	}
	return o, nil
}

func (m *memOrders) SaveOrder(_ context.Context, o order.Order, _ order.Buyer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur, ok := m.orders[o.ID]; (o.Version == 1) == ok || (ok && cur.Version != o.Version-1) {
		return order.Errorf(order.CodeConflict, "mem", "conflict")
	}
	m.orders[o.ID] = o
	return nil
}

func (m *memOrders) ApplyParked(context.Context, string, time.Time) (int, error) { return 0, nil }

func (m *memOrders) Timeline(context.Context, string) ([]order.TimelineEntry, error) { return nil, nil }

func (m *memOrders) GetBuyer(context.Context, string) (order.Buyer, error) {
	return order.Buyer{}, order.Errorf(order.CodeNotFound, "mem", "not found")
}

func (m *memOrders) AddShipment(context.Context, order.ShipmentChange) error { return nil }

func (m *memOrders) ApplyParkedTracking(context.Context, string, time.Time) (int, error) {
	return 0, nil
}

// BenchmarkSellerAPI measures one request through the whole handler (routing, auth, body
// decoding, validation, use case, JSON answer). "mem" isolates the API path; "embedded"
// adds the durable bbolt store.
func BenchmarkSellerAPI(b *testing.B) {
	stores := map[string]func(b *testing.B) seller.Orders{
		"mem": func(*testing.B) seller.Orders { return &memOrders{orders: map[string]order.Order{}} },
		"embedded": func(b *testing.B) seller.Orders {
			s, err := embedded.Open(b.TempDir(), embedded.Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			return s
		},
	}
	seq := 0 // order ids stay unique however often -count reruns a sub-benchmark
	for _, name := range []string{"mem", "embedded"} {
		h := httpapi.New(httpapi.Config{Orders: &seller.Service{Orders: stores[name](b)}, Tokens: []string{token}})
		if rec := serve(h, "PUT", "/v1/orders/AE-get", validBody); rec.Code != http.StatusCreated {
			b.Fatalf("setup PUT: %d %s", rec.Code, rec.Body)
		}
		b.Run("store="+name+"/PUT-create", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				seq++
				if rec := serve(h, "PUT", fmt.Sprintf("/v1/orders/AE-%d", seq), validBody); rec.Code != http.StatusCreated {
					b.Fatalf("PUT: %d %s", rec.Code, rec.Body)
				}
			}
		})
		b.Run("store="+name+"/GET", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if rec := serve(h, "GET", "/v1/orders/AE-get", ""); rec.Code != http.StatusOK {
					b.Fatalf("GET: %d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func serve(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
