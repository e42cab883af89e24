package sellerapi

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/wiring"
)

// put sends PUT /v1/orders/{id} with a buyer whose phone is phone to the seller API built
// by Config over an in-memory store, and returns the status.
func put(t *testing.T, id, phone string) int {
	t.Helper()
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := wiring.APIConfigFrom(wiring.EnvSource(func(string) string { return "" }))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Tokens = []string{"tok"}
	h := httpapi.New(Config(cfg, st, nil, Shop{}, slog.New(slog.DiscardHandler)))
	body := `{"amount_minor":12990,"currency":"BRL","payment_due_at":"2030-01-01T00:00:00Z",
		"buyer":{"id":"buyer-1","name":"Ana Souza","phone":"` + phone + `","locale":"pt-BR","timezone":"America/Sao_Paulo","country":"BR"}}`
	req := httptest.NewRequest(http.MethodPut, "/v1/orders/"+id, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestSellerAPIChecksPhoneNumbersForReal: the seller API the wiring builds refuses a
// number that has the E.164 shape but is too short for its country (libphonenumber's
// check, installed by Config), and takes a real one.
func TestSellerAPIChecksPhoneNumbersForReal(t *testing.T) {
	if got := put(t, "AE-1", "+1555000"); got != http.StatusBadRequest && got != http.StatusUnprocessableEntity {
		t.Errorf("+1555000: status %d, want the order refused", got)
	}
	if got := put(t, "AE-2", "+5511912345678"); got != http.StatusCreated {
		t.Errorf("+5511912345678: status %d, want 201", got)
	}
}

// TestLambdaChecksSettingsFirst: with nothing set, the cold start names the table and both
// secrets' variables at once, before any AWS call (there are no credentials to make one).
func TestLambdaChecksSettingsFirst(t *testing.T) {
	_, err := Lambda(context.Background(), func(string) string { return "" }, slog.New(slog.DiscardHandler))
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("error %v, want invalid", err)
	}
	want := []string{wiring.EnvSecretsARN, wiring.EnvTable, wiring.EnvUnsubscribeSecretARN}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	_, err = Lambda(context.Background(), func(k string) string {
		return map[string]string{wiring.EnvTable: "t", wiring.EnvSecretsARN: "arn:a", wiring.EnvUnsubscribeSecretARN: "arn:b",
			wiring.EnvUnshippedDays: "0", wiring.EnvSellerTimeZone: "Mars/Olympus"}[k]
	}, slog.New(slog.DiscardHandler))
	if !errors.As(err, &e) || e.Fields[wiring.EnvUnshippedDays] == "" || e.Fields[wiring.EnvSellerTimeZone] == "" {
		t.Errorf("bad console settings: %v, want both named", err)
	}
}
