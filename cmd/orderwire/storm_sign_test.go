package main

import (
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/loadgen"
)

// stormKeys are every provider's secrets and keys for one test (internal/loadgen signs as
// each provider does; `orderwire loadtest` uses the same code).
type stormKeys struct{ *loadgen.Keys }

// signed is one webhook request, ready to send (and to send again: a provider's retry).
type signed = loadgen.Delivery

func newStormKeys(t testing.TB) *stormKeys {
	t.Helper()
	k, err := loadgen.NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	return &stormKeys{k}
}

// env is every provider's setting, as `orderwire serve` reads them.
func (k *stormKeys) env(t testing.TB) []string {
	t.Helper()
	env, err := k.Env()
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// signPayment signs body for payment provider name at time at, as that provider signs;
// id is the delivery id for the schemes that sign one (Standard Webhooks, PayPal).
func (k *stormKeys) signPayment(t testing.TB, name, id string, body []byte, at time.Time) signed {
	t.Helper()
	d, err := k.SignPayment(name, id, body, at)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// signCarrier signs body for carrier sender name, as that sender signs.
func (k *stormKeys) signCarrier(name, id string, body []byte, at time.Time) signed {
	return k.SignCarrier(name, id, body, at)
}
