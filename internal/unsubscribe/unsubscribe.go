// Package unsubscribe makes and checks the signed, expiring tokens of the unsubscribe links
// in buyer messages. A token names one buyer and carries its own expiry; it is the only
// credential of GET and POST /unsubscribe, so it must be treated like a password: never
// logged, never sent in a Referer.
//
// A token is
//
//	base64url(payload) "." base64url(HMAC-SHA256(key, payload))
//	payload = "v1|" buyerID "|" expiry (Unix seconds, decimal)
//
// in unpadded base64url, so it is safe in a URL query without escaping. Keys are listed
// newest first: Token signs with the first, Verify accepts any, so a key is rotated by
// putting the new one first and dropping the old one once its links have expired.
package unsubscribe

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// MinKeyBytes is the shortest key New accepts: as long as the HMAC-SHA256 output.
const MinKeyBytes = 32

// DefaultTTL is how long a link stays valid when New is given no TTL.
const DefaultTTL = 60 * 24 * time.Hour

// maxTokenLen bounds what Verify decodes. A real token is under 200 characters (a buyer id
// is at most 64).
const maxTokenLen = 512

const version = "v1"

// ErrExpired is wrapped by the error Verify returns for a genuine token past its expiry, so
// that callers can tell the buyer the link is too old rather than wrong.
var ErrExpired = errors.New("unsubscribe token expired")

var b64 = base64.RawURLEncoding.Strict()

// Signer makes and verifies tokens. It is safe for concurrent use.
type Signer struct {
	keys [][]byte // newest first
	ttl  time.Duration
}

// New returns a Signer over keys (newest first; Token signs with keys[0], Verify accepts
// any) whose tokens live ttl (DefaultTTL when 0). Every key must be at least MinKeyBytes
// bytes. Errors are CodeInvalid *order.Error values naming the offending key by its index,
// never quoting it.
func New(keys []string, ttl time.Duration) (*Signer, error) {
	const op = "unsubscribe.New"
	if len(keys) == 0 {
		return nil, order.Errorf(order.CodeInvalid, op, "at least one unsubscribe key is required")
	}
	if ttl < 0 {
		return nil, order.Errorf(order.CodeInvalid, op, "the link lifetime must not be negative")
	}
	if ttl == 0 {
		ttl = DefaultTTL
	}
	s := &Signer{ttl: ttl}
	for i, k := range keys {
		if len(k) < MinKeyBytes {
			return nil, order.Errorf(order.CodeInvalid, op, "unsubscribe key %d is shorter than %d bytes", i, MinKeyBytes)
		}
		s.keys = append(s.keys, []byte(k))
	}
	return s, nil
}

// TTL returns how long the Signer's tokens live.
func (s *Signer) TTL() time.Duration { return s.ttl }

// Token returns a token for buyerID, signed with the newest key, that expires at now plus
// the Signer's TTL (to the second, rounded down). buyerID must satisfy order.ValidID: a
// token for any other id never verifies.
func (s *Signer) Token(buyerID string, now time.Time) string {
	return s.sign(buyerID, now.Add(s.ttl).Unix())
}

// sign builds the token for buyerID with the given expiry, signed with the newest key.
func (s *Signer) sign(buyerID string, expiry int64) string {
	payload := []byte(version + "|" + buyerID + "|" + strconv.FormatInt(expiry, 10))
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(mac(s.keys[0], payload))
}

func mac(key, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(payload)
	return h.Sum(nil)
}

// Verify returns the buyer id of a token this Signer (under any of its keys) made and that
// has not expired at now: it is valid strictly before its expiry second. Errors are
// *order.Error values whose messages are safe to show the buyer and never quote the token:
// CodeInvalid "link not valid" for a token that is not of the token's form; CodeUnauthorized
// "link not valid" for a signature no key made; CodeUnauthorized "link expired", wrapping
// ErrExpired, for a genuine token at or past its expiry. The signature is checked before
// the expiry, so a forged token is never reported as expired.
func (s *Signer) Verify(token string, now time.Time) (string, error) {
	const op = "unsubscribe.Verify"
	malformed := order.Errorf(order.CodeInvalid, op, "link not valid")
	// The decoder skips CR and LF, so the alphabet is checked first: only the exact bytes
	// Token makes are a token.
	if len(token) > maxTokenLen || strings.IndexFunc(token, notTokenRune) >= 0 {
		return "", malformed
	}
	encPayload, encMAC, ok := strings.Cut(token, ".")
	if !ok {
		return "", malformed
	}
	payload, err := b64.DecodeString(encPayload)
	if err != nil {
		return "", malformed
	}
	sum, err := b64.DecodeString(encMAC)
	if err != nil || len(sum) != sha256.Size {
		return "", malformed
	}
	buyerID, expiry, ok := parsePayload(string(payload))
	if !ok {
		return "", malformed
	}
	genuine := false
	for _, k := range s.keys {
		// Every key is tried, so the time taken does not say which key matched.
		if hmac.Equal(sum, mac(k, payload)) {
			genuine = true
		}
	}
	if !genuine {
		return "", order.Errorf(order.CodeUnauthorized, op, "link not valid")
	}
	if !now.Before(time.Unix(expiry, 0)) {
		return "", &order.Error{Code: order.CodeUnauthorized, Op: op, Message: "link expired", Err: ErrExpired}
	}
	return buyerID, nil
}

// notTokenRune reports whether r is outside unpadded base64url and the dot.
func notTokenRune(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.')
}

// parsePayload splits "v1|<buyer id>|<expiry>", checking each part's form.
func parsePayload(p string) (buyerID string, expiry int64, ok bool) {
	parts := strings.Split(p, "|")
	if len(parts) != 3 || parts[0] != version || !order.ValidID(parts[1]) {
		return "", 0, false
	}
	expiry, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || expiry <= 0 || strconv.FormatInt(expiry, 10) != parts[2] {
		return "", 0, false
	}
	return parts[1], expiry, true
}

// URL returns the unsubscribe link for token: base (the public origin of the seller API,
// such as https://api.example.com; trailing slashes are dropped) followed by
// /unsubscribe?token=<token>. The token is query-escaped, which leaves a real token (unpadded
// base64url and a dot) as it is.
func URL(base, token string) string {
	return strings.TrimRight(base, "/") + "/unsubscribe?token=" + url.QueryEscape(token)
}
