package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// benchOrders is how many orders the console benchmarks list from.
const benchOrders = 10_000

// BenchmarkConsolePages renders console pages through the whole handler (session check
// with its read of the session's revocation, the store's ListOrders on the embedded bbolt store, templates, both languages' catalogs
// resolved at start) with 10,000 orders stored: a third of them paid (a Stripe payment
// each, so awaiting shipment and, past the unshipped setting, needing attention). Each
// iteration is one GET with a session cookie; the answer is checked once per sub-benchmark.
func BenchmarkConsolePages(b *testing.B) {
	h, ck, st := benchConsole(b)
	// The store's part of the Orders page alone, for comparison: one ListOrders page.
	b.Run("store ListOrders alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			page, err := st.ListOrders(context.Background(), store.OrderQuery{Limit: 50})
			if err != nil || len(page.Orders) != 50 {
				b.Fatalf("ListOrders: %d, %v", len(page.Orders), err)
			}
		}
	})
	// The session check's part of every page: one SessionRevoked read of a session that was
	// never signed out.
	b.Run("store SessionRevoked alone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if revoked, err := st.SessionRevoked(context.Background(), "QmVuY2hTZXNzaW9uLTAwMDE", time.Now()); err != nil || revoked {
				b.Fatalf("SessionRevoked: %v, %v", revoked, err)
			}
		}
	})
	for _, c := range []struct {
		name, path string
		rows       int // rows the page must list
	}{
		{"orders first page", "/console/orders", 50},
		{"orders status=awaiting_shipment", "/console/orders?status=awaiting_shipment", 50},
		{"orders search by buyer", "/console/orders?q=buyer-o-bench-00042", 1},
		{"today", "/console/today", 50},
	} {
		b.Run(c.name, func(b *testing.B) {
			get := func() *httptest.ResponseRecorder {
				req := httptest.NewRequest("GET", c.path, nil)
				req.AddCookie(ck)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			rec := get()
			if n := strings.Count(rec.Body.String(), "<tr data-order-id="); rec.Code != http.StatusOK || n != c.rows {
				b.Fatalf("GET %s: %d, %d rows, want %d", c.path, rec.Code, n, c.rows)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if rec := get(); rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", c.path, rec.Code)
				}
			}
			b.ReportMetric(float64(rec.Body.Len()), "bytes/page")
		})
	}
}

// benchConsole stores benchOrders orders in a fresh embedded store (64 writers sharing
// bbolt's group commit; not timed) and returns the console over it with a session cookie.
func benchConsole(b *testing.B) (http.Handler, *http.Cookie, *embedded.Store) {
	b.Helper()
	st, err := embedded.Open(b.TempDir(), embedded.Options{MaxBatchDelay: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range benchOrders {
		id := fmt.Sprintf("o-bench-%05d", i)
		bu := storetest.Buyer("buyer-" + id)
		o := storetest.Order(b, id, bu)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := st.SaveOrder(ctx, o, bu); err != nil {
				b.Error(err)
				return
			}
			if i%3 == 0 {
				ev := storetest.Event("stripe", "evt_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
				if _, err := st.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{"id":"x"}`)}); err != nil {
					b.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	packs := &evidencepack.Packer{Source: st, Now: clock}
	h := console.New(console.Config{Orders: &seller.Service{Orders: st, Now: clock}, List: st, Messages: packs,
		Unfiled: st, Buyers: st, Evidence: packs, Sessions: st, Tokens: []string{token}, Now: clock})
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest("GET", "/console/signin", nil))
	m := csrfField.FindStringSubmatch(page.Body.String())
	req := httptest.NewRequest("POST", "/console/signin", strings.NewReader("token="+token+"&csrf="+m[1]))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == console.SessionCookie {
			return h, ck, st
		}
	}
	b.Fatalf("no session: %d", rec.Code)
	return nil, nil, nil
}
