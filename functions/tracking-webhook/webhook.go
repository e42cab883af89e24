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
	tracking.SettingAfterShipSecrets, tracking.SettingSeventeenTrackKeys,
	tracking.SettingEasyPostSecrets, tracking.SettingStandardSecrets,
}

// paymentSettings are the keys functions/payment-webhook reads from the same secret: one
// place holds a seller's webhook settings (the Standard Webhooks secret signs payment and
// shipment events alike). They are known, so never reported as misspelt, and unused here.
var paymentSettings = []string{
	payment.SettingStripeSecrets, payment.SettingStandardSecrets, payment.SettingPayPalWebhookID,
	payment.SettingPayPalCert, payment.SettingPayPalCertFile, payment.SettingAntomPublicKey,
	payment.SettingAlipayPublicKey,
}

// loadCarriers returns the carrier-tracking senders the function's secret enables, keyed by
// route name: tracking.ConfigFrom over the secret's values, then tracking.Providers. A
// sender without settings is left out, so its route answers 404; a secret of {}, or one
// holding payment settings only, enables none, and the function still starts.
//
// A bad setting fails the cold start: the error is CodeInvalid and its Fields name each bad
// setting by the key the operator wrote in the secret (ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1]
// is the second item of that list), never its value. It logs, once, the routes it enables
// and the names of secret keys neither webhook function knows (a misspelt key leaves a
// sender off); payment-webhook's keys are not reported.
func loadCarriers(secret secrets.Bundle, logger *slog.Logger) (map[string]tracking.Provider, error) {
	carriers, err := tracking.Providers(tracking.ConfigFrom(secret.Value))
	if err != nil {
		return nil, renameFields(err)
	}
	var enabled []string
	for name := range carriers {
		enabled = append(enabled, "/webhooks/carriers/"+name)
	}
	slices.Sort(enabled)
	logger.Info("carrier webhooks", "enabled", enabled)
	known := func(k string) bool { return slices.Contains(settings, k) || slices.Contains(paymentSettings, k) }
	if unknown := slices.DeleteFunc(secret.Keys(), known); len(unknown) > 0 {
		logger.Warn("carrier webhook settings not understood, ignored", "keys", unknown, "known", settings)
	}
	return carriers, nil
}

// configFields maps tracking.Config's field names, which tracking.Providers names in its
// errors, to the setting each comes from.
var configFields = map[string]string{
	"AfterShipSecrets":   tracking.SettingAfterShipSecrets,
	"SeventeenTrackKeys": tracking.SettingSeventeenTrackKeys,
	"EasyPostSecrets":    tracking.SettingEasyPostSecrets,
	"StandardSecrets":    tracking.SettingStandardSecrets,
}

// renameFields returns err as a CodeInvalid error whose Fields (and the reasons' mentions
// of other fields) are named after settings rather than tracking.Config fields; names it
// does not know are kept. An error without Fields is returned as it is.
func renameFields(err error) error {
	var e *order.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := order.FieldErrors{}
	for name, reason := range e.Fields {
		base, index, _ := strings.Cut(name, "[")
		setting, ok := configFields[base]
		if !ok {
			setting, index = name, ""
		}
		if index != "" {
			setting += "[" + index
		}
		for field, name := range configFields {
			reason = strings.ReplaceAll(reason, field, name)
		}
		fields[setting] = reason
	}
	return &order.Error{Code: order.CodeInvalid, Op: "tracking-webhook.loadCarriers",
		Message: "invalid carrier webhook settings in the function's secret", Fields: fields}
}

// newHandler is the HTTP handler of the function: the carrier webhook route of httpapi,
// recording into recorder. It is given no Orders, no Tokens and no Payments on purpose: the
// function holds no seller API token (its role reaches only the webhook settings), so every
// /v1 request is answered 401 before any order code runs, and payment webhooks are 404
// (payment-webhook serves them); API Gateway sends it only the carrier route anyway.
func newHandler(carriers map[string]tracking.Provider, recorder httpapi.TrackingRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Carriers: carriers, Tracking: recorder, Logger: logger})
}
