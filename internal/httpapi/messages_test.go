package httpapi_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// TestOrderMessagesRoute: a Stripe payment (payment_intent.succeeded) queues the buyer's
// payment_received, delivered by email and later reported delivered; a Stripe dispute
// (charge.dispute.created naming only the charge) queues a seller alert. GET
// /v1/orders/ORD-1001/messages shows the buyer's message only, with its delivery, times and
// rendered French text, and nowhere the buyer's email address or an unsubscribe link.
func TestOrderMessagesRoute(t *testing.T) { onBothStores(t, testOrderMessagesRoute) }

func testOrderMessagesRoute(t *testing.T, st store.Store) {
	h := newScenarioHarness(t, st)
	clock := func() time.Time { return scNow }
	h.handler = httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: h.payments, Events: st, Carriers: h.carriers, Tracking: st, Now: clock,
		Messages: &evidencepack.Packer{Source: st, SellerName: "Boutique Lumière", Now: clock},
		Logger:   slog.New(slog.NewJSONHandler(h.logs, nil)),
	})
	h.register(t, "ORD-1001", 4999, "USD")
	h.post(t, h.stripe(t, "payment_intent.succeeded.json"))
	h.post(t, h.stripe(t, "charge.dispute.created.no_metadata.json"))
	deliverFirstRow(t, st, "ORD-1001")
	deliveredAt := scNow.Add(3 * time.Second)
	rows, err := st.Notifications(context.Background(), "ORD-1001")
	if err != nil || len(rows) == 0 {
		t.Fatalf("outbox: %v %v", rows, err)
	}
	if err := st.MarkDelivered(context.Background(), rows[0].Ref(), "ses-message-id-1", deliveredAt); err != nil {
		t.Fatal(err)
	}

	rec := h.do("GET", "/v1/orders/ORD-1001/messages", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET messages: %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	for _, leak := range []string{"camille@example.com", "unsubscribe?", "token="} {
		if strings.Contains(body, leak) {
			t.Errorf("the answer shows %q: %s", leak, body)
		}
	}
	var ans struct {
		OrderID  string `json:"order_id"`
		Messages []struct {
			ID         string     `json:"id"`
			Kind       string     `json:"kind"`
			Status     string     `json:"status"`
			Attempts   int        `json:"attempts"`
			SentAt     *time.Time `json:"sent_at"`
			Channels   []string   `json:"channels"`
			Deliveries []struct {
				Channel           string     `json:"channel"`
				Status            string     `json:"status"`
				ProviderMessageID string     `json:"provider_message_id"`
				DeliveredAt       *time.Time `json:"delivered_at"`
			} `json:"deliveries"`
			Locale string `json:"locale"`
			Email  *struct {
				Subject string `json:"subject"`
				Text    string `json:"text"`
			} `json:"email"`
			Cause *struct {
				Provider string `json:"provider"`
			} `json:"cause"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.OrderID != "ORD-1001" || len(ans.Messages) != 1 {
		t.Fatalf("answer = %+v, want the one buyer message (no seller alert)", ans)
	}
	m := ans.Messages[0]
	if m.Kind != string(order.NotifyPaymentReceived) || m.Status != order.NotificationSent || m.Attempts != 1 ||
		m.SentAt == nil || !m.SentAt.Equal(scNow) || len(m.Channels) != 1 || m.Channels[0] != "email" {
		t.Errorf("message = %+v", m)
	}
	if len(m.Deliveries) != 1 || m.Deliveries[0].ProviderMessageID != "ses-message-id-1" ||
		m.Deliveries[0].DeliveredAt == nil || !m.Deliveries[0].DeliveredAt.Equal(deliveredAt) {
		t.Errorf("deliveries = %+v, want the SES id delivered at %v", m.Deliveries, deliveredAt)
	}
	if m.Email == nil || m.Email.Subject == "" || !strings.Contains(m.Email.Text, "ORD-1001") ||
		!strings.Contains(m.Email.Text, "Boutique Lumière") || m.Locale != "fr" {
		t.Errorf("rendered email = %+v (locale %q), want the French text naming the order and seller", m.Email, m.Locale)
	}
	if m.Cause == nil || m.Cause.Provider != "stripe" {
		t.Errorf("cause = %+v, want the Stripe event", m.Cause)
	}

	for path, want := range map[string]int{"/v1/orders/ORD-9999/messages": 404, "/v1/orders/bad%20id/messages": 404} {
		if rec := h.do("GET", path, ""); rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
	if rec := call(h.handler, "GET", "/v1/orders/ORD-1001/messages", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", rec.Code)
	}
}
