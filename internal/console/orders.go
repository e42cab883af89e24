package console

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// ordersPage is how many orders the Orders page lists at a time.
const ordersPage = store.DefaultOrderPage

// attentionFilters are the attention filter's values: any kind, then each kind.
var attentionFilters = append([]string{"any"}, order.AttentionKinds...)

type ordersData struct {
	NoList bool
	// The filters as given, and their choices.
	Status, PaymentStatus, Attention, Q string
	Statuses                            []order.Status
	PaymentStatuses                     []order.PaymentStatus
	Attentions                          []string
	Rows                                []orderRow
	Next                                string // the next page's URL, "" on the last page
	Searched                            bool   // q was given
}

// orders is the Orders page: filters (status, payment status, attention), search by order
// id or buyer id (q), newest first, one page at a time (cursor).
func (c *console) orders(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := ordersData{NoList: c.cfg.List == nil, Status: q.Get("status"), PaymentStatus: q.Get("payment_status"),
		Attention: q.Get("attention"), Q: strings.TrimSpace(q.Get("q")), Statuses: order.Statuses,
		PaymentStatuses: order.PaymentStatuses, Attentions: attentionFilters}
	d.Searched = d.Q != ""
	v := c.view(r, "orders.title")
	v.Nav, v.Data = "orders", &d
	l := v.L
	if bad := d.badFilters(l); len(bad) > 0 {
		v.Error = l.T("orders.bad_filter") + ": " + strings.Join(bad, ", ")
		c.render(w, http.StatusBadRequest, "orders", v)
		return
	}
	if c.cfg.List == nil {
		c.render(w, http.StatusOK, "orders", v)
		return
	}
	cursor := q.Get("cursor")
	seen := ""
	if d.Q != "" && cursor == "" { // the order with that id, first
		o, _, err := c.cfg.Orders.GetOrder(r.Context(), d.Q)
		switch order.ErrorCode(err) {
		case "":
			d.Rows, seen = append(d.Rows, c.format(l).row(o)), o.ID
		case order.CodeNotFound:
		default:
			c.fail(w, r, err)
			return
		}
	}
	page, err := c.cfg.List.ListOrders(r.Context(), store.OrderQuery{Status: order.Status(d.Status),
		PaymentStatus: order.PaymentStatus(d.PaymentStatus), Attention: d.Attention, BuyerID: d.Q,
		Now: c.now(), UnshippedAfter: c.cfg.UnshippedAfter, Limit: ordersPage, Cursor: cursor})
	if err != nil {
		if order.ErrorCode(err) == order.CodeInvalid {
			v.Error = l.T("orders.bad_cursor")
			c.render(w, http.StatusBadRequest, "orders", v)
			return
		}
		c.fail(w, r, err)
		return
	}
	f := c.format(l)
	for _, o := range page.Orders {
		if o.ID != seen {
			d.Rows = append(d.Rows, f.row(o))
		}
	}
	if page.Next != "" {
		d.Next = d.nextURL(page.Next)
	}
	c.render(w, http.StatusOK, "orders", v)
}

// badFilters names, in the seller's language, the filters of d whose value is not one of
// their choices (q must be a valid id); none when every filter is valid or empty.
func (d *ordersData) badFilters(l *locale) []string {
	var bad []string
	if d.Status != "" && !order.Status(d.Status).Valid() {
		bad = append(bad, l.T("orders.status"))
	}
	if d.PaymentStatus != "" && !order.PaymentStatus(d.PaymentStatus).Valid() {
		bad = append(bad, l.T("orders.payment_status"))
	}
	if d.Attention != "" && !slices.Contains(attentionFilters, d.Attention) {
		bad = append(bad, l.T("orders.attention"))
	}
	if d.Q != "" && !order.ValidID(d.Q) {
		bad = append(bad, l.T("orders.q"))
	}
	return bad
}

// nextURL is the Orders page URL of the page after this one: d's filters (those given)
// and cursor.
func (d *ordersData) nextURL(cursor string) string {
	next := url.Values{}
	for k, val := range map[string]string{"status": d.Status, "payment_status": d.PaymentStatus,
		"attention": d.Attention, "q": d.Q, "cursor": cursor} {
		if val != "" {
			next.Set(k, val)
		}
	}
	return "/console/orders?" + next.Encode()
}
