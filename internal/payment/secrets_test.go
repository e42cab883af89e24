package payment

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"maps"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// weakKey is a 1024-bit RSA key, generated once.
var weakKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	return k
})

// certFor is a self-signed certificate for key, valid around testNow.
func certFor(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "messageverificationcerts.paypal.com"},
		NotBefore: testNow.AddDate(0, 0, -1), NotAfter: testNow.AddDate(0, 0, 1)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// wantRefused runs Providers on cfg and checks that exactly the settings in want are refused,
// each with a reason, and that no secret in secrets appears in the error.
func wantRefused(t *testing.T, cfg Config, want []string, secrets ...string) map[string]string {
	t.Helper()
	ps, err := Providers(cfg)
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || ps != nil {
		t.Fatalf("Providers = %v, %v; want a CodeInvalid error", ps, err)
	}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("refused %v, want %v", got, want)
	}
	text := e.Error() + " " + strings.Join(slices.Collect(maps.Values(e.Fields)), " ")
	for _, name := range want {
		if !strings.Contains(e.Error(), name) {
			t.Errorf("the error does not name %s: %v", name, e)
		}
	}
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("the error quotes a secret (%d bytes): %s", len(s), text)
		}
	}
	return e.Fields
}

// TestProvidersFailClosed: at start, secrets anyone could guess are refused, each by the
// setting it comes from, without quoting it: a bare whsec_ (Stripe keys the HMAC with the
// whole, public-prefixed string), a Stripe secret with under 16 bytes after the prefix, a
// Standard secret decoding to one zero byte or 15 bytes, a short Alipay MD5 key.
func TestProvidersFailClosed(t *testing.T) {
	zeroByte := "whsec_" + base64.StdEncoding.EncodeToString([]byte{0})
	fifteen := "whsec_" + base64.StdEncoding.EncodeToString([]byte("k3y-of-15-bytes"))
	const shortStripe, shortMD5 = "whsec_Sh0rtStr1pe", "md5k3y-sh0rt"
	fields := wantRefused(t, Config{
		StripeSecrets:   []string{stripeSecret, "whsec_", shortStripe},
		StandardSecrets: []string{zeroByte, standardSecret, fifteen},
		AlipayMD5Key:    shortMD5,
	}, []string{
		SettingStripeSecrets + "[1]", SettingStripeSecrets + "[2]",
		SettingStandardSecrets + "[0]", SettingStandardSecrets + "[2]", SettingAlipayMD5Key,
	}, shortStripe, "Sh0rtStr1pe", zeroByte, fifteen, strings.TrimPrefix(fifteen, "whsec_"), shortMD5, stripeSecret, standardSecret)
	if !strings.Contains(fields[SettingStripeSecrets+"[1]"], "0 bytes after whsec_") {
		t.Errorf("bare whsec_: %q", fields[SettingStripeSecrets+"[1]"])
	}
	// Exactly 16 bytes pass.
	ok := Config{StripeSecrets: []string{"whsec_0123456789abcdef"},
		StandardSecrets: []string{"whsec_" + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))},
		AlipayMD5Key:    "0123456789abcdef"}
	if ps, err := Providers(ok); err != nil || len(ps) != 3 {
		t.Fatalf("16-byte secrets: %v, %v", ps, err)
	}
}

// TestProvidersRefuseWeakRSA: a 1024-bit RSA public key (PEM, bare base64 or in a
// certificate) is refused for Antom, Alipay and PayPal's pinned certificate.
func TestProvidersRefuseWeakRSA(t *testing.T) {
	weak := weakKey()
	fields := wantRefused(t, Config{
		AntomPublicKeyPEM:  publicKeyPEM(t, weak),
		AlipayPublicKeyPEM: publicKeyBase64(t, weak),
		PayPalWebhookID:    payPalWebhookID,
		PayPalCertPEM:      certFor(t, weak),
	}, []string{SettingAntomPublicKey, SettingAlipayPublicKey, SettingPayPalCert})
	for name, reason := range fields {
		if !strings.Contains(reason, "1024-bit") || !strings.Contains(reason, "2048") {
			t.Errorf("%s: %q does not give the size and the minimum", name, reason)
		}
	}
	der, _ := x509.MarshalPKIXPublicKey(&weak.PublicKey)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&weak.PublicKey)})
	for _, data := range [][]byte{pkcs1, []byte(base64.StdEncoding.EncodeToString(der))} {
		if _, err := parseRSAPublicKey(data); err == nil {
			t.Errorf("a 1024-bit key in %.20q was accepted", data)
		}
	}
	// 2048-bit keys, the test signing key, start.
	if _, err := Providers(Config{AntomPublicKeyPEM: publicKeyPEM(t, signingKey()), AlipayPublicKeyPEM: publicKeyBase64(t, signingKey()),
		PayPalWebhookID: payPalWebhookID, PayPalCertPEM: certFor(t, signingKey())}); err != nil {
		t.Fatalf("2048-bit keys refused: %v", err)
	}
}

// TestConfigWarnings: an MD5 key is accepted with a warning that names the setting, never
// the key; no MD5 key, no warning.
func TestConfigWarnings(t *testing.T) {
	if w := (Config{AlipayPublicKeyPEM: []byte("k")}).Warnings(); len(w) != 0 {
		t.Fatalf("warnings without an MD5 key: %q", w)
	}
	w := Config{AlipayMD5Key: alipayMD5Key}.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], SettingAlipayMD5Key) || !strings.Contains(w[0], "MD5") || strings.Contains(w[0], alipayMD5Key) {
		t.Fatalf("warnings %q", w)
	}
	cfg, err := ConfigFrom(func(k string) string {
		if k == SettingAlipayMD5Key {
			return " " + alipayMD5Key + " "
		}
		return ""
	}, nil)
	if err != nil || cfg.AlipayMD5Key != alipayMD5Key || len(cfg.Warnings()) != 1 {
		t.Fatalf("ConfigFrom: %+v, %v", cfg, err)
	}
}
