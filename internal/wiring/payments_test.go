package wiring

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/secrets/secretstest"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
)

// webhookSource is the Source of a webhook function whose secret holds settings.
func webhookSource(t *testing.T, settings map[string]string) Source {
	return Source{env: func(string) string { return "" }, secrets: map[string]secrets.Bundle{EnvSecretsARN: secretstest.Bundle(t, settings)}}
}

func noFile(path string) ([]byte, error) { return nil, errors.New("open " + path + ": no such file") }

// TestPaymentsFromTheSecret: the providers with settings in the secret are enabled, the
// others are not; the log names the enabled routes and never a secret value.
func TestPaymentsFromTheSecret(t *testing.T) {
	var logs bytes.Buffer
	providers, err := Payments(webhookSource(t, map[string]string{
		payment.SettingStripeSecrets:   "whsec_s3cr3tNewRotatingIn, whsec_s3cr3tOldRotatingOut",
		payment.SettingStandardSecrets: "whsec_czNjcjN0LXN0YW5kYXJkLWtleQ==",
	}), noFile, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(providers)); !slices.Equal(got, []string{"standard", "stripe"}) {
		t.Fatalf("providers %v", got)
	}
	if !strings.Contains(logs.String(), "/webhooks/payments/stripe") || strings.Contains(logs.String(), "s3cr3t") ||
		strings.Contains(logs.String(), "czNjcjN0") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestPaymentsFromAnEmptySecret: the secret as the stack creates it, {}, enables no
// provider and still starts (every provider route answers 404 until the seller adds keys).
func TestPaymentsFromAnEmptySecret(t *testing.T) {
	providers, err := Payments(webhookSource(t, map[string]string{}), noFile, slog.New(slog.DiscardHandler))
	if err != nil || len(providers) != 0 {
		t.Fatalf("providers %v, %v", providers, err)
	}
}

// TestPaymentsFailsNamingTheSetting: bad settings fail the cold start with one invalid
// error naming every bad setting by its key in the secret, never quoting a value.
func TestPaymentsFailsNamingTheSetting(t *testing.T) {
	for _, c := range []struct {
		name     string
		settings map[string]string
		readFile func(string) ([]byte, error)
		want     []string
	}{
		{"keys and secrets", map[string]string{
			payment.SettingAntomPublicKey:  "s3cr3t-not-a-key",
			payment.SettingAlipayPublicKey: "-----BEGIN PRIVATE KEY-----\ns3cr3t\n-----END PRIVATE KEY-----\n",
			payment.SettingStandardSecrets: "whsec_czNjcjN0, s3cr3t-without-prefix",
		}, noFile, []string{payment.SettingAntomPublicKey, payment.SettingAlipayPublicKey,
			payment.SettingStandardSecrets + "[0]", payment.SettingStandardSecrets + "[1]"}}, // [0] decodes to 6 bytes
		{"short HMAC secrets", map[string]string{
			payment.SettingStripeSecrets:   "whsec_",
			payment.SettingStandardSecrets: "whsec_AA==", // one zero byte
		}, noFile, []string{payment.SettingStripeSecrets + "[0]", payment.SettingStandardSecrets + "[0]"}},
		{"pinned PayPal certificate", map[string]string{
			payment.SettingPayPalWebhookID: "WH-1", payment.SettingPayPalCert: "s3cr3t-not-a-certificate",
		}, noFile, []string{payment.SettingPayPalCert}},
		{"PayPal certificate file that is not one", map[string]string{
			payment.SettingPayPalWebhookID: "WH-1", payment.SettingPayPalCertFile: "/opt/paypal.pem",
		}, func(string) ([]byte, error) { return []byte("s3cr3t-not-a-certificate"), nil }, []string{payment.SettingPayPalCertFile}},
		{"PayPal certificate file missing", map[string]string{
			payment.SettingPayPalWebhookID: "WH-1", payment.SettingPayPalCertFile: "/opt/paypal.pem",
		}, noFile, []string{payment.SettingPayPalCertFile}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Payments(webhookSource(t, c.settings), c.readFile, slog.New(slog.DiscardHandler))
			var e *order.Error
			if !errors.As(err, &e) || e.Code != order.CodeInvalid {
				t.Fatalf("error %v, want invalid", err)
			}
			if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, slices.Sorted(slices.Values(c.want))) {
				t.Errorf("fields %v, want %v", got, c.want)
			}
			for _, name := range c.want {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("%q does not name %s", err, name)
				}
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "czNjcjN0") {
				t.Errorf("the error quotes a secret: %v", err)
			}
		})
	}
}

// TestUnknownSettingsAreWarned: a misspelt key leaves its provider off and is named (not
// its value) in a warning, so the operator sees why the route answers 404. The tracking
// webhook's keys, in the same secret, are not warned about.
func TestUnknownSettingsAreWarned(t *testing.T) {
	var logs bytes.Buffer
	providers, err := Payments(webhookSource(t, map[string]string{
		"ORDERWIRE_STRIPE_WEBHOOK_SECRET":  "whsec_s3cr3t",
		tracking.SettingAfterShipSecrets:   "s3cr3tAfterShip",
		tracking.SettingSeventeenTrackKeys: "s3cr3t17Track",
		tracking.SettingEasyPostSecrets:    "s3cr3tEasyPost",
	}), noFile, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil || len(providers) != 0 {
		t.Fatalf("providers %v, %v", providers, err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), `"keys":["ORDERWIRE_STRIPE_WEBHOOK_SECRET"]`) ||
		strings.Contains(logs.String(), "s3cr3t") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// noEvents is an EventRecorder that fails the test if anything is recorded.
type noEvents struct{ t *testing.T }

func (n noEvents) RecordEvent(context.Context, order.Event, order.Evidence) (store.Recorded, error) {
	n.t.Error("an event was recorded")
	return store.Recorded{}, nil
}

// TestHandlerHasNoSellerAPI: the function's handler, given no Orders and no tokens, answers
// every seller API request 401 (without reaching the missing order service) and a provider
// that is not enabled 404.
func TestHandlerHasNoSellerAPI(t *testing.T) {
	h := paymentHandler(map[string]payment.Provider{}, noEvents{t}, slog.New(slog.DiscardHandler))
	for _, c := range []struct {
		method, path, auth string
		want               int
	}{
		{http.MethodGet, "/v1/orders/ord-1", "", http.StatusUnauthorized},
		{http.MethodGet, "/v1/orders/ord-1", "Bearer anything", http.StatusUnauthorized},
		{http.MethodPut, "/v1/orders/ord-1", "Bearer ", http.StatusUnauthorized},
		{http.MethodPost, "/webhooks/payments/stripe", "", http.StatusNotFound},
	} {
		req := httptest.NewRequest(c.method, c.path, strings.NewReader(`{}`))
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s %s (%q): %d %s, want %d", c.method, c.path, c.auth, rec.Code, rec.Body, c.want)
		}
	}
}

// TestPaymentsWarnsAboutMD5: an Alipay MD5 key enables the alipay route alone and logs
// a warning naming the setting, never the key.
func TestPaymentsWarnsAboutMD5(t *testing.T) {
	const md5Key = "s3cr3tmd5key0123456789abcdefghij"
	var logs bytes.Buffer
	providers, err := Payments(webhookSource(t, map[string]string{payment.SettingAlipayMD5Key: md5Key}),
		noFile, slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil || providers[payment.NameAlipay] == nil {
		t.Fatalf("providers %v, %v; want alipay", providers, err)
	}
	if !strings.Contains(logs.String(), `"level":"WARN"`) || !strings.Contains(logs.String(), payment.SettingAlipayMD5Key) ||
		strings.Contains(logs.String(), md5Key) {
		t.Fatalf("log:\n%s\nwant a warning naming %s without the key", logs.String(), payment.SettingAlipayMD5Key)
	}
}
