package tracking

import (
	"context"
	"encoding/json"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// standard verifies Standard Webhooks (standardwebhooks.com; source:
// standard-webhooks/standard-webhooks libraries/go/webhook.go), the same scheme as
// payment's standard provider, and reads orderwire's generic shipment body, so that any
// sender able to sign Standard Webhooks (a carrier, a 3PL, the seller's own system) can
// report parcel progress.
//
// Body schema (JSON):
//
//	{
//	  "type": "shipment.updated",
//	  "timestamp": "2026-03-01T10:00:00Z",      // optional, RFC 3339; default webhook-timestamp
//	  "data": {
//	    "tracking_number": "RR123456785CN",     // required
//	    "carrier":         "china-post",        // optional, the sender's slug
//	    "status":          "in_transit",        // one of order.ShipmentStatuses, verbatim
//	    "sub_status":      "customs_cleared",   // optional, free text
//	    "checkpoints": [                        // optional
//	      {"at": "2026-02-27T08:00:00Z",        // required in each checkpoint, RFC 3339
//	       "location": "Shenzhen, CN", "message": "Departed", "status": "in_transit"}
//	    ]
//	  }
//	}
//
// Status is data.status verbatim when it is one of order.ShipmentStatuses, else "" (recorded,
// not applied); any other type is recorded with Status "". The event id is the webhook-id
// header (Standard Webhooks keeps it across retries).
type standard struct {
	sig *webhooksig.Standard
}

// standardUpdate is the one type this schema defines.
const standardUpdate = "shipment.updated"

func (p *standard) Name() string                       { return NameStandard }
func (p *standard) Acknowledge() (int, string, []byte) { return ack() }

// Verify checks webhook-signature: v1 HMAC-SHA256 entries over
// "<webhook-id>.<webhook-timestamp>.<raw body>", the timestamp within 5 minutes of now
// (webhooksig.Standard.Verify).
func (p *standard) Verify(_ context.Context, r Request, now time.Time) error {
	return p.sig.Verify("tracking.standard.Verify", r.Header, r.Body, now)
}

type standardShipment struct {
	TrackingNumber string `json:"tracking_number"`
	Carrier        string `json:"carrier"`
	Status         string `json:"status"`
	SubStatus      string `json:"sub_status"`
	Checkpoints    []struct {
		At       string `json:"at"`
		Location string `json:"location"`
		Message  string `json:"message"`
		Status   string `json:"status"`
	} `json:"checkpoints"`
}

// Parse maps the generic body (see the type's documentation).
func (p *standard) Parse(r Request) (order.TrackingEvent, error) {
	const op = "tracking.standard.Parse"
	m, err := webhooksig.ReadMessage[json.RawMessage](op, r.Header, r.Body) // data read only for shipment.updated
	if err != nil {
		return order.TrackingEvent{}, err
	}
	ev := order.TrackingEvent{Source: NameStandard, EventID: m.ID, Type: m.Type}
	if m.Type == standardUpdate {
		var s standardShipment
		if err := json.Unmarshal(m.Data, &s); err != nil {
			return order.TrackingEvent{}, invalid(op, "data is not the documented shipment object")
		}
		ev.TrackingNumber, ev.Carrier = s.TrackingNumber, s.Carrier
		ev.ProviderStatus, ev.SubStatus = s.Status, s.SubStatus
		if st := order.ShipmentStatus(s.Status); st.Valid() {
			ev.Status = st
		}
		for i, c := range s.Checkpoints {
			at, err := time.Parse(time.RFC3339Nano, c.At)
			if err != nil {
				return order.TrackingEvent{}, invalid(op, "data.checkpoints[%d].at is not RFC 3339", i)
			}
			ev.Checkpoints = append(ev.Checkpoints, order.Checkpoint{
				At: at.UTC(), Location: c.Location, Message: c.Message, Status: c.Status,
			})
		}
	}
	if err := finish(op, &ev, m.Type == standardUpdate, m.SentAt); err != nil {
		return order.TrackingEvent{}, err
	}
	return ev, nil
}
