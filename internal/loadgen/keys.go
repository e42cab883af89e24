// Package loadgen sends validly signed webhook deliveries to an orderwire server on this
// machine, for measuring ingest throughput (`orderwire loadtest`, BENCHMARKS.md) and for the
// storm tests in cmd/orderwire, which sign with the same code.
//
// It talks to loopback addresses only: Check refuses any other URL, and every connection
// (Run's load clients, Register's HTTP client, which follows no redirect) is dialled to a
// loopback address or not at all. A run is bounded both in deliveries and in time, and stops
// by itself at whichever bound comes first.
package loadgen

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Keys are every provider's secrets and keys: HMAC secrets of 32 bytes, RSA keys of 2048
// bits, and for PayPal a self-signed certificate that orderwire pins (ORDERWIRE_PAYPAL_CERT),
// so that no certificate is fetched from PayPal. A zero field means that provider is not
// configured; NewKeys fills every one.
type Keys struct {
	Stripe, AfterShip, SeventeenTrack, EasyPost string // as the settings take them (Stripe: whsec_...)
	Standard                                    []byte // the key behind whsec_<base64>
	PayPalHookID                                string
	PayPal, Antom, Alipay                       *rsa.PrivateKey
	PayPalCert                                  []byte // PEM
}

const (
	// PayPalCertURL is the certificate URL PayPal deliveries name (orderwire uses the pinned one).
	PayPalCertURL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
	// AntomClient is the Client-Id header of Antom deliveries.
	AntomClient = "SANDBOX_5YBZ1A2C3D4E05678"
)

// NewKeys generates a fresh set of keys for every provider.
func NewKeys() (*Keys, error) {
	var failed error
	random := func(n int) []byte {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			failed = err
		}
		return b
	}
	k := &Keys{
		Stripe:    "whsec_" + base64.RawURLEncoding.EncodeToString(random(32)),
		AfterShip: base64.RawURLEncoding.EncodeToString(random(32)), SeventeenTrack: strings.ToUpper(hex.EncodeToString(random(16))),
		EasyPost: base64.RawURLEncoding.EncodeToString(random(32)), Standard: random(32),
		PayPalHookID: "1JE4291016473214C",
	}
	if failed != nil {
		return nil, fmt.Errorf("loadgen: random keys: %w", failed)
	}
	for _, key := range []**rsa.PrivateKey{&k.PayPal, &k.Antom, &k.Alipay} {
		var err error
		if *key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("loadgen: RSA key: %w", err)
		}
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com", Organization: []string{"PayPal, Inc."}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PayPal.PublicKey, k.PayPal)
	if err != nil {
		return nil, fmt.Errorf("loadgen: PayPal certificate: %w", err)
	}
	k.PayPalCert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return k, nil
}

// Env is every configured provider's setting, NAME=value, as `orderwire serve` reads them.
func (k *Keys) Env() ([]string, error) {
	public := func(key *rsa.PrivateKey) (string, error) {
		der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			return "", fmt.Errorf("loadgen: public key: %w", err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
	}
	var env []string
	add := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	add("ORDERWIRE_STRIPE_WEBHOOK_SECRETS", k.Stripe)
	if len(k.Standard) > 0 {
		add("ORDERWIRE_STANDARD_WEBHOOK_SECRETS", "whsec_"+base64.StdEncoding.EncodeToString(k.Standard))
	}
	if k.PayPal != nil {
		add("ORDERWIRE_PAYPAL_WEBHOOK_ID", k.PayPalHookID)
		add("ORDERWIRE_PAYPAL_CERT", string(k.PayPalCert))
	}
	for name, key := range map[string]*rsa.PrivateKey{"ORDERWIRE_ANTOM_PUBLIC_KEY": k.Antom, "ORDERWIRE_ALIPAY_PUBLIC_KEY": k.Alipay} {
		if key == nil {
			continue
		}
		pub, err := public(key)
		if err != nil {
			return nil, err
		}
		add(name, pub)
	}
	add("ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS", k.AfterShip)
	add("ORDERWIRE_17TRACK_KEYS", k.SeventeenTrack)
	add("ORDERWIRE_EASYPOST_WEBHOOK_SECRETS", k.EasyPost)
	return env, nil
}

// KeysFromEnv reads the Stripe and Standard Webhooks secrets of a running server from its
// settings (the first secret of each list), for sending to a server this process did not
// start. Other providers stay unconfigured.
func KeysFromEnv(getenv func(string) string) (*Keys, error) {
	first := func(name string) string {
		v, _, _ := strings.Cut(getenv(name), ",")
		return strings.TrimSpace(v)
	}
	k := &Keys{Stripe: first("ORDERWIRE_STRIPE_WEBHOOK_SECRETS")}
	if std := first("ORDERWIRE_STANDARD_WEBHOOK_SECRETS"); std != "" {
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(std, "whsec_"))
		if err != nil {
			return nil, fmt.Errorf("loadgen: ORDERWIRE_STANDARD_WEBHOOK_SECRETS: %w", err)
		}
		k.Standard = key
	}
	if k.Stripe == "" || len(k.Standard) == 0 {
		return nil, fmt.Errorf("loadgen: ORDERWIRE_STRIPE_WEBHOOK_SECRETS and ORDERWIRE_STANDARD_WEBHOOK_SECRETS must both be set (the server's own)")
	}
	return k, nil
}
