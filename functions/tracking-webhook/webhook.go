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

// loadCarriers returns the carrier-tracking senders the function's secret enables, keyed by
// route name: tracking.ConfigFrom over the secret's values, then tracking.Providers. A
// sender without settings is left out, so its route answers 404; a secret of {}, or one
// holding payment settings only, enables none, and the function still starts.
//
// A bad setting fails the cold start: the error wraps tracking's CodeInvalid error, whose
// Fields name each bad setting by the key the operator wrote in the secret
// (ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1] is the second item of that list), never its value.
// It logs, once, the routes it enables and the names of secret keys neither webhook
// function knows (a misspelt key leaves a sender off): the secret holds both functions'
// settings (tracking.Settings and payment.Settings), so payment-webhook's keys are not
// reported.
func loadCarriers(secret secrets.Bundle, logger *slog.Logger) (map[string]tracking.Provider, error) {
	carriers, err := tracking.Providers(tracking.ConfigFrom(secret.Value))
	if err != nil {
		return nil, fmt.Errorf("tracking-webhook.loadCarriers: invalid carrier webhook settings in the function's secret: %w", err)
	}
	var enabled []string
	for name := range carriers {
		enabled = append(enabled, "/webhooks/carriers/"+name)
	}
	slices.Sort(enabled)
	logger.Info("carrier webhooks", "enabled", enabled)
	known := func(k string) bool {
		return slices.Contains(tracking.Settings, k) || slices.Contains(payment.Settings, k)
	}
	if unknown := slices.DeleteFunc(secret.Keys(), known); len(unknown) > 0 {
		logger.Warn("carrier webhook settings not understood, ignored", "keys", unknown, "known", tracking.Settings)
	}
	return carriers, nil
}

// newHandler is the HTTP handler of the function: the carrier webhook route of httpapi,
// recording into recorder. It is given no Orders, no Tokens and no Payments on purpose: the
// function holds no seller API token (its role reaches only the webhook settings), so every
// /v1 request is answered 401 before any order code runs, and payment webhooks are 404
// (payment-webhook serves them); API Gateway sends it only the carrier route anyway.
func newHandler(carriers map[string]tracking.Provider, recorder httpapi.TrackingRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Carriers: carriers, Tracking: recorder, Logger: logger, Metrics: emf.Stdout("tracking-webhook")})
}
