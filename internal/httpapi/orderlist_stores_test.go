package httpapi_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// TestListOrdersRoute: four orders registered through the API, one of them paid by Stripe
// (payment_intent.succeeded) and disputed (charge.dispute.created naming only the charge,
// status needs_response); GET /v1/orders pages through all four without repeating one,
// and each filter selects on the real store: status, payment_status, buyer_id, attention
// (the dispute, with its deadline as the item's time; unshipped, with the seller's setting),
// updated_since. A cursor the store
// did not issue is 400 naming the cursor.
func TestListOrdersRoute(t *testing.T) { onBothStores(t, testListOrdersRoute) }

func testListOrdersRoute(t *testing.T, st store.Store) {
	h := newScenarioHarness(t, st)
	clock := func() time.Time { return scNow }
	h.handler = httpapi.New(httpapi.Config{
		Orders: &seller.Service{Orders: st, Now: clock}, Tokens: []string{token},
		Payments: h.payments, Events: st, Now: clock, OrderList: st,
		Logger: slog.New(slog.NewJSONHandler(h.logs, nil)),
	})
	ids := []string{"ORD-1001", "ORD-1002", "ORD-1003", "ORD-1004"}
	for _, id := range ids {
		h.register(t, id, 4999, "USD")
	}
	h.post(t, h.stripe(t, "payment_intent.succeeded.json"))
	h.post(t, h.stripe(t, "charge.dispute.created.no_metadata.json"))

	list := func(query url.Values) listAnswer {
		t.Helper()
		rec := h.do("GET", "/v1/orders?"+query.Encode(), "")
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /v1/orders?%s: %d %s", query.Encode(), rec.Code, rec.Body)
		}
		var ans listAnswer
		if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
			t.Fatal(err)
		}
		return ans
	}
	idsOf := func(ans listAnswer) []string {
		var out []string
		for _, o := range ans.Orders {
			out = append(out, o["order_id"].(string))
		}
		return out
	}

	var seen []string
	q := url.Values{"limit": {"3"}}
	for page := 0; ; page++ {
		if page == 3 {
			t.Fatalf("more than three pages of three for four orders: %v", seen)
		}
		ans := list(q)
		seen = append(seen, idsOf(ans)...)
		if ans.NextCursor == nil {
			break
		}
		q.Set("cursor", *ans.NextCursor)
	}
	slices.Sort(seen)
	if !slices.Equal(seen, ids) {
		t.Fatalf("paging saw %v, want each of %v once", seen, ids)
	}

	for _, c := range []struct {
		query url.Values
		want  []string
	}{
		{url.Values{"status": {"awaiting_shipment"}}, []string{"ORD-1001"}},
		{url.Values{"status": {"pending_payment"}, "limit": {"200"}}, []string{"ORD-1002", "ORD-1003", "ORD-1004"}},
		{url.Values{"payment_status": {"paid"}}, []string{"ORD-1001"}},
		{url.Values{"buyer_id": {"buyer-ORD-1003"}}, []string{"ORD-1003"}},
		{url.Values{"attention": {"dispute_response"}}, []string{"ORD-1001"}},
		{url.Values{"attention": {"any"}}, []string{"ORD-1001"}},
		{url.Values{"attention": {"unshipped"}}, []string{"ORD-1001"}}, // paid in February, no parcel
		{url.Values{"updated_since": {scNow.Add(time.Hour).Format(time.RFC3339)}}, nil},
	} {
		got := idsOf(list(c.query))
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("GET /v1/orders?%s = %v, want %v", c.query.Encode(), got, c.want)
		}
	}

	disputed := list(url.Values{"attention": {"dispute_response"}})
	if len(disputed.Orders) != 1 {
		t.Fatalf("attention=dispute_response: %v", disputed.Orders)
	}
	items, _ := disputed.Orders[0]["attention"].([]any)
	first, _ := func() (map[string]any, bool) {
		if len(items) == 0 {
			return nil, false
		}
		m, ok := items[0].(map[string]any)
		return m, ok
	}()
	if first["kind"] != order.AttentionDispute || first["at"] != "2026-03-18T19:59:59Z" {
		t.Errorf("attention items = %v, want dispute_response at the dispute's due_by", items)
	}

	// The seller's setting reaches the store: paid under a year ago is not late yet.
	patient := httpapi.New(httpapi.Config{Tokens: []string{token}, Now: clock, OrderList: st, UnshippedAfter: 365 * 24 * time.Hour})
	if rec := call(patient, "GET", "/v1/orders?attention=unshipped", nil, "Authorization", "Bearer "+token); rec.Code != http.StatusOK ||
		rec.Body.String() != "{\"orders\":[],\"next_cursor\":null}\n" {
		t.Errorf("attention=unshipped with a year's patience: %d %s", rec.Code, rec.Body)
	}

	e := decodeError(t, h.do("GET", "/v1/orders?cursor=bm90LWEtY3Vyc29y", ""), http.StatusBadRequest, "invalid")
	if e.Error.Fields["cursor"] == "" {
		t.Errorf("a cursor the store never issued: fields %v", e.Error.Fields)
	}
}
