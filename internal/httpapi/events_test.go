package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// listUnfiled GETs one page of the unfiled-events listing.
func (f *webhookFixture) listUnfiled(t *testing.T, query string) (events []map[string]any, next *string) {
	t.Helper()
	rec := f.do("GET", "/v1/events?status=unfiled"+query, "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /v1/events: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		Events     []map[string]any `json:"events"`
		NextCursor *string          `json:"next_cursor"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil || page.Events == nil {
		t.Fatalf("listing %s: %v", rec.Body, err)
	}
	return page.Events, page.NextCursor
}

func TestUnfiledEventsListedPagedAndAssigned(t *testing.T) {
	f := newWebhookFixture(t, nil)
	// Three verified events that name no order orderwire knows: an unregistered order, a
	// payment reference no event has bound, and nothing at all.
	for id, body := range map[string]string{
		"msg_a": standardBody("payment.succeeded", "AE-404", 12990),
		"msg_b": `{"type":"payment.refunded","data":{"amount_minor":100,"currency":"BRL","payment_ref":"pay_9"}}`,
		"msg_c": `{"type":"payment.succeeded","data":{"amount_minor":12990,"currency":"BRL"}}`,
	} {
		if rec := f.postStandard(id, body); rec.Code != http.StatusOK {
			t.Fatalf("webhook %s: %d %s", id, rec.Code, rec.Body)
		}
	}
	first, next := f.listUnfiled(t, "&limit=2")
	if len(first) != 2 || next == nil {
		t.Fatalf("first page = %v, next %v", first, next)
	}
	rest, after := f.listUnfiled(t, "&limit=2&cursor="+*next)
	if len(rest) != 1 || after != nil {
		t.Fatalf("second page = %v, next %v", rest, after)
	}
	why := map[string]string{}
	for _, e := range append(first, rest...) {
		if e["provider"] != "standard" || e["channel"] != "payment" || e["received_at"] == "" || e["occurred_at"] == "" {
			t.Fatalf("entry = %v", e)
		}
		why[e["provider_event_id"].(string)] = e["why"].(string)
	}
	want := map[string]string{"msg_a": "order_not_registered", "msg_b": "reference_not_bound", "msg_c": "no_reference"}
	for id, w := range want {
		if why[id] != w {
			t.Fatalf("why = %v, want %v", why, want)
		}
	}

	// The seller files msg_c on an order by hand: it pays the order as a delivery would.
	f.do("PUT", "/v1/orders/AE-1", validBody)
	rec := f.do("POST", "/v1/events/standard/msg_c/assign", `{"order_id":"AE-1"}`)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"applied":true`) {
		t.Fatalf("assign: %d %s", rec.Code, rec.Body)
	}
	if got := f.getOrder(t, "AE-1"); got["status"] != "awaiting_shipment" || got["paid_minor"] != 12990.0 {
		t.Fatalf("order after assign = %v", got)
	}
	if left, _ := f.listUnfiled(t, ""); len(left) != 2 {
		t.Fatalf("unfiled after assign = %v", left)
	}
	// Assigning again, an unknown event, or to an unknown order is 404; bad input is 400.
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{"/v1/events/standard/msg_c/assign", `{"order_id":"AE-1"}`, http.StatusNotFound},
		{"/v1/events/standard/msg_zzz/assign", `{"order_id":"AE-1"}`, http.StatusNotFound},
		{"/v1/events/standard/msg_b/assign", `{"order_id":"AE-404"}`, http.StatusNotFound},
		{"/v1/events/standard/msg_b/assign", `{"order_id":"no spaces"}`, http.StatusBadRequest},
		{"/v1/events/standard/msg_b/assign", `{"order":"AE-1"}`, http.StatusBadRequest},
		{"/v1/events/standard/msg_b/assign", `[]`, http.StatusBadRequest},
	} {
		if rec := f.do("POST", c.path, c.body); rec.Code != c.status {
			t.Errorf("POST %s %s: %d %s, want %d", c.path, c.body, rec.Code, rec.Body, c.status)
		}
	}
	for _, q := range []string{"", "?status=filed", "?status=unfiled&limit=0", "?status=unfiled&limit=x", "?status=unfiled&cursor=!!"} {
		if rec := f.do("GET", "/v1/events"+q, ""); rec.Code != http.StatusBadRequest {
			t.Errorf("GET /v1/events%s: %d %s, want 400", q, rec.Code, rec.Body)
		}
	}
	if rec := f.do("GET", "/v1/events?status=unfiled", "", "Authorization", ""); rec.Code != http.StatusUnauthorized {
		t.Errorf("listing without a token: %d", rec.Code)
	}
}
