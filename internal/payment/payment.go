// Package payment verifies payment providers' webhooks and normalises each into one
// order.Event. There is one file per provider: stripe, paypal, antom (Alipay+ global
// acquiring), alipay (classic asynchronous notify) and standard (any Standard Webhooks
// sender, with orderwire's generic body schema).
//
// Every provider verifies the signature over the raw request bytes exactly as received,
// before anything is parsed, and accepts a list of secrets so that a secret can be rotated
// without downtime. The package does no I/O except PayPal's certificate fetch, which only
// goes to PayPal's own API hosts over https.
package payment

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// Request is a webhook as received: webhooksig.Request, the one type both payment and
// tracking providers take (see there for the contract of its fields).
type Request = webhooksig.Request

// Provider verifies and normalises one provider's webhooks. Safe for concurrent use.
type Provider interface {
	// Name is "stripe", "paypal", "antom", "alipay" or "standard"; it is also the route
	// segment of POST /webhooks/payments/{provider} and the Source of the events.
	Name() string
	// Verify authenticates r at time now: signature over the raw bytes (constant-time compare
	// for MACs), any matching secret of the configured list (rotation), timestamp tolerance.
	// Any failure is an *order.Error with CodeUnauthorized and a caller-safe message
	// (say what was wrong: missing header, stale timestamp, no matching signature — never the
	// expected value).
	Verify(ctx context.Context, r Request, now time.Time) error
	// Parse normalises a verified body. Malformed JSON/form or a missing event id is CodeInvalid.
	// A type orderwire does not act on gets Kind order.KindIgnored (still with EventID/Type/OrderID
	// when present). OrderID is "" when the event names no order. ReceivedAt is left zero.
	Parse(r Request) (order.Event, error)
	// Acknowledge is the provider's expected success reply (status, content type, body).
	Acknowledge() (status int, contentType string, body []byte)
}

// Config holds every provider's verification material. A provider whose secret or key is
// empty is not enabled. Lists hold several secrets during a rotation; any one matching passes.
type Config struct {
	StripeSecrets   []string // whsec_... as shown by Stripe, used as-is (not decoded)
	StandardSecrets []string // whsec_<base64>
	PayPalWebhookID string   // the id of the webhook in the PayPal developer dashboard
	// PayPalCertPEM is an optional pinned signing certificate; without it the certificate at
	// the request's PAYPAL-CERT-URL is fetched, only from PayPal's API hosts over https.
	PayPalCertPEM []byte
	// PayPalCertSetting is the setting PayPalCertPEM came from, named when it is bad:
	// SettingPayPalCert or SettingPayPalCertFile (ConfigFrom sets it); "" means SettingPayPalCert.
	PayPalCertSetting string
	// AntomPublicKeyPEM and AlipayPublicKeyPEM are the provider's RSA public key: a PEM block
	// (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE) or the bare base64 key the consoles show.
	AntomPublicKeyPEM  []byte
	AlipayPublicKeyPEM []byte
	// AlipayMD5Key is Alipay Global's MD5 key (32 letters and digits, shown in the Alipay
	// Global merchant site). Notifications signed with sign_type MD5 are accepted only when it
	// is set; MD5 is weak, so Warnings says so. It may be the only Alipay setting.
	AlipayMD5Key string
	// HTTPClient fetches PayPal certificates; nil means a client with a 10 s timeout.
	// Redirects are never followed, whatever the client says.
	HTTPClient *http.Client
}

// Warnings are what the operator should hear at start about an accepted but weak
// configuration (today: an Alipay MD5 key). The caller logs them; they never quote a secret.
func (cfg Config) Warnings() []string {
	var out []string
	if strings.TrimSpace(cfg.AlipayMD5Key) != "" {
		out = append(out, SettingAlipayMD5Key+" is set: Alipay notifications signed with MD5 are accepted. "+
			"MD5 is weak; switch the Alipay account to RSA2 and unset it.")
	}
	return out
}

// Provider names, also the route segments and the events' Source.
const (
	NameStripe   = "stripe"
	NamePayPal   = "paypal"
	NameAntom    = "antom"
	NameAlipay   = "alipay"
	NameStandard = "standard"
)

// Providers returns the providers that have configuration, keyed by Name(). A provider with
// no secret/key configured is absent (the HTTP layer answers 404 for it). Secrets fail
// closed: bad configuration (unparsable PEM, a Standard secret without whsec_ prefix or bad
// base64, an HMAC key under webhooksig.MinKeyBytes bytes — a Standard key after decoding, a
// Stripe secret after its whsec_ prefix, an Alipay MD5 key —, an RSA public key or pinned
// certificate under MinRSABits bits) is a CodeInvalid *order.Error whose Fields name every
// bad setting at once by the setting it comes from (SettingStandardSecrets+"[1]" is the
// second secret of that list), never echoing the secret.
func Providers(cfg Config) (map[string]Provider, error) {
	const op = "payment.Providers"
	var fe order.FieldErrors
	out := map[string]Provider{}

	if secrets := nonEmpty(cfg.StripeSecrets); len(secrets) > 0 {
		// Stripe uses the whole whsec_... string as the HMAC key, so the prefix itself is
		// public: what follows it must be long enough.
		if webhooksig.CheckSecrets(SettingStripeSecrets, "whsec_", secrets, &fe) {
			out[NameStripe] = newStripe(secrets)
		}
	}
	if secrets := nonEmpty(cfg.StandardSecrets); len(secrets) > 0 {
		if sig := webhooksig.NewStandard(SettingStandardSecrets, secrets, &fe); sig != nil {
			out[NameStandard] = &standard{sig: sig}
		}
	}
	certSetting := cmp.Or(cfg.PayPalCertSetting, SettingPayPalCert)
	if id := strings.TrimSpace(cfg.PayPalWebhookID); id != "" {
		if p := newPayPal(id, cfg.PayPalCertPEM, certSetting, cfg.HTTPClient, &fe); p != nil {
			out[NamePayPal] = p
		}
	} else if len(strings.TrimSpace(string(cfg.PayPalCertPEM))) > 0 {
		fe.Add(SettingPayPalWebhookID, "is required when "+certSetting+" is set")
	}
	if pem := strings.TrimSpace(string(cfg.AntomPublicKeyPEM)); pem != "" {
		if key, err := parseRSAPublicKey([]byte(pem)); err != nil {
			fe.Add(SettingAntomPublicKey, err.Error())
		} else {
			out[NameAntom] = &antom{key: key}
		}
	}
	if p := newAlipay(cfg.AlipayPublicKeyPEM, cfg.AlipayMD5Key, &fe); p != nil {
		out[NameAlipay] = p
	}
	if err := fe.Err(op); err != nil {
		return nil, err
	}
	return out, nil
}

// nonEmpty returns the trimmed, non-empty entries of list.
func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// jsonAck is the reply for providers that only look at the status code.
const jsonAck = `{"received":true}`
