package main

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"hash/crc32"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"
)

// stormKeys are every provider's secrets and keys, generated for one test: HMAC secrets of
// 32 bytes, RSA keys of 2048 bits, and for PayPal a self-signed certificate that orderwire
// pins (ORDERWIRE_PAYPAL_CERT), so that no certificate is fetched from PayPal.
type stormKeys struct {
	stripe, afterShip, seventeenTrack, easyPost string
	standard                                    []byte // the key behind whsec_<base64>
	payPalHookID                                string
	payPal, antom, alipay                       *rsa.PrivateKey
	payPalCert                                  []byte // PEM
}

const (
	payPalCertURL = "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77"
	antomClient   = "SANDBOX_5YBZ1A2C3D4E05678"
)

func newStormKeys(t testing.TB) *stormKeys {
	t.Helper()
	random := func(n int) []byte {
		b := make([]byte, n)
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	k := &stormKeys{
		stripe:    "whsec_" + base64.RawURLEncoding.EncodeToString(random(32)),
		afterShip: base64.RawURLEncoding.EncodeToString(random(32)), seventeenTrack: strings.ToUpper(hex.EncodeToString(random(16))),
		easyPost: base64.RawURLEncoding.EncodeToString(random(32)), standard: random(32),
		payPalHookID: "1JE4291016473214C",
	}
	for _, key := range []**rsa.PrivateKey{&k.payPal, &k.antom, &k.alipay} {
		var err error
		if *key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1),
		Subject:   pkix.Name{CommonName: "messageverificationcerts.sandbox.paypal.com", Organization: []string{"PayPal, Inc."}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.payPal.PublicKey, k.payPal)
	if err != nil {
		t.Fatal(err)
	}
	k.payPalCert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return k
}

// env is every provider's setting, as `orderwire serve` reads them.
func (k *stormKeys) env(t testing.TB) []string {
	t.Helper()
	public := func(key *rsa.PrivateKey) string {
		der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	return []string{
		"ORDERWIRE_STRIPE_WEBHOOK_SECRETS=" + k.stripe,
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS=whsec_" + base64.StdEncoding.EncodeToString(k.standard),
		"ORDERWIRE_PAYPAL_WEBHOOK_ID=" + k.payPalHookID, "ORDERWIRE_PAYPAL_CERT=" + string(k.payPalCert),
		"ORDERWIRE_ANTOM_PUBLIC_KEY=" + public(k.antom), "ORDERWIRE_ALIPAY_PUBLIC_KEY=" + public(k.alipay),
		"ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS=" + k.afterShip, "ORDERWIRE_17TRACK_KEYS=" + k.seventeenTrack,
		"ORDERWIRE_EASYPOST_WEBHOOK_SECRETS=" + k.easyPost,
	}
}

// signed is one webhook request, ready to send (and to send again: a provider's retry).
type signed struct {
	path   string
	header http.Header
	body   []byte
}

// signPayment signs body for payment provider name at time at, as that provider signs;
// id is the delivery id for the schemes that sign one (Standard Webhooks, PayPal).
func (k *stormKeys) signPayment(t testing.TB, name, id string, body []byte, at time.Time) signed {
	t.Helper()
	path := "/webhooks/payments/" + name
	switch name {
	case "stripe": // Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">
		p := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: k.stripe, Timestamp: at})
		return signed{path, http.Header{"Stripe-Signature": {p.Header}, "Content-Type": {"application/json; charset=utf-8"}}, body}
	case "paypal": // SHA256withRSA over "<transmission id>|<time>|<webhook id>|<crc32 of body>"
		tx, sent := "tx-"+id, at.UTC().Format(time.RFC3339)
		crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)
		return signed{path, http.Header{"Paypal-Transmission-Id": {tx}, "Paypal-Transmission-Time": {sent},
			"Paypal-Transmission-Sig": {rsaSign(t, k.payPal, tx+"|"+sent+"|"+k.payPalHookID+"|"+crc)},
			"Paypal-Cert-Url":         {payPalCertURL}, "Paypal-Auth-Algo": {"SHA256withRSA"}, "Content-Type": {"application/json"}}, body}
	case "antom": // SHA256withRSA over "POST <path>\n<client-id>.<request-time>.<body>", URL-encoded
		reqTime := at.In(beijing).Format("2006-01-02T15:04:05.000-07:00")
		sig := rsaSign(t, k.antom, "POST "+path+"\n"+antomClient+"."+reqTime+"."+string(body))
		return signed{path, http.Header{"Client-Id": {antomClient}, "Request-Time": {reqTime}, "Content-Type": {"application/json; charset=UTF-8"},
			"Signature": {"algorithm=RSA256,keyVersion=1,signature=" + url.QueryEscape(sig)}}, body}
	case "alipay": // RSA2 over the sorted, decoded, non-empty parameters but sign and sign_type
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Fatal(err)
		}
		var pairs []string
		for name, values := range form {
			if values[0] != "" && name != "sign" && name != "sign_type" {
				pairs = append(pairs, name+"="+values[0])
			}
		}
		slices.Sort(pairs)
		full := string(body) + "&sign_type=RSA2&sign=" + url.QueryEscape(rsaSign(t, k.alipay, strings.Join(pairs, "&")))
		return signed{path, http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}, []byte(full)}
	default:
		return k.signStandard(path, id, body, at)
	}
}

// signStandard: webhook-signature is v1,<base64 HMAC-SHA256 of "<id>.<unix time>.<body>">.
func (k *stormKeys) signStandard(path, id string, body []byte, at time.Time) signed {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, k.standard)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	return signed{path, http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Content-Type": {"application/json"},
		"Webhook-Signature": {"v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))}}, body}
}

// signCarrier signs body for carrier sender name, as that sender signs.
func (k *stormKeys) signCarrier(name, id string, body []byte, at time.Time) signed {
	path := "/webhooks/carriers/" + name
	header := func(h, v string) signed {
		return signed{path, http.Header{http.CanonicalHeaderKey(h): {v}, "Content-Type": {"application/json"}}, body}
	}
	switch name {
	case "aftership": // base64 HMAC-SHA256 of the body
		mac := hmac.New(sha256.New, []byte(k.afterShip))
		mac.Write(body)
		return header("aftership-hmac-sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	case "17track": // hex SHA-256 of "<body>/<key>"
		sum := sha256.Sum256([]byte(string(body) + "/" + k.seventeenTrack))
		return header("sign", hex.EncodeToString(sum[:]))
	case "easypost": // hmac-sha256-hex= and the hex HMAC-SHA256 of the body (ASCII secret: NFKD is itself)
		mac := hmac.New(sha256.New, []byte(k.easyPost))
		mac.Write(body)
		return header("X-Hmac-Signature", "hmac-sha256-hex="+hex.EncodeToString(mac.Sum(nil)))
	default:
		return k.signStandard(path, id, body, at)
	}
}

// rsaSign is SHA256withRSA (PKCS#1 v1.5), standard base64.
func rsaSign(t testing.TB, key *rsa.PrivateKey, content string) string {
	sum := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}
