package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// BuyerDataStore is what DELETE /v1/buyers/{buyer_id} and GET /v1/buyers/{buyer_id}/export
// need of the store (store.Store satisfies it).
type BuyerDataStore interface {
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	GetOrder(ctx context.Context, id string) (order.Order, error)
	Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error)
	Notifications(ctx context.Context, id string) ([]order.Notification, error)
	BuyerOrders(ctx context.Context, buyerID, after string, limit int) ([]string, error)
	EraseBuyer(ctx context.Context, buyerID string, now time.Time, window time.Duration, batch int) (store.Erasure, error)
}

// LocalEraser erases the rendered messages of the given orders from a file outside the
// store (localsink.Sink.Erase on outbox.jsonl) and returns how many it erased now.
type LocalEraser func(orderIDs map[string]bool) (int, error)

// BuyerDataConfig wires the buyer erasure and export routes.
type BuyerDataConfig struct {
	Store BuyerDataStore
	// DisputeWindow is how long after an order's last payment event its evidence is held
	// (ORDERWIRE_DISPUTE_WINDOW_DAYS); zero means store.DefaultDisputeWindow.
	DisputeWindow time.Duration
	// Batch bounds the orders an erasure handles per step; zero means 100.
	Batch int
	// Local erases copies of the messages outside the store (the local outbox file).
	Local []LocalEraser
}

// EnvDisputeWindowDays names the setting of BuyerDataConfig.DisputeWindow, in days.
const EnvDisputeWindowDays = "ORDERWIRE_DISPUTE_WINDOW_DAYS"

// DisputeWindowFromEnv reads EnvDisputeWindowDays: store.DefaultDisputeWindow when unset, an
// error unless it is a whole number of days from 1 to 3650.
func DisputeWindowFromEnv(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(getenv(EnvDisputeWindowDays))
	if v == "" {
		return store.DefaultDisputeWindow, nil
	}
	days, err := strconv.Atoi(v)
	if err != nil || days < 1 || days > 3650 {
		return 0, fmt.Errorf("%s must be a whole number of days from 1 to 3650, not %q", EnvDisputeWindowDays, v)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// erasureJSON answers DELETE /v1/buyers/{buyer_id}.
type erasureJSON struct {
	BuyerID       string `json:"buyer_id"`
	ContactErased bool   `json:"contact_erased"`
	OrdersTouched int    `json:"orders_touched"`
	// MessagesErased counts the rendered copies erased now (the local outbox file);
	// MessagesCancelled the messages not sent yet that never will be.
	MessagesErased    int                  `json:"messages_erased"`
	MessagesCancelled int                  `json:"messages_cancelled"`
	EvidenceDeleted   int                  `json:"evidence_deleted"`
	EvidenceHeld      []store.EvidenceHold `json:"evidence_held"`
}

// eraseBuyer serves DELETE /v1/buyers/{buyer_id} (see store.RunErasure). The rendered
// copies of the buyer's messages in local files are erased before the store's erasure
// (while the buyer's order index still lists every order; an interrupted erasure keeps the
// index of the orders not done) and again after it, for a message that was being sent
// meanwhile.
func (a *api) eraseBuyer(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.eraseBuyer"
	ctx, id, cfg := r.Context(), r.PathValue("buyer_id"), a.buyerData
	var ids map[string]bool
	local := 0
	eraseLocal := func() error {
		for _, erase := range cfg.Local {
			n, err := erase(ids)
			if err != nil {
				return order.Internal(op, err)
			}
			local += n
		}
		return nil
	}
	ids, err := a.allBuyerOrders(ctx, id)
	if err == nil {
		err = eraseLocal()
	}
	var res store.Erasure
	if err == nil {
		window := cfg.DisputeWindow
		if window <= 0 {
			window = store.DefaultDisputeWindow
		}
		res, err = cfg.Store.EraseBuyer(ctx, id, a.now(), window, cfg.Batch)
	}
	if err == nil {
		err = eraseLocal()
	}
	if err != nil {
		a.log.Error("buyer erasure failed", "buyer_id", id, "orders_done", res.OrdersTouched, "error", err)
		writeError(w, err)
		return
	}
	a.log.Info("buyer erased", "buyer_id", id, "orders_touched", res.OrdersTouched, "messages_erased", local,
		"evidence_deleted", res.EvidenceDeleted, "evidence_held", len(res.EvidenceHeld))
	writeJSON(w, http.StatusOK, erasureJSON{BuyerID: id, ContactErased: res.ContactErased, OrdersTouched: res.OrdersTouched,
		MessagesErased: local, MessagesCancelled: res.MessagesErased, EvidenceDeleted: res.EvidenceDeleted,
		EvidenceHeld: res.EvidenceHeld})
}

// allBuyerOrders is every order id of the buyer's index.
func (a *api) allBuyerOrders(ctx context.Context, buyerID string) (map[string]bool, error) {
	ids := map[string]bool{}
	after := ""
	for {
		page, err := a.buyerData.Store.BuyerOrders(ctx, buyerID, after, 500)
		if err != nil {
			return nil, err
		}
		for _, id := range page {
			ids[id] = true
			after = id
		}
		if len(page) < 500 {
			return ids, nil
		}
	}
}

// exportHead is the first part of GET /v1/buyers/{buyer_id}/export; "orders" follows, each
// order written as it is read.
type exportHead struct {
	BuyerID    string    `json:"buyer_id"`
	ExportedAt time.Time `json:"exported_at"`
	// Contact, Preferences, RatingInputs and EmailFeedback are null when the store keeps no
	// profile of the buyer (erased, or an erasure under way).
	Contact       *contactJSON       `json:"contact"`
	Preferences   *preferencesJSON   `json:"preferences"`
	RatingInputs  *ratingInputsJSON  `json:"rating_inputs"`
	EmailFeedback *emailFeedbackJSON `json:"email_feedback"`
}

// ratingInputsJSON is order.BuyerStats, the counts the buyer's rating is computed from.
type ratingInputsJSON struct {
	PaidBeforeReminder int `json:"paid_before_reminder"`
	PaidAfterReminders int `json:"paid_after_reminders"`
	NeverPaid          int `json:"never_paid"`
	FullRefunds        int `json:"full_refunds"`
	DisputesLost       int `json:"disputes_lost"`
}

type contactJSON struct {
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Locale   string `json:"locale"`
	TimeZone string `json:"timezone"`
	Country  string `json:"country"`
}

// exportOrderJSON is one order: its facts and timeline as GET /v1/orders shows them, and
// the messages sent (or meant) to the buyer about it.
type exportOrderJSON struct {
	orderResponse
	Messages []messageJSON `json:"messages"`
}

type messageJSON struct {
	Kind       string         `json:"kind"`
	Seq        int64          `json:"seq"`
	Status     string         `json:"status"`
	Reason     string         `json:"reason,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
	UpdatedAt  *time.Time     `json:"updated_at,omitempty"`
	Deliveries []deliveryJSON `json:"deliveries"`
}

type deliveryJSON struct {
	Channel           string     `json:"channel"`
	Status            string     `json:"status"`
	ProviderMessageID string     `json:"provider_message_id,omitempty"`
	Reason            string     `json:"reason,omitempty"`
	At                time.Time  `json:"at"`
	DeliveredAt       *time.Time `json:"delivered_at,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func newMessagesJSON(rows []order.Notification) []messageJSON {
	out := []messageJSON{}
	for _, n := range rows {
		if n.Kind.ForSeller() {
			continue // the seller's own alerts are not messages to the buyer
		}
		m := messageJSON{Kind: string(n.Kind), Seq: n.Seq, Status: n.Status, Reason: n.Reason,
			CreatedAt: n.CreatedAt.UTC(), UpdatedAt: timePtr(n.UpdatedAt), Deliveries: []deliveryJSON{}}
		for _, d := range n.Deliveries {
			m.Deliveries = append(m.Deliveries, deliveryJSON{Channel: d.Channel, Status: d.Status,
				ProviderMessageID: d.MessageID, Reason: d.Reason, At: d.At.UTC(), DeliveredAt: timePtr(d.DeliveredAt)})
		}
		out = append(out, m)
	}
	return out
}

// exportBuyer serves GET /v1/buyers/{buyer_id}/export: everything the store keeps about the
// buyer, as JSON. A buyer the store knows nothing about is 404. Orders are read and
// written one at a time; a failure after the answer started aborts it (the client sees a
// broken transfer, never a truncated document that parses).
func (a *api) exportBuyer(w http.ResponseWriter, r *http.Request) {
	ctx, id, ds := r.Context(), r.PathValue("buyer_id"), a.buyerData.Store
	head := exportHead{BuyerID: id, ExportedAt: a.now().UTC()}
	b, err := ds.GetBuyer(ctx, id)
	switch {
	case err == nil:
		head.Contact = &contactJSON{Name: b.Name, Email: b.Email, Phone: b.Phone, Locale: b.Locale,
			TimeZone: b.TimeZone, Country: b.Country}
		p, f := newPreferencesJSON(b.Preferences), newEmailFeedbackJSON(b.EmailFeedback)
		st := b.Stats
		head.Preferences, head.EmailFeedback = &p, &f
		head.RatingInputs = &ratingInputsJSON{PaidBeforeReminder: st.PaidBeforeReminder, PaidAfterReminders: st.PaidAfterReminders,
			NeverPaid: st.NeverPaid, FullRefunds: st.FullRefunds, DisputesLost: st.DisputesLost}
	case order.ErrorCode(err) != order.CodeNotFound:
		writeError(w, err)
		return
	}
	first, err := ds.BuyerOrders(ctx, id, "", 1)
	if err != nil {
		writeError(w, err)
		return
	}
	if head.Contact == nil && len(first) == 0 {
		writeError(w, order.Errorf(order.CodeNotFound, "httpapi.exportBuyer", "no buyer %s", id))
		return
	}
	raw, err := json.Marshal(head)
	if err != nil {
		writeError(w, order.Internal("httpapi.exportBuyer", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw[:len(raw)-1])
	_, _ = w.Write([]byte(`,"orders":[`))
	after, n := "", 0
	for {
		page, err := ds.BuyerOrders(ctx, id, after, 100)
		if err != nil {
			a.abortExport(id, err)
		}
		for _, oid := range page {
			after = oid
			item, err := a.exportOrder(ctx, oid)
			if order.ErrorCode(err) == order.CodeNotFound {
				continue
			}
			if err != nil {
				a.abortExport(id, err)
			}
			if n > 0 {
				_, _ = w.Write([]byte{','})
			}
			_, _ = w.Write(item)
			n++
		}
		if len(page) < 100 {
			break
		}
	}
	_, _ = w.Write([]byte("]}\n"))
}

func (a *api) exportOrder(ctx context.Context, id string) ([]byte, error) {
	st := a.buyerData.Store
	o, err := st.GetOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	tl, err := st.Timeline(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := st.Notifications(ctx, id)
	if err != nil {
		return nil, err
	}
	if tl == nil {
		tl = []order.TimelineEntry{}
	}
	return json.Marshal(exportOrderJSON{orderResponse: newOrderResponse(o, tl), Messages: newMessagesJSON(rows)})
}

// abortExport ends an export that failed after its answer started.
func (a *api) abortExport(buyerID string, err error) {
	a.log.Error("buyer export failed mid-answer", "buyer_id", buyerID, "error", err)
	panic(http.ErrAbortHandler)
}
