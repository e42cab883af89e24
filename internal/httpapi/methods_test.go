package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/tracking"
)

// TestMethodNotAllowed: a path that is a route, asked with a method it does not take, is 405
// with an Allow header listing the methods it takes (GET implies HEAD), before any token is
// checked; a path that is no route is 404 whatever the method.
func TestMethodNotAllowed(t *testing.T) {
	payments, err := payment.Providers(providerConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	carriers, err := tracking.Providers(carrierConfig())
	if err != nil {
		t.Fatal(err)
	}
	f := newPrefsFixture(t, httpapi.Config{Payments: payments, Carriers: carriers,
		LocalOutbox: func() (any, error) { return nil, nil }})
	for _, c := range []struct{ method, path, allow string }{
		{"GET", "/webhooks/payments/stripe", "POST"},
		{"PUT", "/webhooks/carriers/aftership", "POST"},
		{"DELETE", "/v1/orders/AE-1", "GET, HEAD, PUT"},
		{"POST", "/v1/orders/AE-1", "GET, HEAD, PUT"},
		{"PATCH", "/v1/orders/AE-1", "GET, HEAD, PUT"},
		{"GET", "/v1/orders/AE-1/shipments", "POST"},
		{"GET", "/v1/buyers/b-1/preferences", "PUT"},
		{"DELETE", "/unsubscribe", "GET, HEAD, POST"},
		{"PUT", "/healthz", "GET, HEAD"},
		{"POST", "/local/outbox", "GET, HEAD"},
		{"OPTIONS", "/v1/orders/AE-1", "GET, HEAD, PUT"},
	} {
		rec := call(f.handler, c.method, c.path, nil)
		decodeError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed")
		if got := rec.Header().Get("Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
	}
	for _, c := range []struct{ method, path string }{
		{"GET", "/not-a-route"}, {"DELETE", "/not-a-route"}, {"POST", "/v1/orders"}, {"GET", "/v1/orders/AE-1/nothing"},
		{"POST", "/webhooks/payments"},
	} {
		rec := call(f.handler, c.method, c.path, nil)
		decodeError(t, rec, http.StatusNotFound, "not_found")
		if rec.Header().Get("Allow") != "" {
			t.Errorf("%s %s: 404 with Allow %q", c.method, c.path, rec.Header().Get("Allow"))
		}
	}
	// A route's own methods still reach it (here, to its token check).
	for _, c := range []struct{ method, path string }{{"GET", "/v1/orders/AE-1"}, {"HEAD", "/v1/orders/AE-1"}, {"PUT", "/v1/orders/AE-1"}} {
		if rec := call(f.handler, c.method, c.path, nil); rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s: %d, want 401", c.method, c.path, rec.Code)
		}
	}
}
