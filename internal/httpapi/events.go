package httpapi

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// UnfiledDesk is what the unfiled-events routes need (store.Store satisfies it).
type UnfiledDesk interface {
	UnfiledEvents(ctx context.Context, after string, limit int) ([]store.UnfiledEvent, error)
	AssignEvent(ctx context.Context, source, eventID, orderID string, now time.Time) (store.Recorded, error)
}

// The unfiled-events listing's page size: limit=1..maxEventsPage, 50 when not given.
const (
	defaultEventsPage = 50
	maxEventsPage     = 200
)

// unfiledJSON is one verified event that is not filed on an order.
type unfiledJSON struct {
	Provider   string    `json:"provider"` // the webhook route's provider name
	Channel    string    `json:"channel"`  // "payment" or "carrier"
	EventID    string    `json:"provider_event_id"`
	Type       string    `json:"type"`
	OccurredAt time.Time `json:"occurred_at"`
	ReceivedAt time.Time `json:"received_at"`
	Names      namesJSON `json:"names"`
	Why        string    `json:"why"`
	Detail     string    `json:"detail,omitempty"`
}

// namesJSON is what an event names that could tie it to an order.
type namesJSON struct {
	OrderID        string   `json:"order_id,omitempty"`
	TrackingNumber string   `json:"tracking_number,omitempty"`
	PaymentRefs    []string `json:"payment_refs,omitempty"`
}

// listEvents serves GET /v1/events?status=unfiled[&limit=N][&cursor=C]: the verified events
// not filed on any order, oldest received first, with next_cursor while more may follow.
func (a *api) listEvents(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.listEvents"
	q := r.URL.Query()
	var fe order.FieldErrors
	if q.Get("status") != "unfiled" {
		fe.Add("status", `is required and must be "unfiled"`)
	}
	limit := defaultEventsPage
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxEventsPage {
			fe.Add("limit", "must be an integer from 1 to "+strconv.Itoa(maxEventsPage))
		}
		limit = n
	}
	after := ""
	if c := q.Get("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if _, _, ok := store.ParseUnfiledSK(string(raw)); err != nil || !ok {
			fe.Add("cursor", "is not a cursor this listing returned")
		}
		after = string(raw)
	}
	if err := fe.Err(op); err != nil {
		writeError(w, err)
		return
	}
	list, err := a.unfiled.UnfiledEvents(r.Context(), after, limit)
	if err != nil {
		writeError(w, err)
		return
	}
	out := struct {
		Events     []unfiledJSON `json:"events"`
		NextCursor *string       `json:"next_cursor"`
	}{Events: make([]unfiledJSON, 0, len(list))}
	for _, e := range list {
		out.Events = append(out.Events, newUnfiledJSON(e))
	}
	if len(list) == limit {
		next := base64.RawURLEncoding.EncodeToString([]byte(list[len(list)-1].Cursor))
		out.NextCursor = &next
	}
	annotate(w, "unfiled", len(list))
	writeJSON(w, http.StatusOK, out)
}

func newUnfiledJSON(e store.UnfiledEvent) unfiledJSON {
	provider, channel := e.Source, "payment"
	if p, ok := strings.CutPrefix(e.Source, store.TrackingDedupeSource("")); ok {
		provider, channel = p, "carrier"
	}
	return unfiledJSON{Provider: provider, Channel: channel, EventID: e.EventID, Type: e.Type,
		OccurredAt: e.OccurredAt, ReceivedAt: e.ReceivedAt, Why: e.Why, Detail: e.Detail,
		Names: namesJSON{OrderID: e.OrderID, TrackingNumber: e.TrackingNumber, PaymentRefs: e.Refs}}
}

// assignEvent serves POST /v1/events/{provider}/{event_id}/assign {"order_id": "..."}: the
// seller files an unfiled event on an order by hand, exactly as if the event had named it.
// {provider} and {event_id} are as the listing shows them: a payment event of that provider,
// else a carrier event of that carrier route. 200 with the outcome; 404 for an unknown order
// or an event that is not unfiled; 409 for a carrier event and an order without its parcel;
// 400 for a bad body.
func (a *api) assignEvent(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.assignEvent"
	body, err := readBodyLimit(w, r, 4<<10)
	if err != nil {
		writeError(w, err)
		return
	}
	var fe order.FieldErrors
	top, ok := parseObject(body, "", &fe)
	if !ok {
		writeError(w, order.Errorf(order.CodeInvalid, op, "request body must be one JSON object"))
		return
	}
	var orderID string
	if top.field("order_id", &orderID, true, "a string") && !order.ValidID(orderID) {
		fe.Add("order_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	top.rejectUnknown()
	provider, eventID := r.PathValue("provider"), r.PathValue("event_id")
	if err := checkEventID(eventID); err != nil {
		fe.Add("event_id", "is missing or too long")
	}
	if err := fe.Err(op); err != nil {
		writeError(w, err)
		return
	}
	res, err := a.unfiled.AssignEvent(r.Context(), provider, eventID, orderID, a.now())
	if carrierSource := store.TrackingDedupeSource(provider); errors.Is(err, store.ErrNotUnfiled) &&
		!strings.HasPrefix(provider, store.TrackingDedupeSource("")) {
		// The listing names a carrier event by its webhook route's provider (channel
		// "carrier"); the store keeps it under the carrier's dedupe source.
		res, err = a.unfiled.AssignEvent(r.Context(), carrierSource, eventID, orderID, a.now())
	}
	if err != nil {
		writeError(w, err)
		return
	}
	annotate(w, "provider", provider, "event_id", eventID, "order_id", orderID, "outcome", outcomeOf(res))
	writeJSON(w, http.StatusOK, map[string]any{
		"order_id": orderID, "provider": provider, "provider_event_id": eventID,
		"applied": res.Outcome.Applied, "reason": res.Outcome.Reason, "outcome": outcomeOf(res),
	})
}
