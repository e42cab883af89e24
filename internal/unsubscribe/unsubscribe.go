// Package unsubscribe makes and checks the sealed, expiring tokens of the unsubscribe links
// in buyer messages. A token names one buyer and carries its own expiry; it is the only
// credential of GET and POST /unsubscribe, so it must be treated like a password: never
// logged, never sent in a Referer.
//
// A token (version 2, the only kind Token makes) is
//
//	base64url(nonce ‖ AES-256-GCM(key, nonce, expiry ‖ buyerID, aad "orderwire-unsubscribe-v2"))
//	key    = HKDF-SHA256(secret, salt nil, info "orderwire unsubscribe token v2", 32 bytes)
//	nonce  = 12 random bytes; expiry = Unix seconds, 8 bytes big-endian
//
// in unpadded base64url, so it is safe in a URL query without escaping. The buyer id and the
// expiry are encrypted: a token reveals neither, and two tokens for the same buyer share no
// bytes. The secrets are listed newest first: Token seals with the first, Verify opens with
// any, so a secret is rotated by putting the new one first and dropping the old one once its
// links have expired.
//
// Version 1 tokens, made before the upgrade (base64url("v1|" buyerID "|" expiry) "."
// base64url(HMAC-SHA256(secret, payload))), named the buyer in clear. Verify still accepts
// a genuine one until its own expiry (at most DefaultTTL after the upgrade), so links in
// messages already sent keep working; nothing makes them any more.
package unsubscribe

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// MinKeyBytes is the shortest secret New accepts: as long as the derived AES-256 key.
const MinKeyBytes = 32

// DefaultTTL is how long a link stays valid when New is given no TTL.
const DefaultTTL = 60 * 24 * time.Hour

// maxTokenLen bounds what Verify decodes. A real token is under 160 characters (a buyer id
// is at most 64 bytes).
const maxTokenLen = 512

const (
	hkdfInfo  = "orderwire unsubscribe token v2"
	sealedAAD = "orderwire-unsubscribe-v2"
	nonceSize = 12
	expiryLen = 8
)

// ErrExpired is wrapped by the error Verify returns for a genuine token past its expiry, so
// that callers can tell the buyer the link is too old rather than wrong.
var ErrExpired = errors.New("unsubscribe token expired")

var b64 = base64.RawURLEncoding.Strict()

// Signer makes and verifies tokens. It is safe for concurrent use.
type Signer struct {
	secrets [][]byte      // newest first: the v1 HMAC keys
	aeads   []cipher.AEAD // newest first: AES-256-GCM under each secret's derived key
	ttl     time.Duration
	rand    func([]byte) // fills a nonce; nil means crypto/rand
}

// New returns a Signer over secrets (newest first; Token seals with secrets[0], Verify
// accepts any) whose tokens live ttl (DefaultTTL when 0). Every secret must be at least
// MinKeyBytes bytes. Errors are CodeInvalid *order.Error values naming the offending secret
// by its index, never quoting it.
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
		aead, err := deriveAEAD([]byte(k))
		if err != nil {
			return nil, order.Internal(op, err)
		}
		s.secrets = append(s.secrets, []byte(k))
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// deriveAEAD is AES-256-GCM under the HKDF-SHA256 expansion of secret.
func deriveAEAD(secret []byte) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, secret, nil, hkdfInfo, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// TTL returns how long the Signer's tokens live.
func (s *Signer) TTL() time.Duration { return s.ttl }

// Token returns a token for buyerID, sealed with the newest secret under a fresh random
// nonce, that expires at now plus the Signer's TTL (to the second, rounded down). buyerID
// must satisfy order.ValidID: a token for any other id never verifies.
func (s *Signer) Token(buyerID string, now time.Time) string {
	nonce := make([]byte, nonceSize)
	if s.rand != nil {
		s.rand(nonce)
	} else {
		_, _ = rand.Read(nonce) // crypto/rand.Read never fails (it panics instead)
	}
	return s.seal(0, buyerID, now.Add(s.ttl).Unix(), nonce)
}

// seal builds the token for buyerID with the given expiry and nonce under secret i.
func (s *Signer) seal(i int, buyerID string, expiry int64, nonce []byte) string {
	plain := binary.BigEndian.AppendUint64(make([]byte, 0, expiryLen+len(buyerID)), uint64(expiry))
	plain = append(plain, buyerID...)
	sealed := s.aeads[i].Seal(append([]byte(nil), nonce...), nonce, plain, []byte(sealedAAD))
	return b64.EncodeToString(sealed)
}

// Verify returns the buyer id of a token this Signer (under any of its secrets) made and
// that has not expired at now: it is valid strictly before its expiry second. Errors are
// *order.Error values whose messages are safe to show the buyer and never quote the token:
// CodeInvalid "link not valid" for a token that is not of the token's form; CodeUnauthorized
// "link not valid" for a token no secret made (or altered in any bit); CodeUnauthorized
// "link expired", wrapping ErrExpired, for a genuine token at or past its expiry. A token is
// authenticated before its expiry is read, so a forged token is never reported as expired.
func (s *Signer) Verify(token string, now time.Time) (string, error) {
	const op = "unsubscribe.Verify"
	malformed := order.Errorf(order.CodeInvalid, op, "link not valid")
	// The decoder skips CR and LF, so the alphabet is checked first: only the exact bytes
	// Token makes are a token.
	if len(token) > maxTokenLen || strings.IndexFunc(token, notTokenRune) >= 0 {
		return "", malformed
	}
	var buyerID string
	var expiry int64
	var err error
	if strings.Contains(token, ".") {
		buyerID, expiry, err = s.openV1(token)
	} else {
		buyerID, expiry, err = s.open(token)
	}
	if err != nil {
		return "", err
	}
	if !now.Before(time.Unix(expiry, 0)) {
		return "", &order.Error{Code: order.CodeUnauthorized, Op: op, Message: "link expired", Err: ErrExpired}
	}
	return buyerID, nil
}

// open decrypts a version 2 token under each secret in turn.
func (s *Signer) open(token string) (string, int64, error) {
	const op = "unsubscribe.Verify"
	raw, err := b64.DecodeString(token)
	if err != nil || len(raw) < nonceSize+s.aeads[0].Overhead()+expiryLen+1 {
		return "", 0, order.Errorf(order.CodeInvalid, op, "link not valid")
	}
	nonce, sealed := raw[:nonceSize], raw[nonceSize:]
	var plain []byte
	for _, aead := range s.aeads {
		// Every secret is tried, so the time taken does not say which one matched.
		if p, err := aead.Open(nil, nonce, sealed, []byte(sealedAAD)); err == nil && plain == nil {
			plain = p
		}
	}
	if plain == nil {
		return "", 0, order.Errorf(order.CodeUnauthorized, op, "link not valid")
	}
	expiry := int64(binary.BigEndian.Uint64(plain[:expiryLen]))
	buyerID := string(plain[expiryLen:])
	if expiry <= 0 || !order.ValidID(buyerID) {
		// Sealed by us, so never seen; refused rather than trusted all the same.
		return "", 0, order.Errorf(order.CodeInvalid, op, "link not valid")
	}
	return buyerID, expiry, nil
}

// notTokenRune reports whether r is outside unpadded base64url and the dot.
func notTokenRune(r rune) bool {
	return !('A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == '.')
}

// URL returns the unsubscribe link for token: base (the public origin of the seller API,
// such as https://api.example.com; trailing slashes are dropped) followed by
// /unsubscribe?token=<token>. The token is query-escaped, which leaves a real token (unpadded
// base64url) as it is.
func URL(base, token string) string {
	return strings.TrimRight(base, "/") + "/unsubscribe?token=" + url.QueryEscape(token)
}
