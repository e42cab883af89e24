package unsubscribe

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// legacyVersion is the payload prefix of the version 1 tokens, which named the buyer in
// clear. Verify accepts a genuine one until it expires; nothing makes them any more.
const legacyVersion = "v1"

// openV1 checks a version 1 token, base64url(payload) "." base64url(HMAC-SHA256(secret,
// payload)) with payload "v1|" buyerID "|" expiry, against every secret.
func (s *Signer) openV1(token string) (string, int64, error) {
	const op = "unsubscribe.Verify"
	malformed := order.Errorf(order.CodeInvalid, op, "link not valid")
	encPayload, encMAC, _ := strings.Cut(token, ".")
	payload, err := b64.DecodeString(encPayload)
	if err != nil {
		return "", 0, malformed
	}
	sum, err := b64.DecodeString(encMAC)
	if err != nil || len(sum) != sha256.Size {
		return "", 0, malformed
	}
	buyerID, expiry, ok := parseV1Payload(string(payload))
	if !ok {
		return "", 0, malformed
	}
	genuine := false
	for _, k := range s.secrets {
		// Every secret is tried, so the time taken does not say which one matched.
		if hmac.Equal(sum, macV1(k, payload)) {
			genuine = true
		}
	}
	if !genuine {
		return "", 0, order.Errorf(order.CodeUnauthorized, op, "link not valid")
	}
	return buyerID, expiry, nil
}

// signV1 makes the version 1 token for buyerID with the given expiry under the newest
// secret: for the tests of tokens issued before the upgrade.
func (s *Signer) signV1(buyerID string, expiry int64) string {
	payload := []byte(legacyVersion + "|" + buyerID + "|" + strconv.FormatInt(expiry, 10))
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(macV1(s.secrets[0], payload))
}

func macV1(key, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(payload)
	return h.Sum(nil)
}

// parseV1Payload splits "v1|<buyer id>|<expiry>", checking each part's form.
func parseV1Payload(p string) (buyerID string, expiry int64, ok bool) {
	parts := strings.Split(p, "|")
	if len(parts) != 3 || parts[0] != legacyVersion || !order.ValidID(parts[1]) {
		return "", 0, false
	}
	expiry, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || expiry <= 0 || strconv.FormatInt(expiry, 10) != parts[2] {
		return "", 0, false
	}
	return parts[1], expiry, true
}
