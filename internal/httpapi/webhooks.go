package httpapi

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/store"
)

// maxEventIDLen bounds provider event ids, which become part of store keys.
const maxEventIDLen = 256

// EventRecorder stores verified provider events (store.Store satisfies it).
type EventRecorder interface {
	RecordEvent(ctx context.Context, ev order.Event, evidence order.Evidence) (store.Recorded, error)
}

// paymentWebhook serves POST /webhooks/payments/{provider}. The provider's signature is the
// authentication. Answers: the provider's own success reply for a recorded, duplicate or
// ignored event; 404 for a provider that is unknown or not configured; 401 for a bad or
// missing signature; 400 for a malformed body; 413 over MaxBodyBytes; 5xx only when the
// store fails, so that the provider retries.
func (a *api) paymentWebhook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("provider")
	p, ok := a.payments[name]
	if !ok {
		writeError(w, order.Errorf(order.CodeNotFound, "httpapi.paymentWebhook", "payment provider %q is not enabled", name))
		return
	}
	var ev order.Event
	body, now, ok := a.received(w, r, func(body []byte, now time.Time) (string, error) {
		req := payment.Request{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header, Body: body}
		if err := p.Verify(r.Context(), req, now); err != nil {
			return "", err
		}
		var err error
		ev, err = p.Parse(req)
		return ev.EventID, err
	})
	if !ok {
		a.countEvent(metrics.ChannelPayment, name, metrics.OutcomeRejected)
		return
	}
	ev.ReceivedAt = now
	ev.CheckTimes() // an impossible time is recorded at receipt, with the anomaly
	annotate(w, "provider", name, "event_type", ev.Type, "event_id", ev.EventID, "kind", ev.Kind)
	if !order.ValidID(ev.OrderID) {
		// It names no order id of ours: the store files it through its payment references,
		// or keeps it unfiled (listed at GET /v1/events?status=unfiled). Never dropped.
		ev.OrderID = ""
	}
	res, err := a.events.RecordEvent(r.Context(), ev, order.Evidence{Body: body, Headers: evidenceHeaders(r.Header, paymentEvidenceHeaders[name])})
	a.countEvent(metrics.ChannelPayment, name, eventOutcome(res, err))
	a.recorded(w, p, res, err, "order_id", ev.OrderID)
}

// received reads and authenticates a webhook delivery, the steps every webhook route
// shares: the body (at most MaxBodyBytes), then check, which verifies the signature over it,
// parses it and returns the event id. On any failure it answers the error and reports false.
func (a *api) received(w http.ResponseWriter, r *http.Request, check func(body []byte, now time.Time) (string, error)) ([]byte, time.Time, bool) {
	now := a.now()
	body, err := readRawBody(w, r, MaxBodyBytes) // provider-defined bytes: signatures are over them as they are
	var id string
	if err == nil {
		id, err = check(body, now)
	}
	if err == nil {
		err = checkEventID(id)
	}
	if err != nil {
		writeError(w, err)
		return nil, now, false
	}
	return body, now, true
}

// recorded answers a delivery the store has recorded: the provider's own success reply, or
// the store's error (5xx, so that the provider retries). kv go on the request's log line.
func (a *api) recorded(w http.ResponseWriter, p acknowledger, res store.Recorded, err error, kv ...any) {
	if err != nil {
		writeError(w, err)
		return
	}
	annotate(w, append(kv, "outcome", outcomeOf(res), "reason", res.Outcome.Reason)...)
	acknowledge(w, p)
}

// checkEventID refuses event ids that cannot key a dedupe marker.
func checkEventID(id string) error {
	if id == "" || len(id) > maxEventIDLen || strings.ContainsAny(id, "\x00") {
		return order.Errorf(order.CodeInvalid, "httpapi.checkEvent", "the event id is missing or longer than %d bytes", maxEventIDLen)
	}
	return nil
}

// acknowledger is any webhook provider: it knows its own success reply.
type acknowledger interface {
	Acknowledge() (status int, contentType string, body []byte)
}

// acknowledge answers with the provider's own success reply.
func acknowledge(w http.ResponseWriter, p acknowledger) {
	status, contentType, body := p.Acknowledge()
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func outcomeOf(res store.Recorded) string {
	switch {
	case res.Duplicate:
		return "duplicate"
	case res.Parked:
		return "parked"
	case res.Outcome.Applied:
		return "applied"
	default:
		return "recorded"
	}
}
