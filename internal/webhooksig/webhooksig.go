// Package webhooksig holds the verification primitives every webhook provider shares: the
// case-insensitive header lookup, the signed-timestamp window, unix-seconds parsing and
// constant-time HMAC-SHA256 matching over rotated keys. It knows no provider beyond the
// Standard Webhooks scheme (standardwebhooks.com), which both payment and tracking senders
// use (see Standard).
//
// Every failure is an *order.Error carrying the op name the caller passes in, with a
// caller-safe message that never echoes a secret or a signature.
package webhooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// Tolerance is how far a signed timestamp may be from now, in either direction.
const Tolerance = 5 * time.Minute

// Header returns the named header, trimmed. http.Header.Get finds canonical keys; a header
// map built by hand (e.g. from API Gateway's lower-case map) may hold other spellings, so
// those are looked up case-insensitively too.
func Header(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return strings.TrimSpace(v)
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return strings.TrimSpace(vs[0])
		}
	}
	return ""
}

// MissingHeader is the unauthorized failure of op for an absent signature header.
func MissingHeader(op, name string) error {
	return unauthorized(op, "missing %s header", name)
}

// NoMatch is the unauthorized failure of op when no configured secret produces the received
// signature.
func NoMatch(op string) error {
	return unauthorized(op, "no matching signature for any configured secret")
}

// unauthorized builds the caller-safe verification failure of op.
func unauthorized(op, format string, args ...any) error {
	return order.Errorf(order.CodeUnauthorized, op, format, args...)
}

// CheckTimestamp refuses a signed timestamp more than Tolerance before or after now; what
// names the timestamp in the message ("webhook-timestamp").
func CheckTimestamp(op, what string, ts, now time.Time) error {
	switch d := now.Sub(ts); {
	case d > Tolerance:
		return unauthorized(op, "%s is too old (more than %v before now)", what, Tolerance)
	case d < -Tolerance:
		return unauthorized(op, "%s is too far in the future (more than %v after now)", what, Tolerance)
	}
	return nil
}

// UnixSeconds parses a decimal unix timestamp in seconds: 1 to 12 ASCII digits, no sign,
// no spaces.
func UnixSeconds(s string) (time.Time, bool) {
	if s == "" || len(s) > 12 || strings.TrimLeft(s, "0123456789") != "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// MACMatches computes HMAC-SHA256 over the concatenation of parts with each key and reports
// whether any result equals any candidate, comparing in constant time. Every candidate is
// compared against every key's MAC, so rotation (several keys) and senders that list several
// signatures (several candidates) both work.
func MACMatches(keys [][]byte, candidates [][]byte, parts ...[]byte) bool {
	var sum [sha256.Size]byte
	for _, key := range keys {
		mac := hmac.New(sha256.New, key)
		for _, p := range parts {
			mac.Write(p)
		}
		got := mac.Sum(sum[:0])
		for _, c := range candidates {
			if hmac.Equal(got, c) {
				return true
			}
		}
	}
	return false
}
