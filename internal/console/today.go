package console

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// todayRows is how many orders each attention table of the Today page lists (and how many
// unfiled events); when there are more, the count says "50+" and links to the Orders page.
const todayRows = 50

// orderRow is one order in a table, formatted for the page (the tables are long, so the
// row is formatted in Go rather than by template function calls, which go through reflect).
type orderRow struct {
	ID, BuyerID      string
	Status, Payment  string // labels in the page's language
	Amount           string
	Created, Updated string
	// Deadline is the earliest RespondBy of the disputes that need a response, as shown
	// and as RFC 3339 in the seller's zone ("" when none).
	Deadline, DeadlineISO string
	// Parcels is each parcel as "<tracking number> <status label>".
	Parcels []string

	deadline time.Time
}

// format writes times, amounts and labels for one page: the page's language, the seller's
// zone.
type format struct {
	l  *locale
	tz *time.Location
}

func (c *console) format(l *locale) format { return format{l: l, tz: c.cfg.TimeZone} }

func (f format) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(f.tz).Format("2006-01-02 15:04 MST")
}

func (f format) iso(t time.Time) string { return t.In(f.tz).Format(time.RFC3339) }

func money(minor int64, cur string) string {
	if cur == "" {
		return "—"
	}
	return order.FormatMinor(minor, cur) + " " + cur
}

func (f format) row(o order.Order) orderRow {
	r := orderRow{ID: o.ID, BuyerID: o.BuyerID, Status: f.l.Tf("status.", o.Status),
		Payment: f.l.Tf("payment.", o.PaymentStatus), Amount: money(o.AmountMinor, o.Currency),
		Created: f.when(o.CreatedAt), Updated: f.when(o.UpdatedAt), deadline: responseDeadline(o)}
	if !r.deadline.IsZero() {
		r.Deadline, r.DeadlineISO = f.when(r.deadline), f.iso(r.deadline)
	}
	for _, sh := range o.Shipments {
		r.Parcels = append(r.Parcels, sh.TrackingNumber+" "+f.l.Tf("shipment.", sh.Status))
	}
	return r
}

// responseDeadline is the earliest deadline of o's disputes that need a response.
func responseDeadline(o order.Order) time.Time {
	var d time.Time
	for _, dp := range o.Disputes {
		if dp.Status == order.DisputeNeedsResponse && !dp.RespondBy.IsZero() && (d.IsZero() || dp.RespondBy.Before(d)) {
			d = dp.RespondBy
		}
	}
	return d
}

// attentionTable is one kind of attention on the Today page.
type attentionTable struct {
	Kind string
	Rows []orderRow
	More bool // there are more than the rows listed
}

// unfiledRow is one unfiled event.
type unfiledRow struct {
	Provider, Channel, EventID, Type string
	OccurredAt, ReceivedAt           time.Time
	OrderID, TrackingNumber          string
	Refs                             []string
	Why, Detail                      string
}

func unfiledRowOf(e store.UnfiledEvent) unfiledRow {
	provider, channel := e.Source, "payment"
	if p, ok := strings.CutPrefix(e.Source, store.TrackingDedupeSource("")); ok {
		provider, channel = p, "carrier"
	}
	return unfiledRow{Provider: provider, Channel: channel, EventID: e.EventID, Type: e.Type,
		OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, OrderID: e.OrderID,
		TrackingNumber: e.TrackingNumber, Refs: e.Refs, Why: e.Why, Detail: e.Detail}
}

type todayData struct {
	NoList      bool // no order listing is wired
	Tables      []attentionTable
	Unfiled     []unfiledRow
	UnfiledMore bool
	Nothing     bool // nothing needs attention
}

// today is the Today page: one table per attention kind with orders, most urgent kind
// first (disputes, earliest deadline first), then the unfiled events.
func (c *console) today(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := c.view(r, "today.title")
	f := c.format(v.L)
	d := todayData{NoList: c.cfg.List == nil}
	if c.cfg.List != nil {
		for _, kind := range order.AttentionKinds {
			page, err := c.cfg.List.ListOrders(ctx, store.OrderQuery{Attention: kind, Now: c.now(),
				UnshippedAfter: c.cfg.UnshippedAfter, Limit: todayRows})
			if err != nil {
				c.fail(w, r, err)
				return
			}
			if len(page.Orders) == 0 {
				continue
			}
			t := attentionTable{Kind: kind, More: page.Next != ""}
			for _, o := range page.Orders {
				t.Rows = append(t.Rows, f.row(o))
			}
			if kind == order.AttentionDispute {
				slices.SortStableFunc(t.Rows, byDeadline)
			}
			d.Tables = append(d.Tables, t)
		}
	}
	events, err := c.cfg.Unfiled.UnfiledEvents(ctx, "", todayRows+1)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(events) > todayRows {
		events, d.UnfiledMore = events[:todayRows], true
	}
	for _, e := range events {
		d.Unfiled = append(d.Unfiled, unfiledRowOf(e))
	}
	d.Nothing = len(d.Tables) == 0 && len(d.Unfiled) == 0
	v.Nav, v.Data = "today", d
	c.render(w, http.StatusOK, "today", v)
}

// byDeadline orders rows by dispute deadline, earliest first, rows without one last.
func byDeadline(a, b orderRow) int {
	switch {
	case a.deadline.IsZero() && b.deadline.IsZero():
		return 0
	case a.deadline.IsZero():
		return 1
	case b.deadline.IsZero():
		return -1
	}
	return a.deadline.Compare(b.deadline)
}
