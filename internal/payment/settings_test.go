package payment

import (
	"errors"
	"slices"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

func TestConfigFrom(t *testing.T) {
	settings := map[string]string{
		SettingStripeSecrets:   " whsec_a , ,whsec_b",
		SettingPayPalWebhookID: " WH-ID ",
		SettingPayPalCertFile:  "/etc/paypal.pem",
		SettingAntomPublicKey:  "antom-pem",
	}
	read := func(path string) ([]byte, error) {
		if path != "/etc/paypal.pem" {
			t.Fatalf("read %q", path)
		}
		return []byte("paypal-pem"), nil
	}
	cfg, err := ConfigFrom(func(k string) string { return settings[k] }, read)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.StripeSecrets, []string{"whsec_a", "whsec_b"}) || cfg.StandardSecrets != nil ||
		cfg.PayPalWebhookID != "WH-ID" || string(cfg.PayPalCertPEM) != "paypal-pem" ||
		string(cfg.AntomPublicKeyPEM) != "antom-pem" || len(cfg.AlipayPublicKeyPEM) != 0 {
		t.Fatalf("ConfigFrom = %+v", cfg)
	}
	_, err = ConfigFrom(func(k string) string { return settings[k] }, func(string) ([]byte, error) {
		return nil, errors.New("no such file")
	})
	if e, ok := err.(*order.Error); !ok || e.Fields[SettingPayPalCertFile] == "" {
		t.Fatalf("unreadable certificate file: %v", err)
	}
}
