package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/orderjson"
	"github.com/orderwire/orderwire/internal/store"
)

// OrderLister is what GET /v1/orders needs (store.OrderLister; both stores satisfy it).
type OrderLister interface {
	ListOrders(ctx context.Context, q store.OrderQuery) (store.OrderPage, error)
}

// DefaultUnshippedAfter is Config.UnshippedAfter when it is not set: an order paid more than
// three days ago with no parcel needs attention.
const DefaultUnshippedAfter = order.DefaultUnshippedAfter

// listParams are the query parameters of GET /v1/orders; any other is refused.
var listParams = []string{"status", "payment_status", "attention", "buyer_id", "updated_since", "limit", "cursor"}

// maxCursorLen bounds the opaque cursor: the stores' cursors are far shorter.
const maxCursorLen = 1024

// orderListJSON answers GET /v1/orders. NextCursor is null on the last page.
type orderListJSON struct {
	Orders     []listedOrderJSON `json:"orders"`
	NextCursor *string           `json:"next_cursor"`
}

// listedOrderJSON is an order as GET /v1/orders/{id} shows it, without its timeline (a page
// of 200 timelines would be a read per order; the order's own route has it), with the
// order's own attention items at the time of the request (order.Attention, with the
// seller's unshipped setting) in AttentionKinds order, [] when none. A message problem is
// not on the order (it is in its outbox rows): attention=message_problem selects those
// orders, and GET /v1/orders/{id}/messages shows the messages.
type listedOrderJSON struct {
	orderjson.Order
	Attention []attentionJSON `json:"attention"`
}

// attentionJSON is one attention item: for dispute_response At is the response deadline,
// for the other kinds the time of the cause.
type attentionJSON struct {
	Kind string    `json:"kind"`
	At   time.Time `json:"at"`
}

// listOrders serves GET /v1/orders: one page of the orders the filters select, newest
// first (by updated_at), or most urgent first with attention. Every parameter is checked
// before the store is read: a bad, repeated or unknown one is 400 with every field named.
func (a *api) listOrders(w http.ResponseWriter, r *http.Request) {
	q, err := a.orderQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, err)
		return
	}
	page, err := a.lister.ListOrders(r.Context(), q)
	if order.ErrorCode(err) == order.CodeInvalid && q.Cursor != "" {
		// The stores refuse a malformed or foreign cursor; every other field is checked above.
		err = order.FieldErrors{"cursor": "is not a cursor this listing returned"}.Err("httpapi.listOrders")
	}
	if err != nil {
		writeError(w, err)
		return
	}
	out := orderListJSON{Orders: make([]listedOrderJSON, 0, len(page.Orders))}
	for _, o := range page.Orders {
		item := listedOrderJSON{Order: orderjson.New(o, nil), Attention: []attentionJSON{}}
		for _, it := range order.Attention(o, q.Now, q.UnshippedAfter) {
			item.Attention = append(item.Attention, attentionJSON{Kind: it.Kind, At: it.At.UTC()})
		}
		out.Orders = append(out.Orders, item)
	}
	if page.Next != "" {
		out.NextCursor = &page.Next
	}
	annotate(w, "orders", len(page.Orders), "attention", q.Attention)
	writeJSON(w, http.StatusOK, out)
}

// orderQuery parses and checks GET /v1/orders' query string: the parameter names first
// (an unknown or repeated one is named for that, not for its value), then the filters, then
// the paging; every field at fault is named in one error.
func (a *api) orderQuery(raw string) (store.OrderQuery, error) {
	const op = "httpapi.listOrders"
	q := store.OrderQuery{Now: a.now(), UnshippedAfter: a.unshippedAfter, Limit: store.DefaultOrderPage}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, order.Errorf(order.CodeInvalid, op, "the query string is not well formed")
	}
	fe := checkListParams(values)
	listFilters(&q, listValues(values), &fe)
	listPaging(&q, listValues(values), &fe)
	return q, fe.Err(op)
}

// checkListParams names the parameters that are not listParams, or appear more than once.
func checkListParams(values url.Values) order.FieldErrors {
	var fe order.FieldErrors
	for name, vs := range values {
		switch {
		case !slices.Contains(listParams, name):
			fe.Add(name, "is not a parameter of this route (known: "+strings.Join(listParams, ", ")+")")
		case len(vs) > 1:
			fe.Add(name, "appears more than once")
		}
	}
	return fe
}

// listValues are GET /v1/orders' parameters, read through get.
type listValues url.Values

// get is the first value of the parameter name, and whether it was given.
func (v listValues) get(name string) (string, bool) {
	vs := v[name]
	if len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// listFilters sets q's filters (status, payment_status, attention, buyer_id) from values,
// adding to fe each one whose value is not one of its choices.
func listFilters(q *store.OrderQuery, values listValues, fe *order.FieldErrors) {
	if v, ok := values.get("status"); ok {
		q.Status = order.Status(v)
		if !q.Status.Valid() {
			fe.Add("status", "must be one of "+joinValues(order.Statuses))
		}
	}
	if v, ok := values.get("payment_status"); ok {
		q.PaymentStatus = order.PaymentStatus(v)
		if !q.PaymentStatus.Valid() {
			fe.Add("payment_status", "must be one of "+joinValues(order.PaymentStatuses))
		}
	}
	if v, ok := values.get("attention"); ok {
		q.Attention = v
		if v != "any" && !slices.Contains(order.AttentionKinds, v) {
			fe.Add("attention", "must be any or one of "+strings.Join(order.AttentionKinds, ", "))
		}
	}
	if v, ok := values.get("buyer_id"); ok {
		q.BuyerID = v
		if !order.ValidID(v) {
			fe.Add("buyer_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
		}
	}
}

// listPaging sets q's updated_since, limit and cursor from values, adding to fe each one
// that is not well formed or out of range.
func listPaging(q *store.OrderQuery, values listValues, fe *order.FieldErrors) {
	if v, ok := values.get("updated_since"); ok {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil || t.Year() < 2000 {
			fe.Add("updated_since", "must be an RFC 3339 time such as 2026-12-01T00:00:00Z")
		}
		q.UpdatedSince = t.UTC()
	}
	if v, ok := values.get("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > store.MaxOrderPage {
			fe.Add("limit", "must be an integer from 1 to "+strconv.Itoa(store.MaxOrderPage))
		}
		q.Limit = n
	}
	if v, ok := values.get("cursor"); ok {
		q.Cursor = v
		if v == "" || len(v) > maxCursorLen || strings.ContainsFunc(v, notCursorRune) {
			fe.Add("cursor", "is not a cursor this listing returned")
		}
	}
}

// notCursorRune reports runes no cursor has: the stores' cursors are printable ASCII
// (URL-safe base64 and the like).
func notCursorRune(r rune) bool { return r <= ' ' || r > '~' }

func joinValues[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
