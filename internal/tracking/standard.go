package tracking

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
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
	keys [][]byte // base64-decoded part after whsec_
}

// standardUpdate is the one type this schema defines.
const standardUpdate = "shipment.updated"

// newStandard decodes the whsec_<base64> secrets, recording bad ones in fe by position only.
func newStandard(secrets []string, fe *order.FieldErrors) *standard {
	p := &standard{}
	for i, s := range secrets {
		field := fmt.Sprintf("StandardSecrets[%d]", i)
		b64, ok := strings.CutPrefix(s, "whsec_")
		if !ok {
			fe.Add(field, "must start with whsec_")
			continue
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(b64)
		}
		if err != nil || len(key) == 0 {
			fe.Add(field, "is not whsec_ followed by base64")
			continue
		}
		p.keys = append(p.keys, key)
	}
	if len(p.keys) != len(secrets) {
		return nil
	}
	return p
}

func (p *standard) Name() string                       { return NameStandard }
func (p *standard) Acknowledge() (int, string, []byte) { return ack() }

// Verify checks webhook-signature: space-separated "v1,<base64 HMAC-SHA256>" entries over
// "<webhook-id>.<webhook-timestamp>.<raw body>"; other versions (v1a is ed25519) are ignored.
// The timestamp must be within 5 minutes of now in either direction.
func (p *standard) Verify(_ context.Context, r Request, now time.Time) error {
	const op = "tracking.standard.Verify"
	id := headerValue(r.Header, "webhook-id")
	ts := headerValue(r.Header, "webhook-timestamp")
	sigHeader := headerValue(r.Header, "webhook-signature")
	switch {
	case id == "":
		return missingHeader(op, "webhook-id")
	case ts == "":
		return missingHeader(op, "webhook-timestamp")
	case sigHeader == "":
		return missingHeader(op, "webhook-signature")
	}
	signedAt, ok := unixSeconds(ts)
	if !ok {
		return unauthorized(op, "webhook-timestamp is not a unix time in seconds")
	}
	if err := checkTimestamp(op, "webhook-timestamp", signedAt, now); err != nil {
		return err
	}
	var sigs [][]byte
	for entry := range strings.FieldsSeq(sigHeader) {
		version, sig, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		if raw, err := base64.StdEncoding.DecodeString(sig); err == nil {
			sigs = append(sigs, raw)
		}
	}
	if len(sigs) == 0 {
		return unauthorized(op, "webhook-signature has no v1 signature")
	}
	if !macMatches(p.keys, sigs, []byte(id), []byte{'.'}, []byte(ts), []byte{'.'}, r.Body) {
		return errNoMatch(op)
	}
	return nil
}

type standardBody struct {
	Type      string          `json:"type"`
	Timestamp string          `json:"timestamp"`
	Data      json.RawMessage `json:"data"` // read only for shipment.updated
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
	id := headerValue(r.Header, "webhook-id")
	if id == "" {
		return order.TrackingEvent{}, invalid(op, "missing webhook-id header (the event id)")
	}
	var b standardBody
	if err := json.Unmarshal(r.Body, &b); err != nil {
		return order.TrackingEvent{}, invalid(op, "body is not JSON of the documented schema")
	}
	ev := order.TrackingEvent{Source: NameStandard, EventID: id, Type: b.Type}
	var sentAt time.Time
	if b.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, b.Timestamp)
		if err != nil {
			return order.TrackingEvent{}, invalid(op, "timestamp is not RFC 3339")
		}
		sentAt = t
	} else if t, ok := unixSeconds(headerValue(r.Header, "webhook-timestamp")); ok {
		sentAt = t
	}
	if b.Type == standardUpdate {
		var s standardShipment
		if err := json.Unmarshal(b.Data, &s); err != nil {
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
	if err := finish(op, &ev, b.Type == standardUpdate, sentAt); err != nil {
		return order.TrackingEvent{}, err
	}
	return ev, nil
}
