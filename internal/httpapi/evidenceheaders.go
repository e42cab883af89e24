package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/tracking"
)

// Evidence keeps, of a webhook delivery's request headers, only those that prove who sent
// the body and what it is: the headers each provider's verifier reads (signature, timestamp,
// message id, key or certificate reference), plus Content-Type and User-Agent. Everything
// else — cookies, credentials, forwarding headers carrying client addresses, tracing ids —
// is dropped before the store sees it: evidence is kept for months and may be handed to a
// card network, so it holds nothing the dispute does not need.
//
// The names are the ones internal/payment and internal/tracking verify; a provider whose
// verifier starts reading another header must add it here (TestEvidenceKeepsSignedHeaders
// fails otherwise for every signer in the tests).

// commonEvidenceHeaders are kept for every provider (lower-case names).
var commonEvidenceHeaders = []string{"content-type", "user-agent"}

// standardWebhookHeaders are the Standard Webhooks headers (webhooksig.Header*).
var standardWebhookHeaders = []string{"webhook-id", "webhook-timestamp", "webhook-signature"}

// paymentEvidenceHeaders are each payment provider's own headers, by provider name.
var paymentEvidenceHeaders = map[string][]string{
	payment.NameStripe: {"stripe-signature"},
	payment.NamePayPal: {"paypal-transmission-id", "paypal-transmission-time", "paypal-transmission-sig",
		"paypal-cert-url", "paypal-auth-algo"},
	payment.NameAntom:    {"signature", "client-id", "request-time"},
	payment.NameAlipay:   nil, // the signature is a form field of the body
	payment.NameStandard: standardWebhookHeaders,
}

// carrierEvidenceHeaders are each carrier-tracking sender's own headers, by provider name.
var carrierEvidenceHeaders = map[string][]string{
	tracking.NameAfterShip:      {"aftership-hmac-sha256"},
	tracking.NameSeventeenTrack: {"sign"},
	tracking.NameEasyPost:       {"x-hmac-signature"},
	tracking.NameStandard:       standardWebhookHeaders,
}

// evidenceHeaders returns the headers of h kept as evidence of a delivery from a provider
// whose own header names are own: names lower-cased, repeated values joined with ", ".
// Headers not on the list are dropped, whatever their value.
func evidenceHeaders(h http.Header, own []string) map[string]string {
	out := make(map[string]string, len(own)+len(commonEvidenceHeaders))
	for name, values := range h {
		lower := strings.ToLower(name)
		if slices.Contains(commonEvidenceHeaders, lower) || slices.Contains(own, lower) {
			out[lower] = strings.Join(values, ", ")
		}
	}
	return out
}
