package wiring

import (
	"fmt"
	"log/slog"
	"slices"

	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/tracking"
)

// Payments returns the payment providers the settings enable, keyed by route name:
// payment.ConfigFrom over src, then payment.Providers. A provider without settings is left
// out (its route answers 404); none enabled is fine. A bad setting is payment's CodeInvalid
// error, whose Fields name each bad setting by its name (EnvStandard...[1] is a list's
// second item), never its value. It logs, once, the routes it enables, the settings'
// warnings, and, when src read the webhook secret, the names of that secret's keys neither
// webhook knows (a misspelt key leaves a provider off; the secret holds both webhooks'
// settings, so the carriers' keys are not reported).
func Payments(src Source, readFile func(string) ([]byte, error), logger *slog.Logger) (map[string]payment.Provider, error) {
	cfg, err := payment.ConfigFrom(src.Get, readFile)
	var providers map[string]payment.Provider
	if err == nil {
		providers, err = payment.Providers(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("invalid payment webhook settings: %w", err)
	}
	logger.Info("payment webhooks", "enabled", Routes("/webhooks/payments/", providers))
	for _, w := range cfg.Warnings() {
		logger.Warn("payment webhook settings", "warning", w)
	}
	if unknown := unknownKeys(src); len(unknown) > 0 {
		logger.Warn("payment webhook settings not understood, ignored", "keys", unknown, "known", payment.Settings)
	}
	return providers, nil
}

// Carriers is Payments for the carrier-tracking senders (tracking.ConfigFrom,
// tracking.Providers); the payments' keys of the shared secret are not reported.
func Carriers(src Source, logger *slog.Logger) (map[string]tracking.Provider, error) {
	carriers, err := tracking.Providers(tracking.ConfigFrom(src.Get))
	if err != nil {
		return nil, fmt.Errorf("invalid carrier webhook settings: %w", err)
	}
	logger.Info("carrier webhooks", "enabled", Routes("/webhooks/carriers/", carriers))
	if unknown := unknownKeys(src); len(unknown) > 0 {
		logger.Warn("carrier webhook settings not understood, ignored", "keys", unknown, "known", tracking.Settings)
	}
	return carriers, nil
}

// unknownKeys are the keys of the webhook secret (when src read it) that neither webhook
// function knows.
func unknownKeys(src Source) []string {
	known := func(k string) bool {
		return slices.Contains(payment.Settings, k) || slices.Contains(tracking.Settings, k)
	}
	return slices.DeleteFunc(src.SecretKeys(EnvSecretsARN), known)
}

// Routes names the routes of the enabled providers, sorted.
func Routes[P any](route string, providers map[string]P) []string {
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, route+name)
	}
	slices.Sort(names)
	return names
}
