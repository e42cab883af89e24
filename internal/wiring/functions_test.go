package wiring

import (
	"context"
	"errors"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// TestDeliveryEventsNeedsTheTable: without ORDERWIRE_TABLE the cold start fails on it, before
// any AWS call; with it, the handler is built over the store (no AWS call at cold start).
func TestDeliveryEventsNeedsTheTable(t *testing.T) {
	_, err := DeliveryEvents(context.Background(), func(string) string { return "" }, nil)
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || e.Fields[EnvTable] == "" {
		t.Fatalf("cold start without the table: %v, want CodeInvalid naming %s", err, EnvTable)
	}
	env := map[string]string{EnvTable: "orderwire-Table-1F2G3H", "AWS_REGION": "eu-west-1"}
	h, err := DeliveryEvents(context.Background(), func(k string) string { return env[k] }, nil)
	if err != nil || h == nil || h.Store == nil {
		t.Fatalf("cold start = %v, %v", h, err)
	}
}
