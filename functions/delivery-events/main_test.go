package main

import (
	"context"
	"errors"
	"testing"

	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/order"
)

// TestColdStartNeedsTheTable: without ORDERWIRE_TABLE the cold start fails on it, before
// any AWS call; with it, the handler is built over the store (no AWS call at cold start).
func TestColdStartNeedsTheTable(t *testing.T) {
	_, err := coldStart(context.Background(), func(string) string { return "" }, nil)
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || e.Fields[lambdaenv.EnvTable] == "" {
		t.Fatalf("cold start without the table: %v, want CodeInvalid naming %s", err, lambdaenv.EnvTable)
	}
	env := map[string]string{lambdaenv.EnvTable: "orderwire-Table-1F2G3H", "AWS_REGION": "eu-west-1"}
	h, err := coldStart(context.Background(), func(k string) string { return env[k] }, nil)
	if err != nil || h == nil || h.Store == nil {
		t.Fatalf("cold start = %v, %v", h, err)
	}
}
