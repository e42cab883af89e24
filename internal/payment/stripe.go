package payment

import (
	"context"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/webhooksig"
)

// stripe verifies Stripe webhooks (source: stripe/stripe-go webhook/client.go).
//
// The seller names the order in metadata.order_id of the PaymentIntent (Checkout:
// payment_intent_data.metadata) and of the Checkout Session, or in the Session's
// client_reference_id. Charge, Refund, Dispute and Early Fraud Warning events rarely carry
// that metadata (a Dispute's is empty, an Early Fraud Warning has none): they reach their
// order through Refs, the PaymentIntent and Charge ids they name (see Parse).
type stripe struct {
	keys [][]byte // each whole whsec_... string as bytes: Stripe does NOT base64-decode it
}

func newStripe(secrets []string) *stripe {
	p := &stripe{}
	for _, s := range secrets {
		p.keys = append(p.keys, []byte(s))
	}
	return p
}

func (p *stripe) Name() string { return NameStripe }

func (p *stripe) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...], HMAC-SHA256 of
// "<t>.<raw body>". Any v1 matching any configured secret passes; unknown schemes (v0) are
// ignored. Unlike stripe-go, a timestamp more than 5 minutes in the future is refused too.
func (p *stripe) Verify(_ context.Context, r Request, now time.Time) error {
	const op = "payment.stripe.Verify"
	sigHeader := webhooksig.Header(r.Header, "Stripe-Signature")
	if sigHeader == "" {
		return webhooksig.MissingHeader(op, "Stripe-Signature")
	}
	var (
		ts     string
		sigs   [][]byte
		sigBuf [4][32]byte // room for a few signatures without allocating
	)
	for part := range strings.SplitSeq(sigHeader, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return unauthorized(op, "malformed Stripe-Signature header")
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if len(v) != 64 {
				continue // not a SHA-256 hex digest: cannot match
			}
			var dst []byte
			if n := len(sigs); n < len(sigBuf) {
				dst = sigBuf[n][:]
			} else {
				dst = make([]byte, 32)
			}
			if _, err := hex.Decode(dst, []byte(v)); err != nil {
				continue
			}
			sigs = append(sigs, dst)
		}
	}
	signedAt, ok := webhooksig.UnixSeconds(ts)
	if !ok {
		return unauthorized(op, "Stripe-Signature header has no valid timestamp (t=)")
	}
	if len(sigs) == 0 {
		return unauthorized(op, "Stripe-Signature header has no v1 signature")
	}
	if err := webhooksig.CheckTimestamp(op, "Stripe-Signature timestamp", signedAt, now); err != nil {
		return err
	}
	if !webhooksig.MACMatches(p.keys, sigs, []byte(ts), []byte{'.'}, r.Body) {
		return webhooksig.NoMatch(op)
	}
	return nil
}
