package unsubscribe

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// FuzzVerify checks that Verify never panics, fails only with the documented codes, and
// accepts a token only if it is, byte for byte, the token the Signer itself makes for the
// buyer id and expiry inside it: no other encoding, key or payload gets through. Seeds are
// in testdata/fuzz/FuzzVerify and below (a genuine token of the fuzz signer, one of another
// key, and malformed ones).
func FuzzVerify(f *testing.F) {
	s := mustSigner(f, 0, keyA, keyB)
	other := mustSigner(f, 0, "another-key-that-nobody-trusts-0123456789")
	for _, id := range []string{"buyer-1", "A.b_c:d-9", strings.Repeat("x", 64)} {
		f.Add(s.Token(id, t0))
		f.Add(other.Token(id, t0))
	}
	f.Add(mustSigner(f, 0, keyB).Token("rotated", t0))
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
		encPayload, _, _ := strings.Cut(token, ".")
		payload, decErr := base64.RawURLEncoding.DecodeString(encPayload)
		if decErr != nil {
			t.Fatalf("accepted %q whose payload does not decode", token)
		}
		_, expiry, ok := parsePayload(string(payload))
		if !ok {
			t.Fatalf("accepted %q with a malformed payload", token)
		}
		// The newest key or the older one: either way, exactly our own bytes.
		byNewest := s.sign(id, expiry)
		byOlder := (&Signer{keys: [][]byte{[]byte(keyB)}}).sign(id, expiry)
		if token != byNewest && token != byOlder {
			t.Fatalf("accepted %q, which the signer did not make", token)
		}
		if !t0.Before(time.Unix(expiry, 0)) {
			t.Fatalf("accepted an expired token %q", token)
		}
	})
}
