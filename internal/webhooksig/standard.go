package webhooksig

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The Standard Webhooks headers (standardwebhooks.com; source:
// standard-webhooks/standard-webhooks libraries/go/webhook.go).
const (
	HeaderID        = "webhook-id"        // the message id, kept across retries
	HeaderTimestamp = "webhook-timestamp" // unix seconds, signed
	HeaderSignature = "webhook-signature" // space-separated "<version>,<base64>" entries
)

// Standard verifies Standard Webhooks signatures with the keys of one or more
// whsec_<base64> secrets (several during a rotation). Build it with NewStandard.
type Standard struct {
	keys [][]byte // base64-decoded part after whsec_
}

// NewStandard decodes whsec_<base64> secrets (standard base64, padded or not); a key must
// decode to at least MinKeyBytes bytes. A bad entry
// is recorded in fe as setting[i] ("ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1]"), setting being
// the name the operator gave the list, by position only, never echoing the secret;
// NewStandard then returns nil, so a provider is enabled only when every secret is good.
func NewStandard(setting string, secrets []string, fe *order.FieldErrors) *Standard {
	s := &Standard{}
	for i, secret := range secrets {
		name := fmt.Sprintf("%s[%d]", setting, i)
		b64, ok := strings.CutPrefix(secret, "whsec_")
		if !ok {
			fe.Add(name, "must start with whsec_")
			continue
		}
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			key, err = base64.RawStdEncoding.DecodeString(b64)
		}
		if err != nil || len(key) == 0 {
			fe.Add(name, "is not whsec_ followed by base64")
			continue
		}
		if len(key) < MinKeyBytes {
			fe.Add(name, fmt.Sprintf("decodes to a %d-byte key; at least %d bytes are required (anyone could forge a shorter one)", len(key), MinKeyBytes))
			continue
		}
		s.keys = append(s.keys, key)
	}
	if len(s.keys) != len(secrets) {
		return nil
	}
	return s
}

// Verify checks webhook-signature: space-separated "v1,<base64 HMAC-SHA256>" entries over
// "<webhook-id>.<webhook-timestamp>.<raw body>"; other versions (v1a is ed25519) are ignored.
// The timestamp must be within Tolerance of now in either direction. Failures are
// unauthorized *order.Errors of op.
func (s *Standard) Verify(op string, h http.Header, body []byte, now time.Time) error {
	id := Header(h, HeaderID)
	ts := Header(h, HeaderTimestamp)
	sigHeader := Header(h, HeaderSignature)
	switch {
	case id == "":
		return MissingHeader(op, HeaderID)
	case ts == "":
		return MissingHeader(op, HeaderTimestamp)
	case sigHeader == "":
		return MissingHeader(op, HeaderSignature)
	}
	signedAt, ok := UnixSeconds(ts)
	if !ok {
		return unauthorized(op, "webhook-timestamp is not a unix time in seconds")
	}
	if err := CheckTimestamp(op, HeaderTimestamp, signedAt, now); err != nil {
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
	if !MACMatches(s.keys, sigs, []byte(id), []byte{'.'}, []byte(ts), []byte{'.'}, body) {
		return NoMatch(op)
	}
	return nil
}
