package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/localsink"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// TestBuyerExportAndErasure, on both stores: a buyer's order paid by Stripe
// (payment_intent.succeeded) with its payment_received message delivered (and its rendered
// copy in the local outbox file); GET /v1/buyers/{id}/export shows contact, rating inputs,
// the order with its timeline and the message with its provider message id; DELETE erases
// the contact and the local copy, holds the evidence for the dispute window and says until
// when; afterwards the buyer is unknown, the outbox file and the logs hold no address.
func TestBuyerExportAndErasure(t *testing.T) { onBothStores(t, testBuyerExportAndErasure) }

func testBuyerExportAndErasure(t *testing.T, st store.Store) {
	h := newScenarioHarness(t, st)
	clock := func() time.Time { return scNow }
	outboxPath := filepath.Join(t.TempDir(), "outbox.jsonl")
	sink, err := localsink.Open(outboxPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sink.Close() })
	h.handler = httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: h.payments, Events: st, Now: clock,
		BuyerData: httpapi.BuyerDataConfig{Store: st, Local: []httpapi.LocalEraser{sink.Erase}},
		Logger:    slog.New(slog.NewJSONHandler(h.logs, nil)),
	})
	h.register(t, "ORD-1001", 4999, "USD")
	h.post(t, h.stripe(t, "payment_intent.succeeded.json"))
	deliverFirstRow(t, st, "ORD-1001")
	if _, err := sink.SendEmail(context.Background(), message.Email{OrderID: "ORD-1001", Kind: "payment_received",
		To: "camille@example.com", Subject: "Paiement reçu", Text: "Merci Camille Martin", Locale: "fr-FR"}); err != nil {
		t.Fatal(err)
	}

	rec := h.do("GET", "/v1/buyers/buyer-ORD-1001/export", "")
	var exp struct {
		Contact      *struct{ Name, Email string }
		RatingInputs *struct {
			PaidBeforeReminder int `json:"paid_before_reminder"`
		} `json:"rating_inputs"`
		Orders []struct {
			OrderID  string `json:"order_id"`
			Timeline []struct {
				Kind string `json:"kind"`
			} `json:"timeline"`
			Messages []struct {
				Kind       string `json:"kind"`
				Status     string `json:"status"`
				Deliveries []struct {
					ProviderMessageID string `json:"provider_message_id"`
				} `json:"deliveries"`
			} `json:"messages"`
		} `json:"orders"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &exp) != nil {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	if exp.Contact == nil || exp.Contact.Email != "camille@example.com" || exp.RatingInputs == nil ||
		exp.RatingInputs.PaidBeforeReminder != 1 || len(exp.Orders) != 1 || exp.Orders[0].OrderID != "ORD-1001" ||
		len(exp.Orders[0].Timeline) == 0 || len(exp.Orders[0].Messages) != 1 ||
		exp.Orders[0].Messages[0].Status != "sent" || exp.Orders[0].Messages[0].Deliveries[0].ProviderMessageID != "ses-message-id-1" {
		t.Fatalf("export = %s", rec.Body)
	}

	if noToken := call(h.handler, "DELETE", "/v1/buyers/buyer-ORD-1001", nil); noToken.Code != http.StatusUnauthorized {
		t.Fatalf("DELETE without a token: %d", noToken.Code)
	}
	rec = h.do("DELETE", "/v1/buyers/buyer-ORD-1001", "")
	var res struct {
		ContactErased  bool `json:"contact_erased"`
		OrdersTouched  int  `json:"orders_touched"`
		MessagesErased int  `json:"messages_erased"`
		EvidenceHeld   []struct {
			OrderID string    `json:"order_id"`
			Until   time.Time `json:"until"`
			Why     string    `json:"why"`
		} `json:"evidence_held"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &res) != nil {
		t.Fatalf("DELETE: %d %s", rec.Code, rec.Body)
	}
	if !res.ContactErased || res.OrdersTouched != 1 || res.MessagesErased != 1 || len(res.EvidenceHeld) != 1 ||
		res.EvidenceHeld[0].OrderID != "ORD-1001" || !res.EvidenceHeld[0].Until.After(scNow) {
		t.Fatalf("DELETE answered %s", rec.Body)
	}
	for _, path := range []string{"/v1/buyers/buyer-ORD-1001", "/v1/buyers/buyer-ORD-1001/export"} {
		if rec := h.do("GET", path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s after the erasure: %d %s", path, rec.Code, rec.Body)
		}
	}
	raw, err := os.ReadFile(outboxPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"camille@example.com", "Camille Martin"} {
		if bytes.Contains(raw, []byte(gone)) || bytes.Contains(h.logs.Bytes(), []byte(gone)) {
			t.Errorf("%q is still in the outbox file or the logs", gone)
		}
	}
	// Erasing again reports the evidence still held; an unknown buyer is 404.
	if rec := h.do("DELETE", "/v1/buyers/buyer-ORD-1001", ""); rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte("ORD-1001")) {
		t.Fatalf("second DELETE: %d %s", rec.Code, rec.Body)
	}
	if rec := h.do("DELETE", "/v1/buyers/nobody", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("DELETE unknown: %d %s", rec.Code, rec.Body)
	}
}
