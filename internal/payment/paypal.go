package payment

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// payPal verifies PayPal webhooks offline (source: paypal/PayPal-node-SDK
// lib/resources/Notification.js in its older versions; the same fields feed PayPal's online
// POST /v1/notifications/verify-webhook-signature).
type payPal struct {
	webhookID string
	pinned    *x509.Certificate // optional; when set, CERT-URL is never fetched
	pinnedKey *rsa.PublicKey
	certs     *certSource
}

// newPayPal builds the provider, recording a bad pinned certificate in fe under certSetting,
// the setting it came from.
func newPayPal(webhookID string, certPEM []byte, certSetting string, client *http.Client, fe *order.FieldErrors) *payPal {
	p := &payPal{webhookID: webhookID, certs: newCertSource(client)}
	if len(strings.TrimSpace(string(certPEM))) > 0 {
		key, cert, err := parseRSAKeyOrCert(certPEM)
		if err != nil {
			fe.Add(certSetting, err.Error())
			return nil
		}
		p.pinned, p.pinnedKey = cert, key
	}
	return p
}

func (p *payPal) Name() string { return NamePayPal }

func (p *payPal) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks PAYPAL-TRANSMISSION-SIG (base64 RSA PKCS#1 v1.5 SHA-256) over
// "<transmission id>|<transmission time>|<webhook id>|<crc32 IEEE of the raw body, unsigned
// decimal>". PAYPAL-AUTH-ALGO must be SHA256withRSA; PAYPAL-TRANSMISSION-TIME (RFC 3339) must
// be within 5 minutes of now. The key is the pinned certificate's, or that of the certificate
// at PAYPAL-CERT-URL (fetched only from PayPal's API hosts, cached); a certificate must be
// valid at now. Cheap checks come first so that a bogus request costs no fetch.
func (p *payPal) Verify(ctx context.Context, r Request, now time.Time) error {
	const op = "payment.paypal.Verify"
	id := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-ID")
	sentAt := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-TIME")
	sig := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-SIG")
	algo := webhooksig.Header(r.Header, "PAYPAL-AUTH-ALGO")
	certURL := webhooksig.Header(r.Header, "PAYPAL-CERT-URL")
	for _, h := range []struct{ name, value string }{
		{"PAYPAL-TRANSMISSION-ID", id}, {"PAYPAL-TRANSMISSION-TIME", sentAt},
		{"PAYPAL-TRANSMISSION-SIG", sig}, {"PAYPAL-AUTH-ALGO", algo},
	} {
		if h.value == "" {
			return webhooksig.MissingHeader(op, h.name)
		}
	}
	if algo != "SHA256withRSA" {
		return unauthorized(op, "PAYPAL-AUTH-ALGO must be SHA256withRSA")
	}
	t, err := time.Parse(time.RFC3339Nano, sentAt)
	if err != nil {
		return unauthorized(op, "PAYPAL-TRANSMISSION-TIME is not RFC 3339")
	}
	if err := webhooksig.CheckTimestamp(op, "PAYPAL-TRANSMISSION-TIME", t, now); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return unauthorized(op, "PAYPAL-TRANSMISSION-SIG is not base64")
	}
	cert, key := p.pinned, p.pinnedKey
	if key == nil {
		if certURL == "" {
			return webhooksig.MissingHeader(op, "PAYPAL-CERT-URL")
		}
		if cert, err = p.certs.get(ctx, certURL); err != nil {
			if errors.Is(err, errCertURL) {
				return unauthorized(op, "%v", errCertURL)
			}
			e := order.Errorf(order.CodeUnauthorized, op, "could not fetch the PAYPAL-CERT-URL certificate")
			e.Err = err
			return e
		}
		key = cert.PublicKey.(*rsa.PublicKey)
	}
	if cert != nil && (now.Before(cert.NotBefore) || now.After(cert.NotAfter)) {
		return unauthorized(op, "the signing certificate is not valid now")
	}
	crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(r.Body)), 10)
	msg := id + "|" + sentAt + "|" + p.webhookID + "|" + crc
	if !verifyRSA(key, raw, []byte(msg)) {
		return unauthorized(op, "PAYPAL-TRANSMISSION-SIG does not match (check the webhook id)")
	}
	return nil
}
