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

// orderRow is one order in a table.
type orderRow struct {
	ID, BuyerID   string
	Status        order.Status
	PaymentStatus order.PaymentStatus
	AmountMinor   int64
	Currency      string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Deadline is the earliest RespondBy of the disputes that need a response (zero: none).
	Deadline time.Time
	// Parcels is each parcel as "<tracking number> <status>".
	Parcels []parcelStatus
}

type parcelStatus struct {
	TrackingNumber string
	Status         order.ShipmentStatus
}

func rowOf(o order.Order) orderRow {
	r := orderRow{ID: o.ID, BuyerID: o.BuyerID, Status: o.Status, PaymentStatus: o.PaymentStatus,
		AmountMinor: o.AmountMinor, Currency: o.Currency, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
		Deadline: responseDeadline(o)}
	for _, sh := range o.Shipments {
		r.Parcels = append(r.Parcels, parcelStatus{sh.TrackingNumber, sh.Status})
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
				t.Rows = append(t.Rows, rowOf(o))
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
	v := c.view(r, "today.title")
	v.Nav, v.Data = "today", d
	c.render(w, http.StatusOK, "today", v)
}

// byDeadline orders rows by dispute deadline, earliest first, rows without one last.
func byDeadline(a, b orderRow) int {
	switch {
	case a.Deadline.IsZero() && b.Deadline.IsZero():
		return 0
	case a.Deadline.IsZero():
		return 1
	case b.Deadline.IsZero():
		return -1
	}
	return a.Deadline.Compare(b.Deadline)
}
