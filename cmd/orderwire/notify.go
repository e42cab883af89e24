package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/localsink"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/ses"
	"github.com/orderwire/orderwire/internal/smtpmail"
	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// The local server's notification settings (environment only; README "Notifications").
const (
	envSMTPURL         = "ORDERWIRE_SMTP_URL"         // email by SMTP
	envEmailTransport  = "ORDERWIRE_EMAIL"            // "ses": email by SES v2 (AWS settings from the environment)
	envSMSTransport    = "ORDERWIRE_SMS"              // "sns": SMS by SNS
	envUnsubscribeKeys = "ORDERWIRE_UNSUBSCRIBE_KEYS" // comma-separated, newest first; default: generated in the data dir
	envPublicURL       = "ORDERWIRE_PUBLIC_URL"       // base of unsubscribe links; default http://<addr>
	envEmailFrom       = "ORDERWIRE_EMAIL_FROM"
	envSellerName      = "ORDERWIRE_SELLER_NAME"
	envSellerAddress   = "ORDERWIRE_SELLER_ADDRESS"
	envSellerEmail     = "ORDERWIRE_SELLER_EMAIL"        // seller alerts also by email to this address
	envAlertsTopic     = "ORDERWIRE_SELLER_ALERTS_TOPIC" // seller alerts also to this SNS topic ARN
	unsubscribeKeyFile = "unsubscribe-key"
	localOutboxFile    = "outbox.jsonl"
	localAlertsFile    = "alerts.jsonl"
)

// notifications is the local server's notification pipeline: the notifier that drains the
// outbox, the unsubscribe signer the HTTP API verifies links with, and the local sink when
// one channel or both deliver to it.
type notifications struct {
	notifier *notifier.Notifier
	signer   *unsubscribe.Signer
	sink     *localsink.Sink // nil when email and SMS both go to real providers
	alerts   *localsink.Sink // the seller alerts file, always
	// alertsPath is that file's path, for the startup banner.
	alertsPath string
	email      string // where email goes, for the startup banner
	sms        string
	// cfg is the notifier's configuration, for deliverAt's notifiers on another clock.
	cfg notifier.Config
	// sellerName and sellerAddress are what messages say, for evidence packs' re-rendering.
	sellerName, sellerAddress string
}

// setUpNotifications builds the pipeline from the environment: SMTP when ORDERWIRE_SMTP_URL
// is set, SES when ORDERWIRE_EMAIL=ses, SNS when ORDERWIRE_SMS=sns. In local mode
// (cfg.Dev) whatever is not configured goes to the local sink (<data dir>/outbox.jsonl,
// listed at GET /local/outbox), so a new user sees exactly what buyers would get. In
// production mode a channel that is not configured is off (the notifier skips it, as for a
// buyer without that address), and with neither channel configured serve refuses to start:
// buyer messages would otherwise pile up in a file nobody reads, and unpaid orders would be
// terminated without the buyer ever being reminded.
// listening is the server's own base URL, the default base of unsubscribe links.
func setUpNotifications(ctx context.Context, cfg serveConfig, listening string, getenv func(string) string, st store.Store, logger *slog.Logger) (*notifications, error) {
	signer, err := localSigner(cfg.DataDir, getenv)
	if err != nil {
		return nil, err
	}
	n := &notifications{signer: signer}
	publicURL := strings.TrimRight(envOr(getenv, envPublicURL, listening), "/")
	ncfg := notifier.Config{Store: st, Logger: logger, Metrics: cfg.Metrics,
		From:          envOr(getenv, envEmailFrom, "orderwire demo shop <orders@localhost>"),
		SellerName:    envOr(getenv, envSellerName, "orderwire demo shop"),
		SellerAddress: envOr(getenv, envSellerAddress, "Set ORDERWIRE_SELLER_ADDRESS to your postal address"),
		Owner:         fmt.Sprintf("serve-%d", os.Getpid()),
		UnsubscribeURL: func(buyerID string, now time.Time) string {
			return unsubscribe.URL(publicURL, signer.Token(buyerID, now))
		},
	}
	n.sellerName, n.sellerAddress = ncfg.SellerName, ncfg.SellerAddress
	smtpURL := getenv(envSMTPURL)
	useSES := smtpURL == "" && envOr(getenv, envEmailTransport, "") == "ses"
	useSNS := envOr(getenv, envSMSTransport, "") == "sns"
	topic := envOr(getenv, envAlertsTopic, "")
	var awsCfg aws.Config
	if useSES || useSNS || topic != "" { // SDK retries off: see functions/notifier (noRetries)
		if awsCfg, err = config.LoadDefaultConfig(ctx, config.WithRetryMaxAttempts(1)); err != nil {
			return nil, fmt.Errorf("load AWS configuration: %w", err)
		}
	}
	switch {
	case smtpURL != "":
		sender, err := smtpmail.New(smtpURL)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", envSMTPURL, err)
		}
		ncfg.Email, n.email = sender, "SMTP ("+sender.String()+")"
	case useSES:
		sender := ses.New(ses.NewClient(awsCfg, ""))
		ncfg.Email, ncfg.Suppressions, n.email = sender, sender, "SES ("+awsCfg.Region+")"
	}
	if useSNS {
		ncfg.SMS, n.sms = sns.New(sns.NewClient(awsCfg, ""), sns.Options{}), "SNS ("+awsCfg.Region+")"
	}
	if !cfg.Dev && ncfg.Email == nil && ncfg.SMS == nil {
		return nil, fmt.Errorf("production mode needs a buyer message sender: set %s, %s=ses or %s=sns "+
			"(see README, Notifications), or run `orderwire serve --dev` to write buyer messages to %s instead",
			envSMTPURL, envEmailTransport, envSMSTransport, filepath.Join(cfg.DataDir, localOutboxFile))
	}
	if !cfg.Dev {
		if ncfg.Email == nil {
			n.email = "off (not configured: set " + envSMTPURL + " or " + envEmailTransport + "=ses)"
		}
		if ncfg.SMS == nil {
			n.sms = "off (not configured: set " + envSMSTransport + "=sns)"
		}
	}
	if cfg.Dev && (ncfg.Email == nil || ncfg.SMS == nil) {
		path := filepath.Join(cfg.DataDir, localOutboxFile)
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data dir: %w", err)
		}
		if n.sink, err = localsink.Open(path); err != nil {
			return nil, err
		}
		where := "local outbox " + path + " (GET /local/outbox)"
		if ncfg.Email == nil {
			ncfg.Email, n.email = n.sink, where
		}
		if ncfg.SMS == nil {
			ncfg.SMS, n.sms = n.sink, where
		}
	}
	if err := n.setUpAlerts(&ncfg, cfg.DataDir, getenv, topic, awsCfg); err != nil {
		return nil, err
	}
	n.cfg = ncfg
	n.notifier = notifier.New(ncfg)
	return n, nil
}

// deliverAt runs the notifier once as of at (its clock fixed there, under its own owner
// name): the due rows at that instant are delivered, so POST /local/reminders/run shows
// what its sweep queued (local mode only). It returns the run's notifier.Summary.
func (n *notifications) deliverAt(ctx context.Context, at time.Time) (any, error) {
	cfg := n.cfg
	cfg.Now = func() time.Time { return at }
	cfg.Owner = n.cfg.Owner + "-at"
	sum, err := notifier.New(cfg).RunDue(ctx, 200)
	if err != nil {
		return nil, order.Internal("serve.deliverAt", err)
	}
	return sum, nil
}

// setUpAlerts adds the seller alert channels to ncfg: the local alerts file
// (<data dir>/alerts.jsonl, GET /local/alerts) always, the SNS topic when
// ORDERWIRE_SELLER_ALERTS_TOPIC names one, and email through the configured email sender
// when ORDERWIRE_SELLER_EMAIL is set.
func (n *notifications) setUpAlerts(ncfg *notifier.Config, dataDir string, getenv func(string) string, topic string, awsCfg aws.Config) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	n.alertsPath = filepath.Join(dataDir, localAlertsFile)
	alerts, err := localsink.Open(n.alertsPath)
	if err != nil {
		return err
	}
	n.alerts = alerts
	ncfg.Alerts = append(ncfg.Alerts, alerts)
	if topic != "" {
		ncfg.Alerts = append(ncfg.Alerts, sns.NewTopicPublisher(sns.NewClient(awsCfg, ""), topic))
	}
	if to := envOr(getenv, envSellerEmail, ""); to != "" && ncfg.Email != nil {
		ncfg.Alerts = append(ncfg.Alerts, notifier.SellerEmail{Sender: ncfg.Email, From: ncfg.From, To: to})
	}
	return nil
}

// listAlerts is GET /local/alerts's source.
func (n *notifications) listAlerts() func() (any, error) {
	if n.alerts == nil {
		return nil
	}
	return func() (any, error) { return n.alerts.List() }
}

// localSigner signs unsubscribe links with ORDERWIRE_UNSUBSCRIBE_KEYS, or with a key
// generated once and kept in the data dir.
func localSigner(dataDir string, getenv func(string) string) (*unsubscribe.Signer, error) {
	keys := splitList(getenv(envUnsubscribeKeys))
	if len(keys) == 0 {
		key, _, _, err := loadOrCreateSecret(dataDir, unsubscribeKeyFile, "unsubscribe-link key")
		if err != nil {
			return nil, err
		}
		keys = []string{key}
	}
	signer, err := unsubscribe.New(keys, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envUnsubscribeKeys, err)
	}
	return signer, nil
}

// listOutbox is GET /local/outbox's source (nil without a local sink).
func (n *notifications) listOutbox() func() (any, error) {
	if n.sink == nil {
		return nil
	}
	return func() (any, error) { return n.sink.List() }
}

func (n *notifications) describe(w io.Writer) {
	fmt.Fprintf(w, "buyer email: %s\nbuyer SMS: %s\n", n.email, n.sms)
	if n.alertsPath != "" {
		fmt.Fprintf(w, "seller alerts: %s, and any configured topic or email\n", n.alertsPath)
	}
}

// compactors are the local message files the retention compacts.
func (n *notifications) compactors() []compactor {
	var out []compactor
	for _, s := range []*localsink.Sink{n.sink, n.alerts} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

func (n *notifications) Close() error {
	var err error
	if n.alerts != nil {
		err = n.alerts.Close()
	}
	if n.sink == nil {
		return err
	}
	if e := n.sink.Close(); e != nil {
		return e
	}
	return err
}

// notifyEvery drains the due outbox rows every interval until ctx ends: the local stand-in
// for the table's stream (new rows) and the notifier's schedule (deferred rows, lapsed
// claims). It logs counts only.
func notifyEvery(ctx context.Context, n *notifier.Notifier, interval time.Duration, log *slog.Logger) {
	every(ctx, interval, func(time.Time) {
		if _, err := n.RunDue(ctx, 200); err != nil && ctx.Err() == nil {
			log.Error("notifier", "err", err.Error())
		}
	})
}

// envOr is the setting key (trimmed), or fallback when it is empty.
func envOr(getenv func(string) string, key, fallback string) string {
	if v := strings.TrimSpace(getenv(key)); v != "" {
		return v
	}
	return fallback
}

// splitList splits a comma-separated setting, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// localErasers erase an erased buyer's messages from the local outbox file, when there is
// one (the alerts file names no buyer).
func (n *notifications) localErasers() []httpapi.LocalEraser {
	if n.sink == nil {
		return nil
	}
	return []httpapi.LocalEraser{n.sink.Erase}
}
