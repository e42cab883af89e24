package tracking

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
	"golang.org/x/text/unicode/norm"
)

// easyPost verifies EasyPost webhooks (source: EasyPost/easypost-go webhook.go
// ValidateWebhookWithContext) and reads Tracker events (docs.easypost.com/docs/trackers).
//
// Status: result.status, refined by result.status_detail, of "tracker.created" and
// "tracker.updated" events; the table is easyPostStatuses (StatusMappings). "error" (EasyPost
// could not track the code) is about EasyPost's tracking, not the parcel, so it is "" and
// tells the buyer nothing. Other descriptions (batch.*, refund.*, ...: EasyPost sends every
// event to one URL) are recorded with Status "".
type easyPost struct {
	keys [][]byte // NFKD-normalised secrets, as easypost-go does
}

// easyPostStatuses maps the Tracker statuses and refines them by the status_detail values
// EasyPost documents ("Tracker object", docs.easypost.com/docs/trackers: status and
// status_detail; weather_delay is not in the part of that page this project could read, see
// easyPostDocumented in the tests). A detail without a row of its own takes its status's
// row. The refinements:
//   - failure with a detail that says the carrier will try again (delayed, weather_delay,
//     address_correction) is a missed delivery attempt, attempt_failed, not an exception;
//     any other failure (lost, damaged, refused, ...) stays exception;
//   - return_to_sender is a return on its way, exception; it is returned only with
//     arrived_at_destination (the return reached the sender);
//   - a delay while moving (in_transit with delayed or weather_delay) is in_transit, the
//     detail kept.
var easyPostStatuses = []StatusMapping{
	{"unknown", "", order.ShipmentPending},
	{"pre_transit", "", order.ShipmentInfoReceived},
	{"in_transit", "", order.ShipmentInTransit},
	{"out_for_delivery", "", order.ShipmentOutForDelivery},
	{"delivered", "", order.ShipmentDelivered},
	{"available_for_pickup", "", order.ShipmentAvailableForPickup},
	{"return_to_sender", "", order.ShipmentException},
	{"return_to_sender", "arrived_at_destination", order.ShipmentReturned},
	{"failure", "", order.ShipmentException},
	{"failure", "delayed", order.ShipmentAttemptFailed},
	{"failure", "weather_delay", order.ShipmentAttemptFailed},
	{"failure", "address_correction", order.ShipmentAttemptFailed},
	{"cancelled", "", order.ShipmentException},
}

func newEasyPost(secrets []string) *easyPost {
	p := &easyPost{}
	for _, s := range secrets {
		p.keys = append(p.keys, []byte(norm.NFKD.String(s)))
	}
	return p
}

func (p *easyPost) Name() string                       { return NameEasyPost }
func (p *easyPost) Acknowledge() (int, string, []byte) { return ack() }

// Verify checks X-Hmac-Signature: "hmac-sha256-hex=" and the hex HMAC-SHA256 of the raw
// body keyed with the NFKD-normalised secret. Upper-case hex is accepted too. EasyPost signs
// no timestamp in this header, so replays are caught by the event-id dedupe.
func (p *easyPost) Verify(_ context.Context, r Request, _ time.Time) error {
	const op = "tracking.easypost.Verify"
	sig := webhooksig.Header(r.Header, "X-Hmac-Signature")
	if sig == "" {
		return webhooksig.MissingHeader(op, "X-Hmac-Signature")
	}
	const prefix = "hmac-sha256-hex="
	if len(sig) < len(prefix) || !strings.EqualFold(sig[:len(prefix)], prefix) {
		return unauthorized(op, "X-Hmac-Signature does not start with %s", prefix)
	}
	raw, err := hex.DecodeString(sig[len(prefix):])
	if err != nil {
		return unauthorized(op, "X-Hmac-Signature is not a hex digest")
	}
	if !webhooksig.MACMatches(p.keys, [][]byte{raw}, r.Body) {
		return webhooksig.NoMatch(op)
	}
	return nil
}

type easyPostEvent struct {
	ID          string          `json:"id"`
	Description string          `json:"description"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
	Result      json.RawMessage `json:"result"` // a Tracker only for tracker.* events
}

type easyPostTracker struct {
	TrackingCode    string `json:"tracking_code"`
	Carrier         string `json:"carrier"`
	Status          string `json:"status"`
	StatusDetail    string `json:"status_detail"`
	UpdatedAt       string `json:"updated_at"`
	TrackingDetails []struct {
		Datetime         string `json:"datetime"`
		Message          string `json:"message"`
		Status           string `json:"status"`
		TrackingLocation *struct {
			City    string `json:"city"`
			State   string `json:"state"`
			Country string `json:"country"`
			Zip     string `json:"zip"`
		} `json:"tracking_location"`
	} `json:"tracking_details"`
}

// Parse maps an EasyPost Event (see the type's documentation). The event id is the Event's
// id (evt_...). OccurredAt falls back to the Tracker's updated_at, then the Event's.
func (p *easyPost) Parse(r Request) (order.TrackingEvent, error) {
	const op = "tracking.easypost.Parse"
	var e easyPostEvent
	if err := json.Unmarshal(r.Body, &e); err != nil {
		return order.TrackingEvent{}, invalid(op, "body is not an EasyPost Event: malformed JSON")
	}
	if e.ID == "" {
		return order.TrackingEvent{}, invalid(op, "event has no id")
	}
	ev := order.TrackingEvent{Source: NameEasyPost, EventID: e.ID, Type: e.Description}
	fallback, ok := parseCarrierTime(e.UpdatedAt)
	if !ok {
		fallback, _ = parseCarrierTime(e.CreatedAt)
	}
	isTracker := e.Description == "tracker.created" || e.Description == "tracker.updated"
	if isTracker {
		var t easyPostTracker
		if err := json.Unmarshal(e.Result, &t); err != nil {
			return order.TrackingEvent{}, invalid(op, "result is not an EasyPost Tracker")
		}
		ev.TrackingNumber, ev.Carrier = t.TrackingCode, t.Carrier
		ev.ProviderStatus, ev.SubStatus = t.Status, t.StatusDetail
		ev.Status = mapStatus(easyPostStatuses, t.Status, t.StatusDetail)
		if at, ok := parseCarrierTime(t.UpdatedAt); ok {
			fallback = at
		}
		for _, d := range t.TrackingDetails {
			cp := order.Checkpoint{Message: d.Message, Status: d.Status}
			cp.At, _ = parseCarrierTime(d.Datetime)
			if l := d.TrackingLocation; l != nil {
				cp.Location = joinNonEmpty(l.City, l.State, l.Zip, l.Country)
			}
			ev.Checkpoints = append(ev.Checkpoints, cp)
		}
	}
	if err := finish(op, &ev, isTracker, fallback); err != nil {
		return order.TrackingEvent{}, err
	}
	return ev, nil
}
