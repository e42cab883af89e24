package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/ses"
	"github.com/orderwire/orderwire/internal/smtpmail"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// coldStart builds the handler once per execution environment: the settings (all checked
// before any AWS call), the AWS configuration, the unsubscribe-link signer from its secret,
// the senders and the store. Any failure fails the cold start; its error names settings,
// never secret values.
func coldStart(ctx context.Context, getenv func(string) string, logger *slog.Logger) (*handler, error) {
	cfg := configFromEnv(getenv)
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	env, err := lambdaenv.LoadTable(ctx, getenv)
	if err != nil {
		return nil, err
	}
	signer, err := lambdaenv.LoadUnsubscribeSigner(ctx, env.AWS, getenv)
	if err != nil {
		return nil, err
	}
	email, suppressions, err := emailSenders(cfg, noRetries(env.AWS))
	if err != nil {
		return nil, err
	}
	var alerts []notifier.AlertSink
	if cfg.AlertsTopic != "" {
		alerts = append(alerts, sns.NewTopicPublisher(sns.NewClient(noRetries(env.AWS), ""), cfg.AlertsTopic))
	}
	if cfg.SellerEmail != "" {
		alerts = append(alerts, notifier.SellerEmail{Sender: email, From: cfg.EmailFrom, To: cfg.SellerEmail})
	}
	n := notifier.New(notifier.Config{
		Alerts:       alerts,
		Store:        dynamo.New(dynamo.NewClient(env.AWS, ""), cfg.Table),
		Email:        email,
		Suppressions: suppressions,
		SMS: sns.New(sns.NewClient(noRetries(env.AWS), ""),
			sns.Options{SenderID: cfg.SMSSenderID, OriginationNumber: cfg.SMSOriginationNumber}),
		UnsubscribeURL: func(buyerID string, now time.Time) string {
			return unsubscribe.URL(cfg.PublicURL, signer.Token(buyerID, now))
		},
		From: cfg.EmailFrom, SellerName: cfg.SellerName, SellerAddress: cfg.SellerAddress,
		Owner: owner(getenv), Logger: logger, Metrics: emf.Stdout("notifier"),
	})
	return &handler{Deliverer: n, Due: n, Logger: logger}, nil
}

// noRetries is cfg with the SDK's retries turned off, for the SES and SNS clients. A send
// whose response is lost (a timeout, a reset connection) may have been accepted: the SDK
// would retry it and could send the message twice. The notifier retries on its own, and only
// failures that cannot have sent the message (throttling, a refused request); an uncertain
// one leaves the row unknown instead. DynamoDB keeps the SDK's retries: the store's writes
// are conditional, so a repeated one cannot apply twice.
func noRetries(cfg aws.Config) aws.Config {
	cfg = cfg.Copy()
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return cfg
}

// emailSenders returns the email sender and the suppression check: SES (and its
// account-level suppression list), sending in ORDERWIRE_SES_CONFIGURATION_SET when set, or the SMTP server ORDERWIRE_SMTP_URL names, which has
// no suppression list to ask (nil).
func emailSenders(cfg config, awsCfg aws.Config) (notifier.EmailSender, notifier.SuppressionChecker, error) {
	if cfg.SMTPURL != "" {
		s, err := smtpmail.New(cfg.SMTPURL) // its errors never quote the password
		if err != nil {
			return nil, nil, err
		}
		return s, nil, nil
	}
	s := ses.New(ses.NewClient(awsCfg, "")).WithConfigurationSet(cfg.SESConfigurationSet)
	return s, s, nil
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
