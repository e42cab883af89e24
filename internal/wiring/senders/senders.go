// Package senders is the wiring of the notifier component: its email, SMS and seller-alert
// senders and the notifier over the store, from wiring.NotifierConfig, for the notifier
// function and for `orderwire serve`. It is apart from package wiring so that only the
// entry points that send messages link (and initialise) the SES, SNS, SMTP and template
// packages.
package senders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/message/templates"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/ses"
	"github.com/orderwire/orderwire/internal/smtpmail"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/unsubscribe"
	"github.com/orderwire/orderwire/internal/wiring"
)

// Email returns the email sender and its suppression check, and says which it is: the
// SMTP server cfg.SMTPURL names (no suppression list to ask: nil), else SES when useSES,
// sending in cfg.SESConfigurationSet when set (and the account's suppression list), else
// nothing (nil, nil, ""). awsCfg must have retries off (wiring.NoRetries).
func Email(cfg wiring.NotifierConfig, useSES bool, awsCfg aws.Config) (notifier.EmailSender, notifier.SuppressionChecker, string, error) {
	switch {
	case cfg.SMTPURL != "":
		s, err := smtpmail.New(cfg.SMTPURL) // its errors never quote the password
		if err != nil {
			return nil, nil, "", err
		}
		return s, nil, "SMTP (" + s.String() + ")", nil
	case useSES:
		s := ses.New(ses.NewClient(awsCfg, "")).WithConfigurationSet(cfg.SESConfigurationSet)
		return s, s, "SES (" + awsCfg.Region + ")", nil
	}
	return nil, nil, "", nil
}

// SMS is the SNS sender of text messages, from cfg's sender ID and origination number.
// awsCfg must have retries off (wiring.NoRetries).
func SMS(cfg wiring.NotifierConfig, awsCfg aws.Config) *sns.Sender {
	return sns.New(sns.NewClient(awsCfg, ""), sns.Options{SenderID: cfg.SMSSenderID, OriginationNumber: cfg.SMSOriginationNumber})
}

// Alerts are the seller-alert channels cfg configures: the SNS topic cfg.AlertsTopic and
// email to cfg.SellerEmail through email (when there is an email sender).
func Alerts(cfg wiring.NotifierConfig, awsCfg aws.Config, email notifier.EmailSender) []notifier.AlertSink {
	var alerts []notifier.AlertSink
	if cfg.AlertsTopic != "" {
		alerts = append(alerts, sns.NewTopicPublisher(sns.NewClient(awsCfg, ""), cfg.AlertsTopic))
	}
	if cfg.SellerEmail != "" && email != nil {
		alerts = append(alerts, notifier.SellerEmail{Sender: email, From: cfg.EmailFrom, To: cfg.SellerEmail})
	}
	return alerts
}

// UnsubscribeURL makes the link to put in a buyer's messages, signed with signer.
func UnsubscribeURL(cfg wiring.NotifierConfig, signer *unsubscribe.Signer) func(buyerID string, now time.Time) string {
	return func(buyerID string, now time.Time) string {
		return unsubscribe.URL(cfg.PublicURL, signer.Token(buyerID, now))
	}
}

// Lambda is the notifier function's cold start: its settings (all checked before any AWS
// call, every bad one named at once), the AWS configuration, the unsubscribe-link keys
// from their secret (EnvUnsubscribeSecretARN), fetched while it builds the store, SES (or
// SMTP) and SNS with retries off and parses the message catalogs, and the notifier over
// the table. Its error names
// settings, never secret values.
func Lambda(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*notifier.Notifier, error) {
	sc, serr := wiring.StoreConfigFrom(wiring.EnvSource(getenv))
	if err := lambdaSettings(getenv, sc, serr); err != nil {
		return nil, err
	}
	env, err := wiring.StartLambda(ctx, getenv, wiring.EnvUnsubscribeSecretARN)
	if err != nil {
		return nil, err
	}
	// While the keys are on their way: the store and the senders (they need no secret).
	cfg := wiring.NotifierConfigFrom(wiring.EnvSource(getenv))
	senders := wiring.NoRetries(env.AWS)
	email, suppressions, _, err := Email(cfg, true, senders)
	if err != nil {
		return nil, err
	}
	st, sms, alerts := wiring.DynamoStore(env.AWS, sc), SMS(cfg, senders), Alerts(cfg, senders, email)
	// The message catalogs are parsed on first use (~5 ms): during the round trip rather
	// than in the first invocation.
	templates.Locales()
	src, err := env.Secrets()
	if err != nil {
		return nil, err
	}
	cfg = wiring.NotifierConfigFrom(src) // now with the keys
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	signer, err := unsubscribe.New(cfg.UnsubscribeKeys, 0)
	if err != nil {
		return nil, err
	}
	n := notifier.New(notifier.Config{
		Alerts: alerts, Store: st,
		Email: email, Suppressions: suppressions, SMS: sms,
		UnsubscribeURL: UnsubscribeURL(cfg, signer),
		From:           cfg.EmailFrom, SellerName: cfg.SellerName, SellerAddress: cfg.SellerAddress,
		Owner: owner(getenv), Logger: logger, Metrics: emf.Stdout("notifier"),
	})
	emf.ColdStartDone("notifier")
	return n, nil
}

// lambdaSettings checks, before any AWS call, what the notifier function needs from its
// environment: the table, the unsubscribe secret's ARN and the notifier's settings (the
// keys themselves are checked once fetched), naming every bad one at once.
func lambdaSettings(getenv func(string) string, sc wiring.StoreConfig, storeErr error) error {
	cfg := wiring.NotifierConfigFrom(wiring.EnvSource(getenv))
	cfg.UnsubscribeKeys = []string{"fetched later"}
	var missing []error
	if sc.Table == "" {
		missing = append(missing, wiring.Missing(wiring.EnvTable))
	}
	if getenv(wiring.EnvUnsubscribeSecretARN) == "" {
		missing = append(missing, wiring.Missing(wiring.EnvUnsubscribeSecretARN))
	}
	return wiring.JoinInvalid("senders.Lambda", append(missing, storeErr, cfg.Validate())...)
}

// owner names this execution environment in its claims: "notifier-" and its log stream,
// which Lambda makes unique per environment, so that two environments never take each
// other's claims for their own. Outside Lambda, a random name.
func owner(getenv func(string) string) string {
	if stream := getenv("AWS_LAMBDA_LOG_STREAM_NAME"); stream != "" {
		return "notifier-" + stream
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "notifier-" + hex.EncodeToString(b)
}
