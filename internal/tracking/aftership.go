package tracking

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// afterShip verifies AfterShip Tracking webhooks (docs: aftership.com/docs/tracking/webhook/
// webhook-signature and .../webhook-specifications).
//
// Status: msg.tag, refined by msg.subtag, of "tracking_update" events; the table is
// afterShipStatuses (StatusMappings). Other events (edd_revise, tracking_pending_time) carry
// no status: "".
type afterShip struct {
	keys [][]byte // the webhook secret as UTF-8 bytes, used as-is
}

// afterShipStatuses maps AfterShip's delivery statuses (msg.tag; "Delivery Statuses",
// aftership.com/docs/tracking/enum/delivery-statuses) and refines them by the sub-statuses
// AfterShip documents (msg.subtag; "Delivery Sub-statuses", aftership.com/docs/tracking/
// 2025-04/enum/delivery-sub-statuses, and the Exception_016..021 added on 2026-03-27 in the
// help-center article "Learn About Delivery Sub-Status", support.aftership.com/en/article/
// learn-about-delivery-sub-statuses-1b0hdlx). A sub-tag without a row of its own takes its
// tag's row. The refinements:
//   - a delay is not a problem with the parcel: Exception_004 (customs clearance),
//     Exception_005 (external factors), Exception_016 (processing issue), Exception_017
//     (extreme weather) and Exception_019 (late flight) are in_transit, the sub-tag kept;
//   - Exception_010 "Returning to sender" (on its way back) stays exception: only
//     Exception_011 "Returned to sender" (received back by the sender) is returned;
//   - AttemptFail_001..003 (failed attempt, addressee not available, business closed) are
//     attempt_failed by their tag.
var afterShipStatuses = []StatusMapping{
	{"Pending", "", order.ShipmentPending},
	{"InfoReceived", "", order.ShipmentInfoReceived},
	{"InTransit", "", order.ShipmentInTransit},
	{"OutForDelivery", "", order.ShipmentOutForDelivery},
	{"AttemptFail", "", order.ShipmentAttemptFailed},
	{"Delivered", "", order.ShipmentDelivered},
	{"AvailableForPickup", "", order.ShipmentAvailableForPickup},
	{"Exception", "", order.ShipmentException},
	{"Exception", "Exception_004", order.ShipmentInTransit},
	{"Exception", "Exception_005", order.ShipmentInTransit},
	{"Exception", "Exception_010", order.ShipmentException},
	{"Exception", "Exception_011", order.ShipmentReturned},
	{"Exception", "Exception_016", order.ShipmentInTransit},
	{"Exception", "Exception_017", order.ShipmentInTransit},
	{"Exception", "Exception_019", order.ShipmentInTransit},
	{"Expired", "", order.ShipmentExpired},
}

// afterShipUpdate is the one event type that carries a delivery status.
const afterShipUpdate = "tracking_update"

func (p *afterShip) Name() string                       { return NameAfterShip }
func (p *afterShip) Acknowledge() (int, string, []byte) { return ack() }

// Verify checks aftership-hmac-sha256: base64 HMAC-SHA256 of the raw body keyed with the
// webhook secret. AfterShip signs no timestamp (its ts field is kept across retries for
// ~68 h), so replays are caught by the event-id dedupe, not here.
func (p *afterShip) Verify(_ context.Context, r Request, _ time.Time) error {
	const op = "tracking.aftership.Verify"
	sig := webhooksig.Header(r.Header, "aftership-hmac-sha256")
	if sig == "" {
		return webhooksig.MissingHeader(op, "aftership-hmac-sha256")
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return unauthorized(op, "aftership-hmac-sha256 is not base64")
	}
	if !webhooksig.MACMatches(p.keys, [][]byte{raw}, r.Body) {
		return webhooksig.NoMatch(op)
	}
	return nil
}

type afterShipBody struct {
	TS      json.Number `json:"ts"`
	Event   string      `json:"event"`
	EventID string      `json:"event_id"`
	Msg     struct {
		ID             string                `json:"id"`
		TrackingNumber string                `json:"tracking_number"`
		Slug           string                `json:"slug"`
		Tag            string                `json:"tag"`
		Subtag         string                `json:"subtag"`
		Checkpoints    []afterShipCheckpoint `json:"checkpoints"`
	} `json:"msg"`
}

type afterShipCheckpoint struct {
	CheckpointTime    string `json:"checkpoint_time"`
	Location          string `json:"location"`
	City              string `json:"city"`
	State             string `json:"state"`
	CountryName       string `json:"country_name"`        // before API 2024-07
	CountryRegionName string `json:"country_region_name"` // from API 2024-07
	Message           string `json:"message"`
	Tag               string `json:"tag"`
	Subtag            string `json:"subtag"`
}

// Parse maps an AfterShip event (see the type's documentation). The event id is event_id;
// a body without one (older webhook versions) gets one derived from msg.id (AfterShip's
// tracking id) and ts, which AfterShip keeps across retries of the same delivery.
// Checkpoint times use the scan's own zone; one given without a zone is read as UTC.
func (p *afterShip) Parse(r Request) (order.TrackingEvent, error) {
	const op = "tracking.aftership.Parse"
	var b afterShipBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return order.TrackingEvent{}, invalid(op, "body is not an AfterShip webhook: malformed JSON")
	}
	var sentAt time.Time
	if b.TS != "" {
		n, err := strconv.ParseInt(b.TS.String(), 10, 64)
		if err != nil || n <= 0 || n > 1e11 {
			return order.TrackingEvent{}, invalid(op, "ts is not a unix time in seconds")
		}
		sentAt = time.Unix(n, 0).UTC()
	}
	id := b.EventID
	if id == "" && b.Msg.ID != "" && !sentAt.IsZero() {
		id = derivedID(NameAfterShip, b.Msg.ID, b.TS.String())
	}
	if id == "" {
		return order.TrackingEvent{}, invalid(op, "event has no event_id (nor msg.id and ts to derive one)")
	}
	ev := order.TrackingEvent{
		Source: NameAfterShip, EventID: id, Type: b.Event,
		TrackingNumber: b.Msg.TrackingNumber, Carrier: b.Msg.Slug,
		ProviderStatus: b.Msg.Tag, SubStatus: b.Msg.Subtag,
	}
	if b.Event == afterShipUpdate {
		ev.Status = mapStatus(afterShipStatuses, b.Msg.Tag, b.Msg.Subtag)
	}
	for _, c := range b.Msg.Checkpoints {
		cp := order.Checkpoint{Message: c.Message, Status: c.Subtag, Location: c.Location}
		if cp.Status == "" {
			cp.Status = c.Tag
		}
		if cp.Location == "" {
			country := c.CountryRegionName
			if country == "" {
				country = c.CountryName
			}
			cp.Location = joinNonEmpty(c.City, c.State, country)
		}
		cp.At, _ = parseCarrierTime(c.CheckpointTime)
		ev.Checkpoints = append(ev.Checkpoints, cp)
	}
	if err := finish(op, &ev, b.Event == afterShipUpdate, sentAt); err != nil {
		return order.TrackingEvent{}, err
	}
	return ev, nil
}
