package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
)

// TrackingRecorder stores verified carrier events (store.Store satisfies it).
type TrackingRecorder interface {
	RecordTrackingEvent(ctx context.Context, ev order.TrackingEvent, evidence order.Evidence) (store.Recorded, error)
}

// carrierWebhook serves POST /webhooks/carriers/{provider} with the same answers as the
// payment webhooks: the provider's success reply for a recorded, duplicate, parked or
// ignored event; 404 unknown or disabled provider; 401 bad signature; 400 malformed; 413
// too large; 5xx only when the store fails.
func (a *api) carrierWebhook(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("provider")
	p, ok := a.carriers[name]
	if !ok {
		writeError(w, order.Errorf(order.CodeNotFound, "httpapi.carrierWebhook", "carrier webhook %q is not enabled", name))
		return
	}
	var ev order.TrackingEvent
	body, now, ok := a.received(w, r, func(body []byte, now time.Time) (string, error) {
		req := tracking.Request{Method: r.Method, Path: r.URL.EscapedPath(), Header: r.Header, Body: body}
		if err := p.Verify(r.Context(), req, now); err != nil {
			return "", err
		}
		var err error
		ev, err = p.Parse(req)
		return ev.EventID, err
	})
	if !ok {
		a.countEvent(metrics.ChannelCarrier, name, metrics.OutcomeRejected)
		return
	}
	ev.ReceivedAt = now
	ev.CheckTimes() // an impossible time is recorded at receipt, with the anomaly
	annotate(w, "provider", name, "event_type", ev.Type, "event_id", ev.EventID, "shipment_status", ev.Status)
	if ev.TrackingNumber == "" {
		// Verified, but about no parcel (another event type sent to the same URL).
		annotate(w, "outcome", "no_tracking_number")
		a.countEvent(metrics.ChannelCarrier, name, metrics.OutcomeIgnored)
		acknowledge(w, p)
		return
	}
	res, err := a.tracking.RecordTrackingEvent(r.Context(), ev, order.Evidence{Body: body, Headers: evidenceHeaders(r.Header, carrierEvidenceHeaders[name])})
	a.countEvent(metrics.ChannelCarrier, name, eventOutcome(res, err))
	a.recorded(w, p, res, err, "tracking_number", ev.TrackingNumber, "order_id", res.Order.ID)
}
