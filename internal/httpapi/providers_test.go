package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
)

// TestProviderScenarios runs every scenario for every payment provider, end to end: signed
// like the provider signs, through httpapi.New with the real providers, on the embedded store.
// Each subtest (e.g. TestProviderScenarios/stripe/duplicate) has a store of its own. A
// scenario that does not apply to a provider (no timestamp window, no key list) is not run
// for it, rather than reported as skipped: `make test` treats a skip as a missing service.
func TestProviderScenarios(t *testing.T) {
	for _, s := range signers() {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range scenarios {
				if sc.appliesTo != nil && !sc.appliesTo(s) {
					continue
				}
				t.Run(sc.name, func(t *testing.T) { sc.run(t, newProviderHarness(t), s) })
			}
		})
	}
}

var scenarios = []struct {
	name      string
	appliesTo func(signer) bool // nil: every provider
	run       func(t *testing.T, h *providerHarness, s signer)
}{
	{"valid", nil, func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-100")
		e := s.success(t, "AE-100", "paid", paidAt)
		h.wantAck(t, h.deliver(s.sign(t, e, signFirst, sentAt)), s)
		h.wantPaid(t, s, "AE-100", e)
	}},
	{"duplicate", nil, func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-200")
		d := s.sign(t, s.success(t, "AE-200", "paid", paidAt), signFirst, sentAt)
		h.wantAck(t, h.deliver(d), s)
		before := h.getOrder(t, "AE-200")
		h.wantAck(t, h.deliver(d), s) // the provider's retry: same bytes, same headers
		after := h.getOrder(t, "AE-200")
		if after["version"] != before["version"] || len(after["timeline"].([]any)) != 1 || mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("a duplicate changed the order\nbefore %v\nafter  %v", before, after)
		}
		h.wantEvidence(t, "AE-200", 1)
		if n := strings.Count(h.logs.String(), `"outcome":"duplicate"`); n != 1 {
			t.Fatalf("%d deliveries logged as duplicate, want 1:\n%s", n, h.logs)
		}
	}},
	{"out_of_order", nil, func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-300")
		h.wantAck(t, h.deliver(s.sign(t, s.success(t, "AE-300", "paid", paidAt), signFirst, sentAt)), s)
		paid := h.getOrder(t, "AE-300")
		late := s.failure(t, "AE-300", "late", paidAt.Add(-time.Minute)) // happened first, arrives last
		h.wantAck(t, h.deliver(s.sign(t, late, signFirst, sentAt)), s)
		got := h.getOrder(t, "AE-300")
		if got["payment_status"] != "paid" || got["status"] != "awaiting_shipment" || got["version"] != paid["version"] {
			t.Fatalf("a late %s was applied: %v", s.failureKind, got)
		}
		timeline := got["timeline"].([]any)
		entry := timelineEntry(t, got, late.id)
		if len(timeline) != 2 || entry["kind"] != s.failureKind || entry["applied"] != false ||
			!strings.HasPrefix(fmt.Sprint(entry["reason"]), "stale") || entry["occurred_at"] != "2026-03-01T09:59:00Z" {
			t.Fatalf("late event entry = %v in %v", entry, timeline)
		}
		if timeline[0].(map[string]any)["provider_event_id"] != late.id {
			t.Errorf("timeline not in occurred-at order: %v", timeline)
		}
	}},
	{"unregistered_order", nil, func(t *testing.T, h *providerHarness, s signer) {
		e := s.success(t, "AE-400", "early", paidAt)
		h.wantAck(t, h.deliver(s.sign(t, e, signFirst, sentAt)), s)
		if !strings.Contains(h.logs.String(), `"outcome":"parked"`) {
			t.Fatalf("the early event was not parked:\n%s", h.logs)
		}
		decodeError(t, h.do("GET", "/v1/orders/AE-400", ""), http.StatusNotFound, "not_found")
		rec := h.do("PUT", "/v1/orders/AE-400", orderBody(s))
		put := decodeJSON(t, rec)
		if rec.Code != http.StatusCreated || put["status"] != "awaiting_shipment" || put["payment_status"] != "paid" {
			t.Fatalf("registration after the payment: %d %s", rec.Code, rec.Body)
		}
		h.wantPaid(t, s, "AE-400", e)
	}},
	{"tampered_body", nil, refused(func(t *testing.T, s signer, e event, orderID string) delivery {
		return tamper(s.sign(t, e, signFirst, sentAt), orderID)
	})},
	{"wrong_key", nil, refused(func(t *testing.T, s signer, e event, _ string) delivery {
		return s.sign(t, e, signWrong, sentAt)
	})},
	// Antom and Alipay document no validity window and retry for about a day; a replayed
	// genuine notification is deduplicated (payment/antom.go, alipay.go).
	{"stale_timestamp", func(s signer) bool { return s.timed }, refused(func(t *testing.T, s signer, e event, _ string) delivery {
		return s.sign(t, e, signFirst, provNow.Add(-10*time.Minute))
	})},
	// PayPal, Antom and Alipay are configured with one certificate or public key.
	{"rotated_secret", func(s signer) bool { return s.rotates }, func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-600")
		e := s.success(t, "AE-600", "rotated", paidAt)
		h.wantAck(t, h.deliver(s.sign(t, e, signSecond, sentAt)), s)
		h.wantPaid(t, s, "AE-600", e)
	}},
	{"refusals_leave_order_unchanged", nil, func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-700")
		before := h.getOrder(t, "AE-700")
		e := s.success(t, "AE-700", "refused", paidAt)
		bad := []delivery{s.sign(t, e, signWrong, sentAt), tamper(s.sign(t, e, signFirst, sentAt), "AE-700")}
		if s.timed {
			bad = append(bad, s.sign(t, e, signFirst, provNow.Add(-10*time.Minute)))
		}
		for _, d := range bad {
			decodeError(t, h.deliver(d), http.StatusUnauthorized, "unauthorized")
		}
		if after := h.getOrder(t, "AE-700"); mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("refused deliveries changed the order\nbefore %v\nafter  %v", before, after)
		}
		h.wantEvidence(t, "AE-700", 0)
	}},
}

// refused is the scenario of a delivery that must be refused with 401 and leave no trace:
// the order is unchanged, no evidence is kept, and no dedupe marker blocks the genuine
// delivery of the same event afterwards.
func refused(build func(t *testing.T, s signer, e event, orderID string) delivery) func(*testing.T, *providerHarness, signer) {
	return func(t *testing.T, h *providerHarness, s signer) {
		h.register(t, s, "AE-500")
		before := h.getOrder(t, "AE-500")
		e := s.success(t, "AE-500", "paid", paidAt)
		rec := h.deliver(build(t, s, e, "AE-500"))
		t.Logf("refused: %s", decodeError(t, rec, http.StatusUnauthorized, "unauthorized").Error.Message)
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("401 Content-Type = %q", ct)
		}
		if after := h.getOrder(t, "AE-500"); mustJSON(t, after) != mustJSON(t, before) {
			t.Fatalf("a refused delivery changed the order\nbefore %v\nafter  %v", before, after)
		}
		h.wantEvidence(t, "AE-500", 0)
		h.wantAck(t, h.deliver(s.sign(t, e, signFirst, sentAt)), s)
		h.wantPaid(t, s, "AE-500", e)
	}
}

// tamper changes one byte of d's body after signing: the last character of the order
// reference (AE-500 becomes AE-501), as if someone redirected the payment to another order.
func tamper(d delivery, orderID string) delivery {
	d.body = bytes.Clone(d.body)
	d.body[bytes.Index(d.body, []byte(orderID))+len(orderID)-1] ^= 1
	return d
}

// providerHarness is the real handler with all five providers enabled, the embedded store
// and a fixed clock.
type providerHarness struct {
	*webhookFixture
	providers map[string]payment.Provider
}

func newProviderHarness(t *testing.T) *providerHarness {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	providers, err := payment.Providers(providerConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	clock := func() time.Time { return provNow }
	h := httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: providers, Events: st, Now: clock, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	})
	return &providerHarness{webhookFixture: &webhookFixture{fixture: &fixture{handler: h, store: st, logs: logs}, events: st}, providers: providers}
}

// orderBody registers an order for the amount and currency of s's success fixture.
func orderBody(s signer) string {
	return fmt.Sprintf(`{"buyer":{"id":"buyer-7","name":"Camille Martin","email":"camille@example.com",
	 "locale":"fr-FR","timezone":"Europe/Paris","country":"FR"},
	 "amount_minor":%d,"currency":%q,"payment_due_at":"2026-03-15T12:00:00Z"}`, s.amount, s.currency)
}

func (h *providerHarness) register(t *testing.T, s signer, id string) {
	t.Helper()
	if rec := h.do("PUT", "/v1/orders/"+id, orderBody(s)); rec.Code != http.StatusCreated {
		t.Fatalf("PUT %s: %d %s", id, rec.Code, rec.Body)
	}
}

func (h *providerHarness) deliver(d delivery) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", d.path, bytes.NewReader(d.body))
	req.Header = d.header.Clone()
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	return rec
}

// wantAck checks the provider's own success reply, exactly as Acknowledge returns it.
func (h *providerHarness) wantAck(t *testing.T, rec *httptest.ResponseRecorder, s signer) {
	t.Helper()
	status, contentType, body := h.providers[s.name].Acknowledge()
	if rec.Code != status || rec.Header().Get("Content-Type") != contentType || rec.Body.String() != string(body) {
		t.Fatalf("reply %d %q %s; want %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body, status, contentType, body)
	}
	if s.name == "alipay" && rec.Body.String() != "success" {
		t.Fatalf("alipay reply %q, want the literal success", rec.Body)
	}
}

// wantPaid checks that GET shows the order paid by e, with e applied on the timeline.
func (h *providerHarness) wantPaid(t *testing.T, s signer, id string, e event) {
	t.Helper()
	got := h.getOrder(t, id)
	if got["status"] != "awaiting_shipment" || got["payment_status"] != "paid" || got["paid_minor"] != float64(s.amount) {
		t.Fatalf("order after payment: %v", got)
	}
	want := map[string]any{"kind": "payment_succeeded", "type": s.successType, "source": s.name,
		"provider_event_id": e.id, "occurred_at": "2026-03-01T10:00:00Z", "received_at": "2026-03-01T10:05:00Z",
		"amount_minor": float64(s.amount), "currency": s.currency, "applied": true}
	if g, w := mustJSON(t, timelineEntry(t, got, e.id)), mustJSON(t, want); g != w {
		t.Fatalf("timeline entry\n got %s\nwant %s", g, w)
	}
}

func (h *providerHarness) wantEvidence(t *testing.T, id string, n int) {
	t.Helper()
	if ev, err := h.store.Evidence(context.Background(), id); err != nil || len(ev) != n {
		t.Fatalf("evidence of %s: %d records (%v), want %d", id, len(ev), err, n)
	}
}

// timelineEntry returns the entry of the order's timeline with the given provider event id.
func timelineEntry(t *testing.T, o map[string]any, eventID string) map[string]any {
	t.Helper()
	for _, e := range o["timeline"].([]any) {
		if e := e.(map[string]any); e["provider_event_id"] == eventID {
			return e
		}
	}
	t.Fatalf("no timeline entry %s in %v", eventID, o["timeline"])
	return nil
}

func decodeJSON(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, rec.Body)
	}
	return v
}
