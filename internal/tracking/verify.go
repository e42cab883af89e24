package tracking

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// tolerance is how far a signed timestamp may be from now, in either direction.
const tolerance = 5 * time.Minute

// headerValue returns the named header, trimmed. http.Header.Get finds canonical keys; a
// header map built by hand (e.g. from API Gateway's lower-case map) may hold other spellings,
// so those are looked up case-insensitively too.
func headerValue(h http.Header, name string) string {
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

// unauthorized builds the caller-safe verification failure of op.
func unauthorized(op, format string, args ...any) error {
	return order.Errorf(order.CodeUnauthorized, op, format, args...)
}

// invalid builds the malformed-body failure of op.
func invalid(op, format string, args ...any) error {
	return order.Errorf(order.CodeInvalid, op, format, args...)
}

// missingHeader is the failure for an absent signature header.
func missingHeader(op, name string) error {
	return unauthorized(op, "missing %s header", name)
}

// errNoMatch is the failure when no configured secret produces the received signature.
func errNoMatch(op string) error {
	return unauthorized(op, "no matching signature for any configured secret")
}

// checkTimestamp refuses a signed timestamp more than tolerance before or after now.
func checkTimestamp(op, what string, ts, now time.Time) error {
	switch d := now.Sub(ts); {
	case d > tolerance:
		return unauthorized(op, "%s is too old (more than %v before now)", what, tolerance)
	case d < -tolerance:
		return unauthorized(op, "%s is too far in the future (more than %v after now)", what, tolerance)
	}
	return nil
}

// unixSeconds parses a decimal unix timestamp in seconds.
func unixSeconds(s string) (time.Time, bool) {
	if s == "" || len(s) > 12 || strings.TrimLeft(s, "0123456789") != "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// macMatches computes HMAC-SHA256 over the concatenation of parts with each key and reports
// whether any result equals any candidate, comparing in constant time. Every candidate is
// compared against every key's MAC, so rotation (several keys) and senders that list several
// signatures (several candidates) both work.
func macMatches(keys [][]byte, candidates [][]byte, parts ...[]byte) bool {
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
