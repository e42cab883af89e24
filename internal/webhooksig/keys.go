package webhooksig

import (
	"fmt"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// MinKeyBytes is the shortest HMAC key accepted at start: a shorter key (the empty one, one
// zero byte, a bare "whsec_") is guessable, so anyone could forge a delivery with it.
const MinKeyBytes = 16

// CheckSecrets records in fe every secret of the list shorter than MinKeyBytes bytes once
// prefix (e.g. "whsec_", for Stripe, which uses the whole string as the key) is cut off, as
// setting[i] ("ORDERWIRE_STRIPE_WEBHOOK_SECRETS[0]"), by position only, never echoing the
// secret. It reports whether every secret is long enough, so that a provider is enabled only
// when all of them are. Secrets used as-is (AfterShip, 17TRACK, EasyPost, Stripe) go through
// it; Standard Webhooks secrets are checked after decoding by NewStandard.
func CheckSecrets(setting, prefix string, secrets []string, fe *order.FieldErrors) bool {
	ok := true
	for i, secret := range secrets {
		rest := secret
		if prefix != "" {
			rest = strings.TrimPrefix(secret, prefix)
		}
		if len(rest) < MinKeyBytes {
			what := fmt.Sprintf("is only %d bytes long", len(rest))
			if rest != secret {
				what = fmt.Sprintf("has only %d bytes after %s", len(rest), prefix)
			}
			fe.Add(fmt.Sprintf("%s[%d]", setting, i), fmt.Sprintf(
				"%s; at least %d are required (anyone could forge a signature with a shorter secret)", what, MinKeyBytes))
			ok = false
		}
	}
	return ok
}
