package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// evidenceWriteTime bounds the streaming of one evidence pack.
const evidenceWriteTime = 10 * time.Minute

// evidence streams the order's evidence pack (GET /console/orders/{id}/evidence), in the
// console's language unless ?lang= says otherwise; the same zip as the API's.
func (c *console) evidence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if c.cfg.Evidence == nil || !order.ValidID(id) {
		c.fail(w, r, order.Errorf(order.CodeNotFound, "console.evidence", "no evidence pack for %q", id))
		return
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = c.locale(r).Lang
	}
	write, err := c.cfg.Evidence.PackEvidence(r.Context(), id, lang)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(evidenceWriteTime)) // not every writer can
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="orderwire-evidence-`+id+`.zip"`)
	w.WriteHeader(http.StatusOK)
	if err := write(r.Context(), w); err != nil {
		c.log.Error("console evidence pack aborted", "code", order.ErrorCode(err), "err", err.Error())
		panic(http.ErrAbortHandler)
	}
}

// inboxRows is how many unfiled events, and orders with message problems, the Inbox lists.
const inboxRows = 100

// messageProblem is a buyer message that failed or whose fate is unknown.
type messageProblem struct {
	OrderID, Kind, Status, Reason string
	CreatedAt                     time.Time
}

type inboxData struct {
	Unfiled     []unfiledRow
	UnfiledMore bool
	Problems    []messageProblem
	NoList      bool
}

// inbox is the Inbox page: unfiled events, each with a form that files it on an order,
// and the buyer messages that failed or whose fate is unknown.
func (c *console) inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := inboxData{NoList: c.cfg.List == nil}
	events, err := c.cfg.Unfiled.UnfiledEvents(ctx, "", inboxRows+1)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if len(events) > inboxRows {
		events, d.UnfiledMore = events[:inboxRows], true
	}
	for _, e := range events {
		d.Unfiled = append(d.Unfiled, unfiledRowOf(e))
	}
	if c.cfg.List != nil {
		page, err := c.cfg.List.ListOrders(ctx, store.OrderQuery{Attention: order.AttentionMessage, Now: c.now(),
			UnshippedAfter: c.cfg.UnshippedAfter, Limit: inboxRows})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for _, o := range page.Orders {
			rows, err := c.cfg.Messages.BuyerRows(ctx, o.ID)
			if err != nil {
				c.fail(w, r, err)
				return
			}
			for _, row := range rows {
				if s := row.Status; s == order.NotificationFailed || s == order.NotificationUnknown {
					d.Problems = append(d.Problems, messageProblem{OrderID: o.ID, Kind: string(row.Kind),
						Status: s, Reason: row.Reason, CreatedAt: row.CreatedAt})
				}
			}
		}
	}
	v := c.view(r, "inbox.title")
	v.Nav, v.Data = "inbox", d
	c.render(w, http.StatusOK, "inbox", v)
}

// assign files an unfiled event on the order the seller typed (POST /console/inbox/assign):
// 303 to that order, or the error page (unknown order or event 404, bad order id 400).
func (c *console) assign(w http.ResponseWriter, r *http.Request) {
	provider, eventID := r.PostFormValue("provider"), r.PostFormValue("event_id")
	orderID := strings.TrimSpace(r.PostFormValue("order_id"))
	if !order.ValidID(orderID) {
		c.fail(w, r, &order.Error{Code: order.CodeInvalid, Op: "console.assign",
			Fields: map[string]string{"order_id": "must be 1-64 characters of A-Z a-z 0-9 . _ : -"}})
		return
	}
	if provider == "" || eventID == "" || len(eventID) > 512 {
		c.fail(w, r, order.Errorf(order.CodeNotFound, "console.assign", "no such unfiled event"))
		return
	}
	// The form names the provider as the Inbox shows it: a carrier's events are stored
	// under "track-<name>" (as POST /v1/events/{provider}/{event_id}/assign does).
	source := provider
	if r.PostFormValue("channel") == "carrier" {
		source = store.TrackingDedupeSource(provider)
	}
	_, err := c.cfg.Unfiled.AssignEvent(r.Context(), source, eventID, orderID, c.now())
	if errors.Is(err, store.ErrNotUnfiled) && source == provider {
		_, err = c.cfg.Unfiled.AssignEvent(r.Context(), store.TrackingDedupeSource(provider), eventID, orderID, c.now())
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.log.Info("console assign", "provider", provider, "event_id", eventID, "order_id", orderID)
	http.Redirect(w, r, "/console/orders/"+url.PathEscape(orderID), http.StatusSeeOther)
}
