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
		string(cfg.AntomPublicKeyPEM) != "antom-pem" || len(cfg.AlipayPublicKeyPEM) != 0 ||
		cfg.PayPalCertSetting != SettingPayPalCertFile {
		t.Fatalf("ConfigFrom = %+v", cfg)
	}
	delete(settings, SettingPayPalCertFile)
	settings[SettingPayPalCert] = "paypal-pem-itself"
	cfg, err = ConfigFrom(func(k string) string { return settings[k] }, read)
	if err != nil || string(cfg.PayPalCertPEM) != "paypal-pem-itself" || cfg.PayPalCertSetting != SettingPayPalCert {
		t.Fatalf("ConfigFrom = %+v, %v; want the certificate from %s", cfg, err, SettingPayPalCert)
	}
	settings[SettingPayPalCertFile] = "/etc/paypal.pem"
	_, err = ConfigFrom(func(k string) string { return settings[k] }, func(string) ([]byte, error) {
		return nil, errors.New("no such file")
	})
	if e, ok := err.(*order.Error); !ok || e.Fields[SettingPayPalCertFile] == "" {
		t.Fatalf("unreadable certificate file: %v", err)
	}
}

// TestSettingsAreWhatConfigFromReads: Settings lists every key ConfigFrom looks up, and
// nothing else, so the webhook functions warn about no setting they use.
func TestSettingsAreWhatConfigFromReads(t *testing.T) {
	var read []string
	_, _ = ConfigFrom(func(k string) string { read = append(read, k); return "" },
		func(string) ([]byte, error) { return nil, errors.New("no file") })
	if got, want := slices.Sorted(slices.Values(read)), slices.Sorted(slices.Values(Settings)); !slices.Equal(got, want) {
		t.Fatalf("ConfigFrom reads %v, Settings lists %v", got, want)
	}
}
