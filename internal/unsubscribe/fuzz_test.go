package unsubscribe

import (
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// FuzzVerify checks that Verify never panics, fails only with the documented codes, and
// accepts a token only if it is, byte for byte, the token the Signer itself makes for the
// buyer id and expiry inside it (for a sealed token: under the token's own nonce): no other
// encoding, key or payload gets through. Seeds are in testdata/fuzz/FuzzVerify (version 1
// tokens) and below (genuine tokens of the fuzz signer, ones of another key, malformed ones).
func FuzzVerify(f *testing.F) {
	s := mustSigner(f, 0, keyA, keyB)
	other := mustSigner(f, 0, "another-key-that-nobody-trusts-0123456789")
	for _, id := range []string{"buyer-1", "A.b_c:d-9", strings.Repeat("x", 64)} {
		f.Add(s.Token(id, t0))
		f.Add(other.Token(id, t0))
	}
	f.Add(mustSigner(f, 0, keyB).Token("rotated", t0))
	f.Add(s.signV1("legacy-1", t0.Add(DefaultTTL).Unix()))
	f.Add("")
	f.Add(".")
	f.Add("djF8YnV5ZXItMXwxODAwMDAwMDAw.AAAA")
	f.Fuzz(func(t *testing.T, token string) {
		// A fixed instant before every seed's expiry, so genuine seeds verify.
		id, err := s.Verify(token, t0)
		if err != nil {
			if id != "" {
				t.Fatalf("Verify returned id %q with error %v", id, err)
			}
			if c := order.ErrorCode(err); c != order.CodeInvalid && c != order.CodeUnauthorized {
				t.Fatalf("Verify error code %s: %v", c, err)
			}
			return
		}
		if !order.ValidID(id) {
			t.Fatalf("accepted an invalid id %q", id)
		}
		var expiry int64
		if encPayload, _, legacy := strings.Cut(token, "."); legacy {
			payload, decErr := base64.RawURLEncoding.DecodeString(encPayload)
			if decErr != nil {
				t.Fatalf("accepted %q whose payload does not decode", token)
			}
			var ok bool
			if _, expiry, ok = parseV1Payload(string(payload)); !ok {
				t.Fatalf("accepted %q with a malformed payload", token)
			}
			// The newest secret or the older one: either way, exactly our own bytes.
			byNewest := s.signV1(id, expiry)
			byOlder := mustSigner(t, 0, keyB).signV1(id, expiry)
			if token != byNewest && token != byOlder {
				t.Fatalf("accepted %q, which the signer did not make", token)
			}
		} else {
			// Sealing the id again under the token's own nonce gives the token back, byte
			// for byte, under one of the two secrets.
			raw, decErr := base64.RawURLEncoding.DecodeString(token)
			if decErr != nil || len(raw) < nonceSize+expiryLen {
				t.Fatalf("accepted %q, which does not decode", token)
			}
			nonce := raw[:nonceSize]
			found := false
			for i := range 2 {
				plain, err := s.aeads[i].Open(nil, nonce, raw[nonceSize:], []byte(sealedAAD))
				if err != nil {
					continue
				}
				expiry = int64(binary.BigEndian.Uint64(plain[:expiryLen]))
				found = found || s.seal(i, id, expiry, nonce) == token
			}
			if !found {
				t.Fatalf("accepted %q, which the signer did not make", token)
			}
		}
		if !t0.Before(time.Unix(expiry, 0)) {
			t.Fatalf("accepted an expired token %q", token)
		}
	})
}
