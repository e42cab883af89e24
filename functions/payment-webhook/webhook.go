package main

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/tracking"
)

// loadProviders returns the payment providers the function's secret enables, keyed by
// route name: payment.ConfigFrom over the secret's values, then payment.Providers. A
// provider without settings is left out, so its route answers 404; a secret of {} enables
// none, and the function still starts.
//
// A bad setting fails the cold start: the error wraps payment's CodeInvalid error, whose
// Fields name each bad setting by the key the operator wrote in the secret
// (ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1] is the second item of that list), never its value.
// It logs, once, the routes it enables and the names of secret keys neither webhook
// function knows (a misspelt key leaves a provider off): the secret holds both functions'
// settings (payment.Settings and tracking.Settings), so tracking-webhook's keys are not
// reported.
func loadProviders(secret secrets.Bundle, readFile func(string) ([]byte, error), logger *slog.Logger) (map[string]payment.Provider, error) {
	cfg, err := payment.ConfigFrom(secret.Value, readFile)
	var providers map[string]payment.Provider
	if err == nil {
		providers, err = payment.Providers(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("payment-webhook.loadProviders: invalid payment webhook settings in the function's secret: %w", err)
	}
	var enabled []string
	for name := range providers {
		enabled = append(enabled, "/webhooks/payments/"+name)
	}
	slices.Sort(enabled)
	logger.Info("payment webhooks", "enabled", enabled)
	for _, w := range cfg.Warnings() {
		logger.Warn("payment webhook settings", "warning", w)
	}
	known := func(k string) bool {
		return slices.Contains(payment.Settings, k) || slices.Contains(tracking.Settings, k)
	}
	if unknown := slices.DeleteFunc(secret.Keys(), known); len(unknown) > 0 {
		logger.Warn("payment webhook settings not understood, ignored", "keys", unknown, "known", payment.Settings)
	}
	return providers, nil
}

// newHandler is the HTTP handler of the function: the payment webhook route of httpapi,
// recording into events. It is given no Orders and no Tokens on purpose: the function
// holds no seller API token (its role reaches only the webhook settings), so every
// /v1 request is answered 401 before any order code runs; API Gateway sends it only the
// webhook route anyway.
func newHandler(providers map[string]payment.Provider, events httpapi.EventRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Payments: providers, Events: events, Logger: logger, Metrics: emf.Stdout("payment-webhook")})
}
