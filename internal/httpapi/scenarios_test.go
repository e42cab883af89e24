package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/testservice"
	"github.com/orderwire/orderwire/internal/tracking"
)

// TestScenarios drives the real handler (httpapi.New with seller.Service and the real
// payment and carrier providers, every delivery signed as its sender signs it) with the
// providers' own fixture bodies, on both stores: the embedded one (bbolt in t.TempDir()) and
// DynamoDB Local (skipped under a bare `go test`, a failure under ORDERWIRE_REQUIRE_SERVICES=1,
// as every testservice test). Every scenario gets a store of its own and checks what the seller
// sees: GET /v1/orders/{id}, GET /v1/events?status=unfiled, and the order's outbox rows.
//
// The families: lifecycle/<provider> (a payment naming the order, refunds, disputes won and
// lost, fraud warnings, reference-only events, a hand assignment), lifecycle_reversed (the
// same newest first, every delivery twice), out-of-order pairs (refund before payment,
// dispute closed before opened, pending after failed, a reference-only refund before the
// payment that binds it), and carrier/* (sub-statuses, unfiled carrier events filed by a
// registration or by hand).
//
// The fixtures are used as the payment and tracking packages keep them; a scenario edits
// only ids, order ids, amounts and times (each edit is an old→new pair that must match), and
// where it edits anything else it says so next to the edit.
func TestScenarios(t *testing.T) {
	backends := []struct {
		name string
		open func(t *testing.T) func(t *testing.T) store.Store
	}{
		{"embedded", func(*testing.T) func(*testing.T) store.Store {
			return func(t *testing.T) store.Store {
				st, err := embedded.Open(t.TempDir(), embedded.Options{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = st.Close() })
				return st
			}
		}},
		{"dynamodb-local", func(t *testing.T) func(*testing.T) store.Store {
			client := testservice.DynamoDB(t) // skips, or fails under make test, without the service
			return func(t *testing.T) store.Store { return dynamo.New(client, testservice.NewTable(t, client)) }
		}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			open := b.open(t)
			for _, sc := range scenarioTable() {
				t.Run(sc.name, func(t *testing.T) { sc.run(t, newScenarioHarness(t, open(t))) })
			}
		})
	}
}

// scenario is one story told through the HTTP routes.
type scenario struct {
	name string
	run  func(t *testing.T, h *scenarioHarness)
}

func scenarioTable() []scenario {
	var all []scenario
	all = append(all, lifecycleScenarios()...)
	all = append(all, pairScenarios()...)
	return append(all, parcelScenarios()...)
}

// The handler's clock: after every time in the fixtures (the latest is a PayPal dispute
// resolved on 2026-03-30), so none is "more than a day after receipt". Deliveries are signed
// 30 s before it, inside the ±5 minute windows.
var (
	scNow  = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	scSent = scNow.Add(-30 * time.Second)
)

// scenarioHarness is the real handler over one store, every provider enabled.
type scenarioHarness struct {
	handler  http.Handler
	store    store.Store
	payments map[string]payment.Provider
	carriers map[string]tracking.Provider
	logs     *bytes.Buffer
}

func newScenarioHarness(t *testing.T, st store.Store) *scenarioHarness {
	t.Helper()
	cfg := providerConfig(t)
	cfg.PayPalCertPEM = payPalCertAround(t, scNow) // providerConfig's certificate is valid around provNow
	payments, err := payment.Providers(cfg)
	if err != nil {
		t.Fatal(err)
	}
	carriers, err := tracking.Providers(carrierConfig())
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	clock := func() time.Time { return scNow }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: payments, Events: st, Carriers: carriers, Tracking: st, Unfiled: st, Now: clock,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	return &scenarioHarness{handler: h, store: st, payments: payments, carriers: carriers, logs: logs}
}

// payPalCertAround is a pinned self-signed PayPal certificate for the PayPal test key, valid
// a day either side of now.
func payPalCertAround(t *testing.T, now time.Time) []byte {
	t.Helper()
	key := rsaKeys().paypal
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2),
		Subject:   pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com", Organization: []string{"PayPal, Inc."}},
		NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func (h *scenarioHarness) do(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// register PUTs order id for amount minor units of currency, created before every fixture's
// payment and due after the clock.
func (h *scenarioHarness) register(t *testing.T, id string, amount int64, currency string) {
	t.Helper()
	body := fmt.Sprintf(`{"buyer":{"id":"buyer-%s","name":"Camille Martin","email":"camille@example.com",
	 "locale":"fr-FR","timezone":"Europe/Paris","country":"FR"},"amount_minor":%d,"currency":%q,
	 "created_at":"2026-02-01T00:00:00Z","payment_due_at":"2026-04-30T00:00:00Z"}`, id, amount, currency)
	if rec := h.do("PUT", "/v1/orders/"+id, body); rec.Code != http.StatusCreated {
		t.Fatalf("PUT %s: %d %s", id, rec.Code, rec.Body)
	}
}

// signedEvent is one signed webhook delivery and the event id orderwire shows for it.
type signedEvent struct {
	provider string // the route's provider name
	carrier  bool   // a carrier webhook (else a payment webhook)
	id       string
	d        delivery
}

// post sends e and checks the provider's own success reply, exactly as Acknowledge returns it.
func (h *scenarioHarness) post(t *testing.T, e signedEvent) {
	t.Helper()
	req := httptest.NewRequest("POST", e.d.path, bytes.NewReader(e.d.body))
	req.Header = e.d.header.Clone()
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	var status int
	var contentType string
	var body []byte
	if e.carrier {
		status, contentType, body = h.carriers[e.provider].Acknowledge()
	} else {
		status, contentType, body = h.payments[e.provider].Acknowledge()
	}
	if rec.Code != status || rec.Header().Get("Content-Type") != contentType || rec.Body.String() != string(body) {
		t.Fatalf("%s %s: reply %d %q %s; want %d %q %s", e.provider, e.id, rec.Code, rec.Header().Get("Content-Type"),
			rec.Body, status, contentType, body)
	}
}

// eventID is the id orderwire gives the event d carries: the provider's own Parse, which
// the payment and tracking packages test field by field (Antom and 17TRACK send none and get
// a derived one).
func (h *scenarioHarness) eventID(t *testing.T, provider string, carrier bool, d delivery) string {
	t.Helper()
	if carrier {
		ev, err := h.carriers[provider].Parse(tracking.Request{Method: "POST", Path: d.path, Header: d.header, Body: d.body})
		if err != nil {
			t.Fatalf("%s: %v", provider, err)
		}
		return ev.EventID
	}
	ev, err := h.payments[provider].Parse(payment.Request{Method: "POST", Path: d.path, Header: d.header, Body: d.body})
	if err != nil {
		t.Fatalf("%s: %v", provider, err)
	}
	return ev.EventID
}

func (h *scenarioHarness) order(t *testing.T, id string) map[string]any {
	t.Helper()
	rec := h.do("GET", "/v1/orders/"+id, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", id, rec.Code, rec.Body)
	}
	var o map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &o); err != nil {
		t.Fatal(err)
	}
	return o
}

// money is an order's payment facts as GET /v1/orders/{id} shows them.
type money struct {
	status, payment string
	paid, refunded  int64
	dispute         string // "" for null
	fraud           bool
}

func moneyOf(o map[string]any) money {
	m := money{status: fmt.Sprint(o["status"]), payment: fmt.Sprint(o["payment_status"]),
		paid: int64(o["paid_minor"].(float64)), refunded: int64(o["refunded_minor"].(float64)), fraud: o["fraud_warning"] == true}
	if d, ok := o["dispute"].(string); ok {
		m.dispute = d
	}
	return m
}

// wantMoney checks the order's payment facts.
func (h *scenarioHarness) wantMoney(t *testing.T, id string, want money) map[string]any {
	t.Helper()
	o := h.order(t, id)
	if got := moneyOf(o); got != want {
		t.Fatalf("order %s: %+v\nwant %+v\ntimeline %s", id, got, want, mustJSON(t, o["timeline"]))
	}
	return o
}

// entry returns the timeline entry of event id, failing when the order has none.
func entry(t *testing.T, o map[string]any, id string) map[string]any {
	t.Helper()
	for _, e := range o["timeline"].([]any) {
		if e := e.(map[string]any); e["provider_event_id"] == id {
			return e
		}
	}
	t.Fatalf("order %v: no timeline entry %s in %s", o["order_id"], id, mustJSON(t, o["timeline"]))
	return nil
}

// wantEntry checks that event e is on order o's timeline with kind, applied or not.
func wantEntry(t *testing.T, o map[string]any, e signedEvent, kind string, applied bool) {
	t.Helper()
	got := entry(t, o, e.id)
	if got["kind"] != kind || got["applied"] != applied || got["source"] != e.provider {
		t.Fatalf("order %v: entry %s = %v; want kind %s applied %v source %s", o["order_id"], e.id, got, kind, applied, e.provider)
	}
}

// unfiled lists every unfiled event (one page is enough here), keyed by provider event id.
func (h *scenarioHarness) unfiled(t *testing.T) map[string]map[string]any {
	t.Helper()
	rec := h.do("GET", "/v1/events?status=unfiled&limit=200", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /v1/events: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Events == nil {
		t.Fatalf("listing %s: %v", rec.Body, err)
	}
	out := map[string]map[string]any{}
	for _, e := range page.Events {
		out[e["provider_event_id"].(string)] = e
	}
	return out
}

// wantUnfiled checks that the listing holds exactly e, unfiled for why.
func (h *scenarioHarness) wantUnfiled(t *testing.T, e signedEvent, why string) map[string]any {
	t.Helper()
	list := h.unfiled(t)
	got, ok := list[e.id]
	if !ok || len(list) != 1 || got["why"] != why || got["provider"] != e.provider {
		t.Fatalf("unfiled = %v; want only %s (%s) unfiled for %s", list, e.id, e.provider, why)
	}
	return got
}

func (h *scenarioHarness) wantNoneUnfiled(t *testing.T) {
	t.Helper()
	if list := h.unfiled(t); len(list) != 0 {
		t.Fatalf("unfiled = %v; want none", list)
	}
}

// notes counts the order's outbox rows by kind.
func (h *scenarioHarness) notes(t *testing.T, id string) map[order.NotificationKind]int {
	t.Helper()
	rows, err := h.store.Notifications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := map[order.NotificationKind]int{}
	for _, r := range rows {
		n[r.Kind]++
	}
	return n
}
