package payment

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

func TestProvidersEnablesOnlyConfigured(t *testing.T) {
	ps, err := Providers(Config{StripeSecrets: []string{" ", ""}, StandardSecrets: []string{}})
	if err != nil || len(ps) != 0 {
		t.Fatalf("blank config: %v, %v", slices.Collect(maps.Keys(ps)), err)
	}
	ps, err = Providers(Config{
		StripeSecrets:      []string{stripeSecret},
		StandardSecrets:    []string{standardSecret},
		PayPalWebhookID:    payPalWebhookID,
		AntomPublicKeyPEM:  publicKeyPEM(t, signingKey()),
		AlipayPublicKeyPEM: publicKeyBase64(t, signingKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{NameStripe, NameStandard, NamePayPal, NameAntom, NameAlipay} {
		if p, ok := ps[name]; !ok || p.Name() != name {
			t.Errorf("provider %q missing or misnamed", name)
		}
	}
}

func TestProvidersAcceptsKeyForms(t *testing.T) {
	key := &signingKey().PublicKey
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(key)})
	for name, pemBytes := range map[string][]byte{
		"PUBLIC KEY":          publicKeyPEM(t, signingKey()),
		"RSA PUBLIC KEY":      pkcs1,
		"CERTIFICATE":         validCertPEM(t, signingKey()),
		"bare base64":         publicKeyBase64(t, signingKey()),
		"bare base64, folded": []byte(strings.Join(chunk(string(publicKeyBase64(t, signingKey())), 64), "\n")),
	} {
		if _, err := Providers(Config{AntomPublicKeyPEM: pemBytes, AlipayPublicKeyPEM: pemBytes}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func chunk(s string, n int) []string {
	var out []string
	for len(s) > n {
		out, s = append(out, s[:n]), s[n:]
	}
	return append(out, s)
}

func TestProvidersReportsEveryBadSettingWithoutSecrets(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})
	const secretish = "c2VjcmV0LXZhbHVlLW5ldmVyLWVjaG9lZA"
	_, err = Providers(Config{
		StandardSecrets:    []string{standardSecret, secretish, "whsec_!!!" + secretish},
		PayPalCertPEM:      []byte("-----BEGIN CERTIFICATE-----\n" + secretish + "\n-----END CERTIFICATE-----\n"),
		AntomPublicKeyPEM:  []byte("not a key " + secretish),
		AlipayPublicKeyPEM: ecPEM,
	})
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("err = %v, want an invalid *order.Error", err)
	}
	want := []string{SettingStandardSecrets + "[1]", SettingStandardSecrets + "[2]", SettingPayPalWebhookID,
		SettingAntomPublicKey, SettingAlipayPublicKey}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Errorf("fields %v, want the settings %v", got, want)
	}
	for _, field := range want {
		if e.Fields[field] == "" {
			t.Errorf("no reason for %s in %v", field, e.Fields)
		}
	}
	if reason := e.Fields[SettingPayPalWebhookID]; !strings.Contains(reason, SettingPayPalCert) {
		t.Errorf("%s: %q, want it to name %s", SettingPayPalWebhookID, reason, SettingPayPalCert)
	}
	if strings.Contains(e.Error(), secretish) || strings.Contains(strings.Join(slices.Collect(maps.Values(e.Fields)), " "), secretish) {
		t.Fatalf("error echoes a secret: %v %v", e, e.Fields)
	}
	badCert := []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	for _, c := range []struct{ from, want string }{
		{"", SettingPayPalCert}, {SettingPayPalCert, SettingPayPalCert}, {SettingPayPalCertFile, SettingPayPalCertFile},
	} {
		_, err = Providers(Config{PayPalWebhookID: payPalWebhookID, PayPalCertPEM: badCert, PayPalCertSetting: c.from})
		if !errors.As(err, &e) || e.Fields[c.want] == "" || len(e.Fields) != 1 {
			t.Fatalf("bad pinned certificate from %q: %v, want it named %s", c.from, err, c.want)
		}
	}
}
