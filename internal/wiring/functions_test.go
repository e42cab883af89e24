package wiring

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// fieldsOf returns the settings a CodeInvalid error names.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("error %v, want a CodeInvalid *order.Error", err)
	}
	return slices.Sorted(maps.Keys(e.Fields))
}

// TestColdStartsNameEveryMissingSetting: with nothing set, each function's cold start fails
// before any AWS call naming all the settings it needs at once.
func TestColdStartsNameEveryMissingSetting(t *testing.T) {
	none := func(string) string { return "" }
	logger := slog.New(slog.DiscardHandler)
	ctx := context.Background()
	for name, c := range map[string]struct {
		start func() error
		want  []string
	}{
		"payment-webhook": {func() error { _, err := PaymentWebhook(ctx, none, logger); return err }, []string{EnvSecretsARN, EnvTable}},
		"tracking-webhook": {func() error { _, err := TrackingWebhook(ctx, none, logger); return err },
			[]string{EnvSecretsARN, EnvTable}},
		"reminders":       {func() error { _, err := Reminders(ctx, none); return err }, []string{EnvTable}},
		"delivery-events": {func() error { _, err := DeliveryEvents(ctx, none, logger); return err }, []string{EnvTable}},
	} {
		if got := fieldsOf(t, c.start()); !slices.Equal(got, c.want) {
			t.Errorf("%s: names %v, want %v", name, got, c.want)
		}
	}
}

// TestDeliveryEventsNeedsTheTable: with the table, the handler is built over the store (no
// AWS call at cold start: it reads no secret).
func TestDeliveryEventsNeedsTheTable(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	env := map[string]string{EnvTable: "orderwire-Table-1F2G3H"}
	h, err := DeliveryEvents(context.Background(), func(k string) string { return env[k] }, nil)
	if err != nil || h == nil || h.Store == nil {
		t.Fatalf("cold start = %v, %v", h, err)
	}
}

// TestRemindersFailsOnThePolicyFile: a policy file that cannot be used fails the cold start
// before any AWS call with the policy's error (it carries its cause, so it is returned as
// it is rather than merged with the missing table).
func TestRemindersFailsOnThePolicyFile(t *testing.T) {
	_, err := Reminders(context.Background(), func(k string) string {
		return map[string]string{EnvPolicyFile: "/nonexistent/policy.yaml"}[k]
	})
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || e.Op != "wiring.PolicyFrom" {
		t.Fatalf("error %v, want the policy file's", err)
	}
}
