package wiring

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/sesevents"
	"github.com/orderwire/orderwire/internal/tracking"
)

// The cold starts of the functions whose components live in this package (the notifier's
// and the seller API's are in wiring/senders and wiring/sellerapi, so that no other
// function links, and initialises, their packages). Each reads and checks its settings
// before any AWS call, naming every bad one at once, then loads the AWS configuration,
// starts fetching the secrets it reads (in parallel, once) and builds what needs no secret
// while they are on their way.

// PaymentWebhook builds payment-webhook's handler: the payment webhook route of httpapi
// over the table, the providers from the webhook secret (EnvSecretsARN). It is given no
// Orders and no Tokens on purpose: the function holds no seller API token, so every /v1
// request is answered 401 before any order code runs.
func PaymentWebhook(ctx context.Context, getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	sc, err := lambdaStoreConfig(EnvSource(getenv))
	if err := joinInvalid("wiring.Lambda", err, required(getenv, EnvSecretsARN)); err != nil {
		return nil, err
	}
	env, err := StartLambda(ctx, getenv, EnvSecretsARN)
	if err != nil {
		return nil, err
	}
	st := DynamoStore(env.AWS, sc) // while the secret is on its way
	src, err := env.Secrets()
	if err != nil {
		return nil, err
	}
	providers, err := Payments(src, os.ReadFile, logger)
	if err != nil {
		return nil, err
	}
	emf.ColdStartDone("payment-webhook")
	return paymentHandler(providers, st, logger), nil
}

// paymentHandler is payment-webhook's handler: the payment webhook route of httpapi,
// recording into events, and nothing else.
func paymentHandler(providers map[string]payment.Provider, events httpapi.EventRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Payments: providers, Events: events, Logger: logger, Metrics: emf.Stdout("payment-webhook")})
}

// TrackingWebhook builds tracking-webhook's handler: the carrier webhook route of httpapi
// over the table, the carriers from the webhook secret (EnvSecretsARN, shared with
// payment-webhook). No Orders, Tokens or Payments, as PaymentWebhook.
func TrackingWebhook(ctx context.Context, getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	sc, err := lambdaStoreConfig(EnvSource(getenv))
	if err := joinInvalid("wiring.Lambda", err, required(getenv, EnvSecretsARN)); err != nil {
		return nil, err
	}
	env, err := StartLambda(ctx, getenv, EnvSecretsARN)
	if err != nil {
		return nil, err
	}
	st := DynamoStore(env.AWS, sc) // while the secret is on its way
	src, err := env.Secrets()
	if err != nil {
		return nil, err
	}
	carriers, err := Carriers(src, logger)
	if err != nil {
		return nil, err
	}
	emf.ColdStartDone("tracking-webhook")
	return trackingHandler(carriers, st, logger), nil
}

// trackingHandler is tracking-webhook's handler: the carrier webhook route of httpapi,
// recording into recorder, and nothing else (payment webhooks are 404 there).
func trackingHandler(carriers map[string]tracking.Provider, recorder httpapi.TrackingRecorder, logger *slog.Logger) http.Handler {
	return httpapi.New(httpapi.Config{Carriers: carriers, Tracking: recorder, Logger: logger, Metrics: emf.Stdout("tracking-webhook")})
}

// Reminders builds the reminders function's sweeper: the table and the policy file
// (PolicyFrom, the one the seller API reads too). It reads no secret.
func Reminders(ctx context.Context, getenv func(string) string) (*reminder.Sweeper, error) {
	src := EnvSource(getenv)
	sc, err := lambdaStoreConfig(src)
	policy, perr := PolicyFrom(src)
	if err := joinInvalid("wiring.Reminders", perr, err); err != nil {
		return nil, err
	}
	env, err := StartLambda(ctx, getenv)
	if err != nil {
		return nil, err
	}
	emf.ColdStartDone("reminders")
	return &reminder.Sweeper{Store: DynamoStore(env.AWS, sc), Policy: policy, Metrics: emf.Stdout("reminders")}, nil
}

// DeliveryEvents builds delivery-events' handler of SES events over the table. It reads no
// secret.
func DeliveryEvents(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*sesevents.Handler, error) {
	sc, err := lambdaStoreConfig(EnvSource(getenv))
	if err != nil {
		return nil, err
	}
	env, err := StartLambda(ctx, getenv)
	if err != nil {
		return nil, err
	}
	emf.ColdStartDone("delivery-events")
	return &sesevents.Handler{Store: DynamoStore(env.AWS, sc), Logger: logger}, nil
}

// required is the CodeInvalid error naming each of names that getenv leaves blank, or nil.
func required(getenv func(string) string, names ...string) error {
	var errs []error
	for _, name := range names {
		if strings.TrimSpace(getenv(name)) == "" {
			errs = append(errs, Missing(name))
		}
	}
	return joinInvalid("wiring.required", errs...)
}
