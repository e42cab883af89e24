package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// fakeLister records the query it was given and answers with a fixed page (or error).
type fakeLister struct {
	got   []store.OrderQuery
	page  store.OrderPage
	err   error
	calls int
}

func (f *fakeLister) ListOrders(_ context.Context, q store.OrderQuery) (store.OrderPage, error) {
	f.got = append(f.got, q)
	f.calls++
	return f.page, f.err
}

var listNow = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)

func listHandler(l httpapi.OrderLister, unshipped time.Duration) http.Handler {
	return httpapi.New(httpapi.Config{OrderList: l, UnshippedAfter: unshipped, Tokens: []string{token},
		Now: func() time.Time { return listNow }})
}

func getList(h http.Handler, query string) *httptest.ResponseRecorder {
	return call(h, "GET", "/v1/orders"+query, nil, "Authorization", "Bearer "+token)
}

type listAnswer struct {
	Orders     []map[string]any `json:"orders"`
	NextCursor *string          `json:"next_cursor"`
}

func TestListOrdersPassesTheFilters(t *testing.T) {
	l := &fakeLister{page: store.OrderPage{Next: "c2", Orders: []order.Order{
		{ID: "AE-2", Status: order.StatusAwaitingShipment, PaymentStatus: order.PaymentPaid, Currency: "USD", AmountMinor: 100, BuyerID: "b-1",
			Disputes: []order.Dispute{{Provider: "stripe", ID: "dp_1", Status: "needs_response", RespondBy: listNow.Add(48 * time.Hour)}}},
		{ID: "AE-1", Status: order.StatusAwaitingShipment, PaymentStatus: order.PaymentPaid, Currency: "USD", AmountMinor: 200, BuyerID: "b-1"},
	}}}
	h := listHandler(l, 5*24*time.Hour)
	q := url.Values{"status": {"awaiting_shipment"}, "payment_status": {"paid"}, "attention": {"unshipped"},
		"buyer_id": {"b-1"}, "updated_since": {"2026-12-01T09:00:00+08:00"}, "limit": {"2"}, "cursor": {"c1"}}
	rec := getList(h, "?"+q.Encode())
	if rec.Code != http.StatusOK {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	want := store.OrderQuery{Status: order.StatusAwaitingShipment, PaymentStatus: order.PaymentPaid, BuyerID: "b-1",
		UpdatedSince: time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC), Attention: order.AttentionUnshipped,
		Now: listNow, UnshippedAfter: 5 * 24 * time.Hour, Limit: 2, Cursor: "c1"}
	if len(l.got) != 1 || !equalQuery(l.got[0], want) {
		t.Fatalf("query = %+v, want %+v", l.got, want)
	}
	var ans listAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &ans); err != nil {
		t.Fatal(err)
	}
	if len(ans.Orders) != 2 || ans.Orders[0]["order_id"] != "AE-2" || ans.Orders[1]["order_id"] != "AE-1" {
		t.Fatalf("orders = %v, want AE-2 then AE-1 as the store gave them", ans.Orders)
	}
	if _, ok := ans.Orders[0]["timeline"]; ok {
		t.Error("a listed order carries its timeline; the list is lean")
	}
	if ans.Orders[0]["payment_status"] != "paid" || ans.Orders[0]["disputes"] == nil || ans.Orders[0]["shipments"] == nil {
		t.Errorf("a listed order lacks the order shape's fields: %v", ans.Orders[0])
	}
	if a, _ := ans.Orders[0]["attention"].([]any); len(a) != 1 || a[0].(map[string]any)["kind"] != order.AttentionDispute ||
		a[0].(map[string]any)["at"] != "2026-12-07T08:00:00Z" {
		t.Errorf("AE-2 attention = %v, want its dispute's deadline", ans.Orders[0]["attention"])
	}
	if a, ok := ans.Orders[1]["attention"].([]any); !ok || len(a) != 0 {
		t.Errorf("AE-1 attention = %v, want []", ans.Orders[1]["attention"])
	}
	if ans.NextCursor == nil || *ans.NextCursor != "c2" {
		t.Errorf("next_cursor = %v, want c2", ans.NextCursor)
	}
}

func equalQuery(a, b store.OrderQuery) bool {
	return a.Status == b.Status && a.PaymentStatus == b.PaymentStatus && a.BuyerID == b.BuyerID &&
		a.UpdatedSince.Equal(b.UpdatedSince) && a.Attention == b.Attention && a.Now.Equal(b.Now) &&
		a.UnshippedAfter == b.UnshippedAfter && a.Limit == b.Limit && a.Cursor == b.Cursor
}

func TestListOrdersDefaults(t *testing.T) {
	l := &fakeLister{}
	rec := getList(listHandler(l, 0), "")
	if rec.Code != http.StatusOK || len(l.got) != 1 {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	if q := l.got[0]; q.Limit != store.DefaultOrderPage || q.UnshippedAfter != httpapi.DefaultUnshippedAfter ||
		q.Attention != "" || q.Status != "" || !q.UpdatedSince.IsZero() || q.Cursor != "" {
		t.Errorf("query = %+v, want the defaults", q)
	}
	if body := rec.Body.String(); !strings.Contains(body, `"orders":[]`) || !strings.Contains(body, `"next_cursor":null`) {
		t.Errorf("empty page = %s, want an empty array and a null cursor", body)
	}
	if rec := getList(listHandler(l, 0), "?attention=any"); rec.Code != http.StatusOK || l.got[1].Attention != "any" {
		t.Errorf("attention=any: %d %+v", rec.Code, l.got[1])
	}
}

func TestListOrdersRefusesBadParameters(t *testing.T) {
	l := &fakeLister{}
	h := listHandler(l, 0)
	for _, c := range []struct {
		query  string
		fields []string
	}{
		{"?status=paid", []string{"status"}},
		{"?payment_status=settled", []string{"payment_status"}},
		{"?attention=late", []string{"attention"}},
		{"?buyer_id=" + url.QueryEscape("a b"), []string{"buyer_id"}},
		{"?updated_since=2026-12-01", []string{"updated_since"}},
		{"?updated_since=0001-01-01T00:00:00Z", []string{"updated_since"}},
		{"?limit=0", []string{"limit"}},
		{"?limit=201", []string{"limit"}},
		{"?limit=ten", []string{"limit"}},
		{"?cursor=", []string{"cursor"}},
		{"?cursor=" + url.QueryEscape("a b"), []string{"cursor"}},
		{"?cursor=" + strings.Repeat("x", 1025), []string{"cursor"}},
		{"?sort=asc", []string{"sort"}},
		{"?status=shipped&status=delivered", []string{"status"}},
		{"?status=x&limit=0&page=2", []string{"status", "limit", "page"}}, // every field at once
	} {
		rec := getList(h, c.query)
		e := decodeError(t, rec, http.StatusBadRequest, "invalid")
		for _, f := range c.fields {
			if e.Error.Fields[f] == "" {
				t.Errorf("%s: fields = %v, want %q named", c.query, e.Error.Fields, f)
			}
		}
		if len(e.Error.Fields) != len(c.fields) {
			t.Errorf("%s: fields = %v, want only %v", c.query, e.Error.Fields, c.fields)
		}
	}
	if l.calls != 0 {
		t.Errorf("the store was read %d times for refused queries", l.calls)
	}
}

func TestListOrdersForeignCursor(t *testing.T) {
	l := &fakeLister{err: order.Errorf(order.CodeInvalid, "store", "bad cursor")}
	e := decodeError(t, getList(listHandler(l, 0), "?cursor=Zm9yZWlnbg"), http.StatusBadRequest, "invalid")
	if e.Error.Fields["cursor"] == "" {
		t.Errorf("fields = %v, want cursor named", e.Error.Fields)
	}
	l.err = order.Errorf(order.CodeInternal, "store", "down")
	decodeError(t, getList(listHandler(l, 0), "?cursor=abc"), http.StatusInternalServerError, "internal")
}

func TestListOrdersNeedsTokenAndConfig(t *testing.T) {
	l := &fakeLister{}
	if rec := call(listHandler(l, 0), "GET", "/v1/orders", nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", rec.Code)
	}
	if rec := getList(listHandler(l, 0), "?status=bogus"); rec.Code != http.StatusBadRequest {
		t.Errorf("with a token, a bad filter: %d", rec.Code)
	}
	noList := httpapi.New(httpapi.Config{Tokens: []string{token}})
	decodeError(t, getList(noList, ""), http.StatusNotFound, "not_found")
	if l.calls != 0 {
		t.Errorf("the store was read without a token")
	}
}

func TestUnshippedAfterFromEnv(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 72 * time.Hour, "1": 24 * time.Hour, " 7 ": 7 * 24 * time.Hour} {
		got, err := httpapi.UnshippedAfterFromEnv(func(string) string { return v })
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"0", "366", "2.5", "three"} {
		if _, err := httpapi.UnshippedAfterFromEnv(func(string) string { return v }); err == nil ||
			!strings.Contains(err.Error(), httpapi.EnvUnshippedDays) {
			t.Errorf("%q: err %v, want one naming the setting", v, err)
		}
	}
}
