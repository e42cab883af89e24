package main

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/tracking"
)

// settings are the keys the function reads from its secret (template.yaml: WebhookSecrets),
// the names `orderwire serve` reads from its environment.
var settings = []string{
	payment.SettingStripeSecrets, payment.SettingStandardSecrets, payment.SettingPayPalWebhookID,
	payment.SettingPayPalCert, payment.SettingPayPalCertFile, payment.SettingAntomPublicKey,
	payment.SettingAlipayPublicKey,
}

// trackingSettings are the keys functions/tracking-webhook reads from the same secret: one
// place holds a seller's webhook settings (ORDERWIRE_STANDARD_WEBHOOK_SECRETS, above, signs
// payment and shipment events alike). They are known, so never reported as misspelt.
var trackingSettings = []string{
	tracking.SettingAfterShipSecrets, tracking.SettingSeventeenTrackKeys, tracking.SettingEasyPostSecrets,
	tracking.SettingStandardSecrets,
}

// loadProviders returns the payment providers the function's secret enables, keyed by
// route name: payment.ConfigFrom over the secret's values, then payment.Providers. A
// provider without settings is left out, so its route answers 404; a secret of {} enables
// none, and the function still starts.
//
// A bad setting fails the cold start: the error is CodeInvalid and its Fields name each bad
// setting by the key the operator wrote in the secret (ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1]
// is the second item of that list), never its value. It logs, once, the routes it enables
// and the names of secret keys neither webhook function knows (a misspelt key leaves a
// provider off); tracking-webhook's keys are not reported.
func loadProviders(secret secrets.Bundle, readFile func(string) ([]byte, error), logger *slog.Logger) (map[string]payment.Provider, error) {
	cfg, err := payment.ConfigFrom(secret.Value, readFile)
	var providers map[string]payment.Provider
	if err == nil {
		providers, err = payment.Providers(cfg)
	}
	if err != nil {
		return nil, renameFields(err, secret.Value)
	}
	var enabled []string
	for name := range providers {
		enabled = append(enabled, "/webhooks/payments/"+name)
	}
	slices.Sort(enabled)
	logger.Info("payment webhooks", "enabled", enabled)
	known := func(k string) bool { return slices.Contains(settings, k) || slices.Contains(trackingSettings, k) }
	if unknown := slices.DeleteFunc(secret.Keys(), known); len(unknown) > 0 {
		logger.Warn("payment webhook settings not understood, ignored", "keys", unknown, "known", settings)
	}
	return providers, nil
}

// configFields maps payment.Config's field names, which payment.Providers names in its
// errors, to the setting each comes from.
var configFields = map[string]string{
	"StripeSecrets":      payment.SettingStripeSecrets,
	"StandardSecrets":    payment.SettingStandardSecrets,
	"PayPalWebhookID":    payment.SettingPayPalWebhookID,
	"PayPalCertPEM":      payment.SettingPayPalCert, // or ..._FILE when that is set
	"AntomPublicKeyPEM":  payment.SettingAntomPublicKey,
	"AlipayPublicKeyPEM": payment.SettingAlipayPublicKey,
}

// renameFields returns err as a CodeInvalid error whose Fields (and the reasons' mentions
// of other fields) are named after settings rather than payment.Config fields; names it
// does not know are kept. An error without Fields is returned as it is.
func renameFields(err error, get func(string) string) error {
	var e *order.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := order.FieldErrors{}
	for name, reason := range e.Fields {
		base, index, _ := strings.Cut(name, "[")
		setting, ok := configFields[base]
		switch {
		case !ok:
			setting, index = name, ""
		case base == "PayPalCertPEM" && strings.TrimSpace(get(payment.SettingPayPalCertFile)) != "":
			setting = payment.SettingPayPalCertFile
		}
		if index != "" {
			setting += "[" + index
		}
		for field, name := range configFields {
			reason = strings.ReplaceAll(reason, field, name)
		}
		fields[setting] = reason
	}
	return &order.Error{Code: order.CodeInvalid, Op: "payment-webhook.loadProviders",
		Message: "invalid payment webhook settings in the function's secret", Fields: fields}
}

// newHandler is the HTTP handler of the function: the payment webhook route of httpapi,
// recording into events. It is given no Orders and no Tokens on purpose: the function
// holds no seller API token (its role reaches only the webhook settings), so every
// /v1 request is answered 401 before any order code runs; API Gateway sends it only the
// webhook route anyway.
func newHandler(providers map[string]payment.Provider, events httpapi.EventRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Payments: providers, Events: events, Logger: logger})
}
