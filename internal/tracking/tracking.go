// Package tracking verifies carrier-tracking webhooks and normalises each into one
// order.TrackingEvent. There is one file per sender: aftership, seventeentrack (17TRACK API
// v2), easypost and standard (any Standard Webhooks sender, with orderwire's generic shipment
// body schema).
//
// Every provider verifies the signature over the raw request bytes exactly as received,
// before anything is parsed, and accepts a list of secrets so that a secret can be rotated
// without downtime. The package does no I/O.
//
// Normalisation is the same for every provider: the tracking number goes through
// order.NormalizeTrackingNumber, the carrier is lower-cased, checkpoints are sorted by time
// (oldest first), every time is UTC, and OccurredAt is the latest checkpoint's time, else the
// provider's own event time. Each provider file documents its status mapping table;
// StatusMappings returns the same tables as data.
package tracking

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// Request is a webhook as received: webhooksig.Request, the one type both payment and
// tracking providers take (see there for the contract of its fields).
type Request = webhooksig.Request

// Provider verifies and normalises one sender's webhooks. Safe for concurrent use.
type Provider interface {
	// Name is "aftership", "17track", "easypost" or "standard"; it is also the route segment
	// of POST /webhooks/carriers/{provider} and the Source of the events.
	Name() string
	// Verify authenticates r at time now: signature over the raw bytes (constant-time
	// compare), any matching secret of the configured list (rotation), timestamp tolerance
	// where the scheme signs one (standard only). Any failure is an *order.Error with
	// CodeUnauthorized and a caller-safe message (what was wrong, never the expected value).
	Verify(ctx context.Context, r Request, now time.Time) error
	// Parse normalises a verified body. Malformed JSON, a missing event id, or a tracking
	// event without a tracking number is CodeInvalid. Status is "" for events that carry
	// nothing orderwire maps (other event types, unknown statuses): they are recorded, not
	// applied, and may lack a tracking number when their type is not a tracking event (e.g.
	// an EasyPost batch event sent to the same URL). ReceivedAt is left zero.
	Parse(r Request) (order.TrackingEvent, error)
	// Acknowledge is the provider's expected success reply (status, content type, body).
	Acknowledge() (status int, contentType string, body []byte)
}

// Config holds every provider's verification material. A provider whose list is empty is
// not enabled. Lists hold several secrets during a rotation; any one matching passes.
type Config struct {
	AfterShipSecrets   []string // the webhook secret of AfterShip's Settings > Webhooks, as shown
	SeventeenTrackKeys []string // the 17TRACK API security key (the same key signs the pushes)
	EasyPostSecrets    []string // the webhook_secret given when creating the EasyPost webhook
	StandardSecrets    []string // whsec_<base64>
}

// Provider names, also the route segments and the events' Source.
const (
	NameAfterShip      = "aftership"
	NameSeventeenTrack = "17track"
	NameEasyPost       = "easypost"
	NameStandard       = "standard"
)

// Providers returns the providers that have configuration, keyed by Name(). A provider with
// no secret configured is absent (the HTTP layer answers 404 for it). Secrets fail closed:
// bad configuration (a Standard secret without whsec_ prefix or with bad base64, any HMAC key
// — AfterShip, 17TRACK, EasyPost, Standard after decoding — shorter than
// webhooksig.MinKeyBytes bytes) is a CodeInvalid *order.Error
// whose Fields name every bad setting at once, by setting and position
// (SettingStandardSecrets+"[1]" is the second secret of that list), never echoing the secret.
func Providers(cfg Config) (map[string]Provider, error) {
	const op = "tracking.Providers"
	var fe order.FieldErrors
	out := map[string]Provider{}
	if secrets := nonEmpty(cfg.AfterShipSecrets); len(secrets) > 0 &&
		webhooksig.CheckSecrets(SettingAfterShipSecrets, "", secrets, &fe) {
		out[NameAfterShip] = &afterShip{keys: byteKeys(secrets)}
	}
	if keys := nonEmpty(cfg.SeventeenTrackKeys); len(keys) > 0 &&
		webhooksig.CheckSecrets(SettingSeventeenTrackKeys, "", keys, &fe) {
		out[NameSeventeenTrack] = &seventeenTrack{keys: byteKeys(keys)}
	}
	if secrets := nonEmpty(cfg.EasyPostSecrets); len(secrets) > 0 &&
		webhooksig.CheckSecrets(SettingEasyPostSecrets, "", secrets, &fe) {
		out[NameEasyPost] = newEasyPost(secrets)
	}
	if secrets := nonEmpty(cfg.StandardSecrets); len(secrets) > 0 {
		if sig := webhooksig.NewStandard(SettingStandardSecrets, secrets, &fe); sig != nil {
			out[NameStandard] = &standard{sig: sig}
		}
	}
	if err := fe.Err(op); err != nil {
		return nil, err
	}
	return out, nil
}

// nonEmpty returns the trimmed, non-empty entries of list.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func byteKeys(secrets []string) [][]byte {
	keys := make([][]byte, len(secrets))
	for i, s := range secrets {
		keys[i] = []byte(s)
	}
	return keys
}

// jsonAck is the reply for senders that only look at the status code.
const jsonAck = `{"received":true}`

func ack() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}
