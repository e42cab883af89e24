package httpapi_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// The Standard Webhooks secret of these tests and the fixed clock the handler sees.
var (
	whKey    = []byte("orderwire-test-standard-webhooks-key")
	whSecret = "whsec_" + base64.StdEncoding.EncodeToString(whKey)
	whNow    = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
)

type webhookFixture struct {
	*fixture
	events httpapi.EventRecorder
}

func newWebhookFixture(t *testing.T, events func(*embedded.Store) httpapi.EventRecorder) *webhookFixture {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	providers, err := payment.Providers(payment.Config{StandardSecrets: []string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("old-key-rotating-out")), whSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var rec httpapi.EventRecorder = st
	if events != nil {
		rec = events(st)
	}
	logs := &bytes.Buffer{}
	clock := func() time.Time { return whNow }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: providers, Events: rec, Now: clock, Unfiled: st,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	return &webhookFixture{fixture: &fixture{handler: h, store: st, logs: logs}, events: rec}
}

// standardBody is orderwire's generic Standard Webhooks payment body.
func standardBody(typ, orderID string, amount int64) string {
	return `{"type":"` + typ + `","timestamp":"2026-11-22T08:59:00Z","data":{"order_id":"` + orderID +
		`","amount_minor":` + strconv.FormatInt(amount, 10) + `,"currency":"BRL","payment_ref":"pay_1"}}`
}

// postStandard signs body like a Standard Webhooks sender and posts it.
func (f *webhookFixture) postStandard(id, body string, edit ...func(*http.Request)) *httptest.ResponseRecorder {
	return f.postSigned(id, body, body, edit...)
}

// postSigned signs signedBody but sends sentBody (they differ to test tampering).
func (f *webhookFixture) postSigned(id, signedBody, sentBody string, edit ...func(*http.Request)) *httptest.ResponseRecorder {
	ts := strconv.FormatInt(whNow.Add(-30*time.Second).Unix(), 10)
	mac := hmac.New(sha256.New, whKey)
	mac.Write([]byte(id + "." + ts + "." + signedBody))
	req := httptest.NewRequest("POST", "/webhooks/payments/standard", strings.NewReader(sentBody))
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer should-not-be-kept")
	for _, e := range edit {
		e(req)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
}

func (f *webhookFixture) getOrder(t *testing.T, id string) map[string]any {
	t.Helper()
	rec := f.do("GET", "/v1/orders/"+id, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", id, rec.Code, rec.Body)
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestPaymentWebhookAppliesAndShowsTimeline(t *testing.T) {
	f := newWebhookFixture(t, nil)
	if rec := f.do("PUT", "/v1/orders/AE-1", validBody); rec.Code != http.StatusCreated {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	body := standardBody("payment.succeeded", "AE-1", 12990)
	rec := f.postStandard("msg_1", body)
	if rec.Code != http.StatusOK {
		t.Fatalf("webhook: %d %s", rec.Code, rec.Body)
	}
	got := f.getOrder(t, "AE-1")
	if got["status"] != "awaiting_shipment" || got["payment_status"] != "paid" || got["paid_minor"] != 12990.0 {
		t.Fatalf("order after payment: %v", got)
	}
	timeline := got["timeline"].([]any)
	want := map[string]any{"kind": "payment_succeeded", "type": "payment.succeeded", "source": "standard",
		"provider_event_id": "msg_1", "occurred_at": "2026-11-22T08:59:00Z", "received_at": "2026-11-22T09:00:00Z",
		"amount_minor": 12990.0, "currency": "BRL", "applied": true}
	if len(timeline) != 1 || mustJSON(t, timeline[0]) != mustJSON(t, want) {
		t.Fatalf("timeline = %v\nwant [%v]", timeline, want)
	}
	evidence, err := f.store.Evidence(context.Background(), "AE-1")
	if err != nil || len(evidence) != 1 || string(evidence[0].Body) != body {
		t.Fatalf("evidence = %+v, %v", evidence, err)
	}
	if h := evidence[0].Headers; h["webhook-signature"] == "" || h["authorization"] != "" {
		t.Fatalf("evidence headers = %v: want the signature kept and credentials dropped", h)
	}
	if !strings.Contains(f.logs.String(), `"outcome":"applied"`) {
		t.Fatalf("log line lacks the outcome:\n%s", f.logs)
	}
}

func TestPaymentWebhookDuplicateAndOutOfOrder(t *testing.T) {
	f := newWebhookFixture(t, nil)
	f.do("PUT", "/v1/orders/AE-2", validBody)
	paid := standardBody("payment.succeeded", "AE-2", 12990)
	for i := 0; i < 2; i++ { // the second delivery is a provider retry
		if rec := f.postStandard("msg_paid", paid); rec.Code != http.StatusOK {
			t.Fatalf("delivery %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	if rec := f.postStandard("msg_failed", standardBody("payment.failed", "AE-2", 0)); rec.Code != http.StatusOK {
		t.Fatalf("late failure: %d %s", rec.Code, rec.Body)
	}
	got := f.getOrder(t, "AE-2")
	timeline := got["timeline"].([]any)
	if got["payment_status"] != "paid" || len(timeline) != 2 {
		t.Fatalf("after duplicate + late failure: %v", got)
	}
	var late map[string]any
	for _, e := range timeline {
		if e := e.(map[string]any); e["provider_event_id"] == "msg_failed" {
			late = e
		}
	}
	if late == nil || late["applied"] != false || !strings.HasPrefix(late["reason"].(string), "stale") {
		t.Fatalf("late failure entry = %v", late)
	}
}

func TestPaymentWebhookBeforeOrderIsParkedThenApplied(t *testing.T) {
	f := newWebhookFixture(t, nil)
	if rec := f.postStandard("msg_early", standardBody("payment.succeeded", "AE-3", 12990)); rec.Code != http.StatusOK {
		t.Fatalf("webhook for an unknown order: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do("GET", "/v1/orders/AE-3", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("order exists before registration: %d", rec.Code)
	}
	rec := f.do("PUT", "/v1/orders/AE-3", validBody)
	if rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), `"status":"awaiting_shipment"`) {
		t.Fatalf("registration: %d %s", rec.Code, rec.Body)
	}
	if got := f.getOrder(t, "AE-3"); len(got["timeline"].([]any)) != 1 {
		t.Fatalf("timeline after registration = %v", got["timeline"])
	}
}

func TestPaymentWebhookRefusals(t *testing.T) {
	f := newWebhookFixture(t, nil)
	f.do("PUT", "/v1/orders/AE-4", validBody)
	body := standardBody("payment.succeeded", "AE-4", 12990)
	cases := []struct {
		name   string
		rec    *httptest.ResponseRecorder
		status int
		code   string
	}{
		{"tampered body", f.postSigned("msg_t", body, strings.Replace(body, "12990", "12999", 1)), 401, "unauthorized"},
		{"missing signature", f.postStandard("msg_m", body, func(r *http.Request) { r.Header.Del("webhook-signature") }), 401, "unauthorized"},
		{"stale timestamp", f.postStandard("msg_s", body, func(r *http.Request) {
			r.Header.Set("webhook-timestamp", strconv.FormatInt(whNow.Add(-time.Hour).Unix(), 10))
		}), 401, "unauthorized"},
		{"malformed body", f.postStandard("msg_x", `{"type":`), 400, "invalid"},
		{"unknown provider", post(f, "/webhooks/payments/bitcoin", body), 404, "not_found"},
		{"disabled provider", post(f, "/webhooks/payments/stripe", body), 404, "not_found"},
		{"too large", f.postStandard("msg_big", `{"type":"`+strings.Repeat("x", httpapi.MaxBodyBytes)+`"}`), 413, "too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { decodeError(t, c.rec, c.status, c.code) })
	}
	if got := f.getOrder(t, "AE-4"); got["status"] != "pending_payment" || len(got["timeline"].([]any)) != 0 {
		t.Fatalf("a refused webhook changed the order: %v", got)
	}
}

func post(f *webhookFixture, path, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest("POST", path, strings.NewReader(body)))
	return rec
}

func TestPaymentWebhookIgnoredTypesAndMissingOrder(t *testing.T) {
	f := newWebhookFixture(t, nil)
	f.do("PUT", "/v1/orders/AE-5", validBody)
	if rec := f.postStandard("msg_i", standardBody("customer.updated", "AE-5", 0)); rec.Code != http.StatusOK {
		t.Fatalf("ignored type: %d %s", rec.Code, rec.Body)
	}
	got := f.getOrder(t, "AE-5")
	entry := got["timeline"].([]any)[0].(map[string]any)
	if got["version"] != 1.0 || entry["applied"] != false || entry["reason"] != "not acted on: customer.updated" {
		t.Fatalf("ignored type: order %v", got)
	}
	// Verified, but naming no order: acknowledged (no retry storm) and kept unfiled.
	if rec := f.postStandard("msg_none", `{"type":"payment.succeeded","data":{"amount_minor":1,"currency":"BRL"}}`); rec.Code != http.StatusOK {
		t.Fatalf("no order reference: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(f.logs.String(), `"event_id":"msg_none","kind":"payment_succeeded","order_id":"","outcome":"parked"`) {
		t.Fatalf("no log of the unfiled event:\n%s", f.logs)
	}
}

// failingEvents is a store whose event writes fail, as when DynamoDB is unreachable.
type failingEvents struct{}

func (failingEvents) RecordEvent(context.Context, order.Event, order.Evidence) (store.Recorded, error) {
	return store.Recorded{}, order.Internal("dynamo.RecordEvent", errSecret)
}

func TestPaymentWebhookStoreFailureIs5xx(t *testing.T) {
	f := newWebhookFixture(t, func(*embedded.Store) httpapi.EventRecorder { return failingEvents{} })
	rec := f.postStandard("msg_f", standardBody("payment.succeeded", "AE-6", 12990))
	decodeError(t, rec, http.StatusInternalServerError, "internal")
	if strings.Contains(rec.Body.String(), "secret-internal-detail") {
		t.Fatal("internal detail leaked to the provider")
	}
}
