package wiring

import (
	"bytes"
	"context"
	"encoding/json"
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
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
)

// TestCarriersFromTheSecret: the senders with settings in the secret are enabled, the
// others are not; the log names the enabled routes and never a secret value.
func TestCarriersFromTheSecret(t *testing.T) {
	var logs bytes.Buffer
	carriers, err := Carriers(webhookSource(t, map[string]string{
		tracking.SettingAfterShipSecrets:   "s3cr3tNewAfterShip, s3cr3tOldAfterShip",
		tracking.SettingSeventeenTrackKeys: "s3cr3t17TrackKey",
		tracking.SettingStandardSecrets:    "whsec_czNjcjN0LXN0YW5kYXJkLWtleQ==",
	}), slog.New(slog.NewJSONHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(carriers)); !slices.Equal(got, []string{"17track", "aftership", "standard"}) {
		t.Fatalf("carriers %v", got)
	}
	if !strings.Contains(logs.String(), "/webhooks/carriers/aftership") || strings.Contains(logs.String(), "s3cr3t") ||
		strings.Contains(logs.String(), "czNjcjN0") || strings.Contains(logs.String(), `"level":"WARN"`) {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestCarriersFromAnEmptySecret: the secret as the stack creates it, {}, enables no
// sender and still starts (every carrier route answers 404 until the seller adds keys).
func TestCarriersFromAnEmptySecret(t *testing.T) {
	carriers, err := Carriers(webhookSource(t, map[string]string{}), slog.New(slog.DiscardHandler))
	if err != nil || len(carriers) != 0 {
		t.Fatalf("carriers %v, %v", carriers, err)
	}
}

// TestCarriersFailsNamingTheSetting: a bad Standard Webhooks secret or an HMAC secret
// under 16 bytes fails the cold start with one invalid error naming every bad item by its
// key in the secret, never quoting a value.
func TestCarriersFailsNamingTheSetting(t *testing.T) {
	_, err := Carriers(webhookSource(t, map[string]string{
		tracking.SettingAfterShipSecrets: "s3cr3tAfterShip",
		tracking.SettingStandardSecrets:  "s3cr3t-without-prefix, whsec_czNjcjN0, whsec_!!s3cr3t-not-base64",
	}), slog.New(slog.DiscardHandler))
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("error %v, want invalid", err)
	}
	want := []string{tracking.SettingAfterShipSecrets + "[0]", // 15 bytes
		tracking.SettingStandardSecrets + "[0]", tracking.SettingStandardSecrets + "[1]", // [1] decodes to 6 bytes
		tracking.SettingStandardSecrets + "[2]"}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	for _, name := range want {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%q does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "czNjcjN0") || strings.Contains(err.Error(), "StandardSecrets[") {
		t.Errorf("the error quotes a secret or a Config field: %v", err)
	}
}

// TestUnknownCarrierSettingsAreWarned: a misspelt key leaves its sender off and is named (not its
// value) in a warning, so the operator sees why the route answers 404. The payment
// webhook's keys, in the same secret, are not warned about, and the Standard Webhooks
// secret both functions read enables the standard sender here too.
func TestUnknownCarrierSettingsAreWarned(t *testing.T) {
	var logs bytes.Buffer
	shared := map[string]string{"ORDERWIRE_AFTERSHIP_WEBHOOK_SECRET": "s3cr3tMisspelt"}
	for _, k := range payment.Settings {
		shared[k] = "s3cr3t-payment-setting"
	}
	shared[payment.SettingStandardSecrets] = "whsec_czNjcjN0LXN0YW5kYXJkLWtleQ==" // the one setting both read
	carriers, err := Carriers(webhookSource(t, shared), slog.New(slog.NewJSONHandler(&logs, nil)))
	if got := slices.Sorted(maps.Keys(carriers)); err != nil || !slices.Equal(got, []string{"standard"}) {
		t.Fatalf("carriers %v, %v; want the shared Standard Webhooks sender only", got, err)
	}
	var warning struct {
		Level string   `json:"level"`
		Keys  []string `json:"keys"`
	}
	for line := range strings.Lines(logs.String()) {
		if strings.Contains(line, `"level":"WARN"`) {
			if err := json.Unmarshal([]byte(line), &warning); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !slices.Equal(warning.Keys, []string{"ORDERWIRE_AFTERSHIP_WEBHOOK_SECRET"}) || strings.Contains(logs.String(), "s3cr3t") ||
		strings.Contains(logs.String(), "czNjcjN0") {
		t.Errorf("warned about %v; log:\n%s", warning.Keys, logs.String())
	}
}

// noTracking is a TrackingRecorder that fails the test if anything is recorded.
type noTracking struct{ t *testing.T }

func (n noTracking) RecordTrackingEvent(context.Context, order.TrackingEvent, order.Evidence) (store.Recorded, error) {
	n.t.Error("a tracking event was recorded")
	return store.Recorded{}, nil
}

// TestTrackingHandlerHasNoSellerAPI: the function's handler, given no Orders, no tokens and no
// payment providers, answers every seller API request 401 (without reaching the missing
// order service), a payment webhook 404, and a carrier that is not enabled 404.
func TestTrackingHandlerHasNoSellerAPI(t *testing.T) {
	h := trackingHandler(map[string]tracking.Provider{}, noTracking{t}, slog.New(slog.DiscardHandler))
	for _, c := range []struct {
		method, path, auth string
		want               int
	}{
		{http.MethodGet, "/v1/orders/ord-1", "", http.StatusUnauthorized},
		{http.MethodGet, "/v1/orders/ord-1", "Bearer anything", http.StatusUnauthorized},
		{http.MethodPost, "/v1/orders/ord-1/shipments", "Bearer ", http.StatusUnauthorized},
		{http.MethodPost, "/webhooks/carriers/aftership", "", http.StatusNotFound},
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
