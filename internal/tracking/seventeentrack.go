package tracking

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// seventeenTrack verifies 17TRACK Tracking API v2 pushes. The signing scheme is not in any
// 17TRACK document this project could read: it follows PROVIDERS.md and two independent
// integrations that agree (agritheory/shipstation_integration seventeen_track.py
// verify_webhook_signature; a Django purchases app's get_generated_signature test).
//
// Status: data.track_info.latest_status.status, refined by its sub_status, of
// "TRACKING_UPDATED" events; the table is seventeenTrackStatuses (StatusMappings).
// TRACKING_STOPPED carries no status.
type seventeenTrack struct {
	keys [][]byte // the API security key as UTF-8 bytes
}

// seventeenTrackStatuses maps 17TRACK's 9 main statuses and refines them by its 30
// sub-statuses, as 17TRACK documents them ("Understanding Tracking Status (Main Status &
// Substatus)", help.17track.net/hc/en-us/articles/37471096573337; the Tracking API v2.2
// document, asset.17track.net/api/document/v2.2_en/index.html, "Main status" and "Sub
// status"). A sub-status without a row of its own takes its main status's row. The
// refinements:
//   - Exception_Delayed (the package was delayed) is in_transit, the sub-status kept;
//   - Exception_Returning (being returned to the sender) stays exception: only
//     Exception_Returned (the sender has received it back) is returned;
//   - every DeliveryFailure_* (NoBody, Security, Rejected, InvalidAddress, Other) is a
//     missed attempt, attempt_failed, by its main status.
var seventeenTrackStatuses = []StatusMapping{
	{"NotFound", "", order.ShipmentPending},
	{"InfoReceived", "", order.ShipmentInfoReceived},
	{"InTransit", "", order.ShipmentInTransit},
	{"Expired", "", order.ShipmentExpired},
	{"AvailableForPickup", "", order.ShipmentAvailableForPickup},
	{"OutForDelivery", "", order.ShipmentOutForDelivery},
	{"DeliveryFailure", "", order.ShipmentAttemptFailed},
	{"Delivered", "", order.ShipmentDelivered},
	{"Exception", "", order.ShipmentException},
	{"Exception", "Exception_Delayed", order.ShipmentInTransit},
	{"Exception", "Exception_Returning", order.ShipmentException},
	{"Exception", "Exception_Returned", order.ShipmentReturned},
}

// The event types of 17TRACK pushes.
const (
	seventeenTrackUpdated = "TRACKING_UPDATED"
	seventeenTrackStopped = "TRACKING_STOPPED"
)

func (p *seventeenTrack) Name() string { return NameSeventeenTrack }

// Acknowledge is a plain 200: 17TRACK documents no reply body that this project could find.
func (p *seventeenTrack) Acknowledge() (int, string, []byte) { return ack() }

// Verify checks the sign header: hex SHA-256 of "<raw body>/<key>" — a plain hash, not an
// HMAC — against every configured key in constant time. No timestamp is signed.
func (p *seventeenTrack) Verify(_ context.Context, r Request, _ time.Time) error {
	const op = "tracking.seventeentrack.Verify"
	sig := webhooksig.Header(r.Header, "sign")
	if sig == "" {
		return webhooksig.MissingHeader(op, "sign")
	}
	var want [sha256.Size]byte
	if len(sig) != hex.EncodedLen(sha256.Size) {
		return unauthorized(op, "sign is not a hex SHA-256 digest")
	}
	if _, err := hex.Decode(want[:], []byte(sig)); err != nil {
		return unauthorized(op, "sign is not a hex SHA-256 digest")
	}
	matched := 0
	var sum [sha256.Size]byte
	for _, key := range p.keys {
		h := sha256.New()
		h.Write(r.Body)
		h.Write([]byte{'/'})
		h.Write(key)
		matched |= subtle.ConstantTimeCompare(h.Sum(sum[:0]), want[:])
	}
	if matched != 1 {
		return webhooksig.NoMatch(op)
	}
	return nil
}

type seventeenTrackBody struct {
	Event string `json:"event"`
	Data  struct {
		Number    string      `json:"number"`
		Carrier   json.Number `json:"carrier"`
		TrackInfo *struct {
			LatestStatus struct {
				Status    string `json:"status"`
				SubStatus string `json:"sub_status"`
			} `json:"latest_status"`
			LatestEvent *seventeenTrackEvent `json:"latest_event"`
			Tracking    struct {
				Providers []struct {
					Events []seventeenTrackEvent `json:"events"`
				} `json:"providers"`
			} `json:"tracking"`
		} `json:"track_info"`
	} `json:"data"`
}

type seventeenTrackEvent struct {
	TimeISO     string `json:"time_iso"`
	TimeUTC     string `json:"time_utc"`
	Description string `json:"description"`
	Location    string `json:"location"`
	Stage       string `json:"stage"`      // older v2 versions
	SubStatus   string `json:"sub_status"` // v2.2 and later
	Address     *struct {
		Country string `json:"country"`
		State   string `json:"state"`
		City    string `json:"city"`
	} `json:"address"`
}

func (e *seventeenTrackEvent) time() time.Time {
	if t, ok := parseCarrierTime(e.TimeUTC); ok {
		return t
	}
	t, _ := parseCarrierTime(e.TimeISO)
	return t
}

// Parse maps a 17TRACK push (see the type's documentation). data.carrier, a number, becomes
// its decimal string. 17TRACK sends no event id, so one is derived from the event type, the
// number, the carrier, the latest event's time and the latest status: a re-push of the same
// state gets the same id (deduplicated), any new scan or status a new one. Checkpoints come
// from every data.track_info.tracking.providers[].events[] (origin and destination carrier).
func (p *seventeenTrack) Parse(r Request) (order.TrackingEvent, error) {
	const op = "tracking.seventeentrack.Parse"
	var b seventeenTrackBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return order.TrackingEvent{}, invalid(op, "body is not a 17TRACK push: malformed JSON")
	}
	if b.Event == "" {
		return order.TrackingEvent{}, invalid(op, "push has no event type")
	}
	ev := order.TrackingEvent{Source: NameSeventeenTrack, Type: b.Event, TrackingNumber: b.Data.Number}
	if b.Data.Carrier != "" {
		n, err := strconv.ParseInt(b.Data.Carrier.String(), 10, 64)
		if err != nil {
			return order.TrackingEvent{}, invalid(op, "data.carrier is not an integer carrier code")
		}
		ev.Carrier = strconv.FormatInt(n, 10)
	}
	var latestAt time.Time
	if ti := b.Data.TrackInfo; ti != nil {
		ev.ProviderStatus, ev.SubStatus = ti.LatestStatus.Status, ti.LatestStatus.SubStatus
		if ti.LatestEvent != nil {
			latestAt = ti.LatestEvent.time()
		}
		for _, prov := range ti.Tracking.Providers {
			for _, e := range prov.Events {
				cp := order.Checkpoint{At: e.time(), Message: e.Description, Location: e.Location, Status: e.SubStatus}
				if cp.Status == "" {
					cp.Status = e.Stage
				}
				if cp.Location == "" && e.Address != nil {
					cp.Location = joinNonEmpty(e.Address.City, e.Address.State, e.Address.Country)
				}
				ev.Checkpoints = append(ev.Checkpoints, cp)
			}
		}
	}
	if b.Event == seventeenTrackUpdated {
		ev.Status = mapStatus(seventeenTrackStatuses, ev.ProviderStatus, ev.SubStatus)
	}
	required := b.Event == seventeenTrackUpdated || b.Event == seventeenTrackStopped
	if err := finish(op, &ev, required, latestAt); err != nil {
		return order.TrackingEvent{}, err
	}
	stamp := ""
	if !ev.OccurredAt.IsZero() {
		stamp = ev.OccurredAt.Format(time.RFC3339Nano)
	}
	ev.EventID = derivedID(NameSeventeenTrack, b.Event, ev.TrackingNumber, ev.Carrier, stamp, ev.ProviderStatus, ev.SubStatus)
	return ev, nil
}
