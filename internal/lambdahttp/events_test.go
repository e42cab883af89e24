package lambdahttp_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdahttp"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
)

// TestUnfiledEventsThroughLambda drives the unfiled-events routes with API Gateway
// fixtures: the listing (query string parameters) shows an event that named no order, and
// the seller's assignment files it on the order the PUT fixture registered.
func TestUnfiledEventsThroughLambda(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Date(2026, 11, 12, 9, 14, 5, 0, time.UTC)
	invoke := lambdahttp.Handler(httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: func() time.Time { return now }}, Unfiled: st,
		Tokens: []string{fixtureToken}, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler),
	}))
	ctx := context.Background()
	lost := order.Event{Source: "standard", EventID: "msg_2LzG7n0unfiled", Type: "payment.succeeded",
		Kind: order.KindPaymentSucceeded, AmountMinor: 12990, Currency: "BRL", OccurredAt: now.Add(-time.Hour), ReceivedAt: now.Add(-time.Hour)}
	if res, err := st.RecordEvent(ctx, lost, order.Evidence{Body: []byte(`{"type":"payment.succeeded"}`)}); err != nil || !res.Parked {
		t.Fatalf("RecordEvent = %+v, %v", res, err)
	}

	list, err := invoke(ctx, loadEvent(t, "apigw-v2-get-unfiled-events.json"))
	if err != nil || list.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/events: %d %s %v", list.StatusCode, list.Body, err)
	}
	var page struct {
		Events []struct {
			Provider string `json:"provider"`
			EventID  string `json:"provider_event_id"`
			Why      string `json:"why"`
		} `json:"events"`
		NextCursor *string `json:"next_cursor"`
	}
	if err := json.Unmarshal([]byte(list.Body), &page); err != nil || len(page.Events) != 1 ||
		page.Events[0].EventID != lost.EventID || page.Events[0].Why != "no_reference" || page.NextCursor != nil {
		t.Fatalf("listing %s: %v", list.Body, err)
	}

	if put, err := invoke(ctx, loadEvent(t, "apigw-v2-put-order-base64.json")); err != nil || put.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %d %s %v", put.StatusCode, put.Body, err)
	}
	assign, err := invoke(ctx, loadEvent(t, "apigw-v2-post-assign-event.json"))
	if err != nil || assign.StatusCode != http.StatusOK {
		t.Fatalf("assign: %d %s %v", assign.StatusCode, assign.Body, err)
	}
	o, err := st.GetOrder(ctx, "ord-1001")
	if err != nil || o.PaidMinor != 12990 {
		t.Fatalf("order after assign = %+v, %v", o, err)
	}
}
