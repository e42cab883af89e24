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

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/localsink"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/unsubscribe"
	"github.com/orderwire/orderwire/internal/wiring"
	"github.com/orderwire/orderwire/internal/wiring/senders"
)

// The local files of the notification pipeline, in the data dir.
const (
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

// setUpNotifications builds the pipeline from the notifier's settings
// (wiring.NotifierConfigFrom, as the notifier function reads them, with local defaults):
// SMTP when ORDERWIRE_SMTP_URL is set, SES when ORDERWIRE_EMAIL=ses (in
// ORDERWIRE_SES_CONFIGURATION_SET when set), SNS when ORDERWIRE_SMS=sns (with
// ORDERWIRE_SMS_SENDER_ID and ORDERWIRE_SMS_ORIGINATION_NUMBER, like the function), the
// AWS senders with SDK retries off (wiring.NoRetries). In local mode (cfg.Dev) whatever is
// not configured goes to the local sink (<data dir>/outbox.jsonl, listed at GET
// /local/outbox), so a new user sees exactly what buyers would get. In production mode a
// channel that is not configured is off (the notifier skips it, as for a buyer without that
// address), and with neither channel configured serve refuses to start: buyer messages
// would otherwise pile up in a file nobody reads, and unpaid orders would be terminated
// without the buyer ever being reminded. Settings that are not valid stop serve, naming
// them. listening is the server's own base URL, the default base of unsubscribe links.
func setUpNotifications(ctx context.Context, cfg serveConfig, listening string, getenv func(string) string, st store.Store, logger *slog.Logger) (*notifications, error) {
	dataDir := cfg.Store.DataDir
	nc := wiring.NotifierConfigFrom(wiring.EnvSource(getenv)).WithLocalDefaults(listening)
	signer, err := localSigner(dataDir, &nc)
	if err != nil {
		return nil, err
	}
	if err := nc.Validate(); err != nil {
		return nil, err
	}
	n := &notifications{signer: signer}
	ncfg := notifier.Config{Store: st, Logger: logger, Metrics: cfg.Metrics,
		From: nc.EmailFrom, SellerName: nc.SellerName, SellerAddress: nc.SellerAddress,
		Owner:          fmt.Sprintf("serve-%d", os.Getpid()),
		UnsubscribeURL: senders.UnsubscribeURL(nc, signer),
	}
	n.sellerName, n.sellerAddress = ncfg.SellerName, ncfg.SellerAddress
	awsCfg, err := n.setUpSenders(ctx, &ncfg, nc)
	if err != nil {
		return nil, err
	}
	if !cfg.Dev && ncfg.Email == nil && ncfg.SMS == nil {
		return nil, fmt.Errorf("production mode needs a buyer message sender: set %s, %s=ses or %s=sns "+
			"(see README, Notifications), or run `orderwire serve --dev` to write buyer messages to %s instead",
			wiring.EnvSMTPURL, wiring.EnvEmail, wiring.EnvSMS, filepath.Join(dataDir, localOutboxFile))
	}
	if !cfg.Dev {
		if ncfg.Email == nil {
			n.email = "off (not configured: set " + wiring.EnvSMTPURL + " or " + wiring.EnvEmail + "=ses)"
		}
		if ncfg.SMS == nil {
			n.sms = "off (not configured: set " + wiring.EnvSMS + "=sns)"
		}
	}
	if cfg.Dev && (ncfg.Email == nil || ncfg.SMS == nil) {
		if err := n.useLocalSink(&ncfg, dataDir); err != nil {
			return nil, err
		}
	}
	if err := n.setUpAlerts(&ncfg, nc, dataDir, awsCfg); err != nil {
		return nil, err
	}
	n.cfg = ncfg
	n.notifier = notifier.New(ncfg)
	return n, nil
}

// setUpSenders sets ncfg's email sender and suppression list (senders.Email: SMTP when
// ORDERWIRE_SMTP_URL is set, else SES when nc.SES) and SMS sender (SNS when nc.SNS), and
// names them in n for the banner. It returns the AWS configuration (SDK retries off,
// wiring.NoRetries), loaded only when SES, SNS or the alerts topic needs it.
func (n *notifications) setUpSenders(ctx context.Context, ncfg *notifier.Config, nc wiring.NotifierConfig) (aws.Config, error) {
	var awsCfg aws.Config
	var err error
	if (nc.SES && nc.SMTPURL == "") || nc.SNS || nc.AlertsTopic != "" {
		if awsCfg, err = wiring.AWSConfig(ctx); err != nil {
			return awsCfg, fmt.Errorf("load AWS configuration: %w", err)
		}
		awsCfg = wiring.NoRetries(awsCfg)
	}
	if ncfg.Email, ncfg.Suppressions, n.email, err = senders.Email(nc, nc.SES, awsCfg); err != nil {
		return awsCfg, fmt.Errorf("%s: %w", wiring.EnvSMTPURL, err)
	}
	if nc.SNS {
		ncfg.SMS, n.sms = senders.SMS(nc, awsCfg), "SNS ("+awsCfg.Region+smsIdentity(nc)+")"
	}
	return awsCfg, nil
}

// useLocalSink opens <dataDir>/outbox.jsonl (creating dataDir) as the sender of whichever
// channel ncfg has none for (local mode), and names it in n for the banner.
func (n *notifications) useLocalSink(ncfg *notifier.Config, dataDir string) error {
	path := filepath.Join(dataDir, localOutboxFile)
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	var err error
	if n.sink, err = localsink.Open(path); err != nil {
		return err
	}
	where := "local outbox " + path + " (GET /local/outbox)"
	if ncfg.Email == nil {
		ncfg.Email, n.email = n.sink, where
	}
	if ncfg.SMS == nil {
		ncfg.SMS, n.sms = n.sink, where
	}
	return nil
}

// smsIdentity describes who SMS come from, for the banner ("" for the account's defaults).
func smsIdentity(nc wiring.NotifierConfig) string {
	var parts []string
	if nc.SMSSenderID != "" {
		parts = append(parts, "sender ID "+nc.SMSSenderID)
	}
	if nc.SMSOriginationNumber != "" {
		parts = append(parts, "from "+nc.SMSOriginationNumber)
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
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
		return nil, order.Internal("orderwire.deliverAt", err)
	}
	return sum, nil
}

// setUpAlerts adds the seller alert channels to ncfg: the local alerts file
// (<data dir>/alerts.jsonl, GET /local/alerts) always, then those nc configures
// (senders.Alerts: the SNS topic ORDERWIRE_SELLER_ALERTS_TOPIC, email to
// ORDERWIRE_SELLER_EMAIL through the configured email sender).
func (n *notifications) setUpAlerts(ncfg *notifier.Config, nc wiring.NotifierConfig, dataDir string, awsCfg aws.Config) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	n.alertsPath = filepath.Join(dataDir, localAlertsFile)
	alerts, err := localsink.Open(n.alertsPath)
	if err != nil {
		return err
	}
	n.alerts = alerts
	ncfg.Alerts = append([]notifier.AlertSink{alerts}, senders.Alerts(nc, awsCfg, ncfg.Email)...)
	return nil
}

// listAlerts is GET /local/alerts's source.
func (n *notifications) listAlerts() func() (any, error) {
	if n.alerts == nil {
		return nil
	}
	return func() (any, error) { return n.alerts.List() }
}

// localSigner signs unsubscribe links with ORDERWIRE_UNSUBSCRIBE_KEYS (nc.UnsubscribeKeys),
// or with a key generated once and kept in the data dir, which it then puts in nc.
func localSigner(dataDir string, nc *wiring.NotifierConfig) (*unsubscribe.Signer, error) {
	if len(nc.UnsubscribeKeys) == 0 {
		key, _, _, err := loadOrCreateSecret(dataDir, unsubscribeKeyFile, "unsubscribe-link key")
		if err != nil {
			return nil, err
		}
		nc.UnsubscribeKeys = []string{key}
	}
	signer, err := unsubscribe.New(nc.UnsubscribeKeys, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", wiring.EnvUnsubscribeKeys, err)
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

// localErasers erase an erased buyer's messages from the local outbox file, when there is
// one (the alerts file names no buyer).
func (n *notifications) localErasers() []httpapi.LocalEraser {
	if n.sink == nil {
		return nil
	}
	return []httpapi.LocalEraser{n.sink.Erase}
}
