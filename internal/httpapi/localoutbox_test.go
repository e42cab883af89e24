package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
)

// sentMessage is what a local sink might list.
type sentMessage struct {
	Channel string `json:"channel"`
	To      string `json:"to"`
	Subject string `json:"subject"`
}

func TestLocalOutbox(t *testing.T) {
	cases := map[string]struct {
		list   func() (any, error)
		status int
		body   string
	}{
		"messages": {func() (any, error) {
			return []sentMessage{{"email", "ana@example.com", "Payment reminder"}}, nil
		}, http.StatusOK, `[{"channel":"email","to":"ana@example.com","subject":"Payment reminder"}]`},
		"nil slice":   {func() (any, error) { return []sentMessage(nil), nil }, http.StatusOK, `[]`},
		"nil":         {func() (any, error) { return nil, nil }, http.StatusOK, `[]`},
		"empty slice": {func() (any, error) { return []sentMessage{}, nil }, http.StatusOK, `[]`},
		"not a list":  {func() (any, error) { return map[string]int{"n": 1}, nil }, http.StatusInternalServerError, ""},
		"fails": {func() (any, error) { return nil, order.Internal("localsink.List", errSecret) },
			http.StatusInternalServerError, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := newPrefsFixture(t, httpapi.Config{LocalOutbox: c.list})
			rec := call(f.handler, "GET", "/local/outbox", nil, "Authorization", "Bearer "+token)
			if c.status != http.StatusOK {
				decodeError(t, rec, c.status, "internal")
				return
			}
			if rec.Code != c.status || strings.TrimSpace(rec.Body.String()) != c.body ||
				rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%d %v %s, want %d %s", rec.Code, rec.Header(), rec.Body, c.status, c.body)
			}
		})
	}
}

func TestLocalOutboxAccess(t *testing.T) {
	f := newPrefsFixture(t, httpapi.Config{LocalOutbox: func() (any, error) { return nil, nil }})
	decodeError(t, call(f.handler, "GET", "/local/outbox", nil), http.StatusUnauthorized, "unauthorized")
	decodeError(t, call(f.handler, "GET", "/local/outbox", nil, "Authorization", "Bearer nope"), http.StatusUnauthorized, "unauthorized")
	decodeError(t, call(f.handler, "POST", "/local/outbox", nil, "Authorization", "Bearer "+token), http.StatusMethodNotAllowed, "method_not_allowed")
	// Not wired (the Lambda functions): no route.
	h := httpapi.New(httpapi.Config{Orders: brokenOrders{}, Tokens: []string{token}})
	decodeError(t, call(h, "GET", "/local/outbox", nil, "Authorization", "Bearer "+token), http.StatusNotFound, "not_found")
}
