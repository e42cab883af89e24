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
	for _, field := range []string{"StandardSecrets[1]", "StandardSecrets[2]", "PayPalWebhookID", "AntomPublicKeyPEM", "AlipayPublicKeyPEM"} {
		if e.Fields[field] == "" {
			t.Errorf("no reason for %s in %v", field, e.Fields)
		}
	}
	if strings.Contains(e.Error(), secretish) || strings.Contains(strings.Join(slices.Collect(maps.Values(e.Fields)), " "), secretish) {
		t.Fatalf("error echoes a secret: %v %v", e, e.Fields)
	}
	_, err = Providers(Config{PayPalWebhookID: payPalWebhookID, PayPalCertPEM: []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")})
	if !errors.As(err, &e) || e.Fields["PayPalCertPEM"] == "" {
		t.Fatalf("bad pinned certificate: %v", err)
	}
}
