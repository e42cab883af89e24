package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/summarypdf"
	"github.com/orderwire/orderwire/internal/tracking"
)

var errUsage = errors.New("usage")

// serveConfig is everything `orderwire serve` needs; flags win over the environment.
type serveConfig struct {
	Addr        string
	DataDir     string
	Table       string // DynamoDB table; empty means the embedded store
	CreateTable bool   // create Table first (for DynamoDB Local)
	Tokens      []string
	// SweepEvery is how often the reminder sweep runs; 0 turns the ticker off
	// (POST /local/reminders/run still works).
	SweepEvery time.Duration
	// NotifyEvery is how often the local notifier drains the outbox; 0 turns it off.
	NotifyEvery time.Duration
	// Dev is local mode (--dev): the /local/* routes exist, and the buyer messages no real
	// sender is configured for go to the local outbox. Without it (production mode) the
	// /local/* routes are 404 and serve refuses to start without a real sender.
	Dev bool
	// Retention is the retention policy (ORDERWIRE_RETENTION_*_DAYS, store.RetentionFromEnv).
	Retention store.Retention
}

func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	env := func(key, fallback string) string { return envOr(getenv, key, fallback) }
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("ORDERWIRE_ADDR", "127.0.0.1:8080"), "listen address (env ORDERWIRE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("ORDERWIRE_DATA_DIR", "./orderwire-data"), "where the embedded store and the generated API token live (env ORDERWIRE_DATA_DIR)")
	fs.StringVar(&c.Table, "table", getenv("ORDERWIRE_TABLE"), "use this DynamoDB table instead of the embedded store (env ORDERWIRE_TABLE; endpoint from the standard AWS settings, e.g. AWS_ENDPOINT_URL_DYNAMODB)")
	fs.BoolVar(&c.CreateTable, "create-table", getenv("ORDERWIRE_CREATE_TABLE") == "1", "create the DynamoDB table if it does not exist, e.g. on DynamoDB Local (env ORDERWIRE_CREATE_TABLE=1)")
	fs.DurationVar(&c.SweepEvery, "sweep-every", time.Minute, "how often the payment-reminder sweep runs; 0 disables it")
	fs.DurationVar(&c.NotifyEvery, "notify-every", 2*time.Second, "how often buyer notifications are sent from the outbox; 0 disables it")
	fs.BoolVar(&c.Dev, "dev", false, "local mode for trying orderwire out: the /local/* routes (run the reminder sweep at any instant, list the messages and alerts) and buyer messages in <data-dir>/outbox.jsonl when no sender is configured; never in production")
	if err := fs.Parse(args); err != nil {
		return c, errUsage // the flag package has printed what was wrong, and the usage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return c, errUsage
	}
	c.Tokens = splitList(getenv("ORDERWIRE_API_TOKEN"))
	r, err := store.RetentionFromEnv(getenv)
	if err != nil {
		return c, fmt.Errorf("retention settings: %w", err)
	}
	c.Retention = r
	return c, nil
}

// runServe serves until ctx ends (SIGINT/SIGTERM), then drains requests in flight for up to
// 15 seconds and closes the store.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServeConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := checkDataDir(cfg.DataDir); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	if len(cfg.Tokens) == 0 {
		token, generated, path, err := loadOrCreateToken(cfg.DataDir)
		if err != nil {
			return err
		}
		if generated {
			fmt.Fprintf(stdout, "Generated an API token (saved in %s):\n\n    %s\n\n", path, token)
		} else {
			fmt.Fprintf(stdout, "API token: the one saved in %s\n", path)
		}
		cfg.Tokens = []string{token}
	}
	paymentCfg, err := payment.ConfigFrom(getenv, os.ReadFile)
	if err != nil {
		return fmt.Errorf("payment webhook settings: %w", err)
	}
	providers, err := payment.Providers(paymentCfg)
	if err != nil {
		return fmt.Errorf("payment webhook settings: %w", err)
	}
	for _, w := range paymentCfg.Warnings() {
		logger.Warn("payment webhook settings", "warning", w)
	}
	carriers, err := tracking.Providers(tracking.ConfigFrom(getenv))
	if err != nil {
		return fmt.Errorf("carrier webhook settings: %w", err)
	}
	policy, err := loadPolicy(getenv)
	if err != nil {
		return fmt.Errorf("reminder policy: %w", err)
	}
	window, err := httpapi.DisputeWindowFromEnv(getenv)
	if err != nil {
		return err
	}
	sellerZone, err := console.TimeZoneFromEnv(getenv)
	if err != nil {
		return err
	}
	unshipped, err := httpapi.UnshippedAfterFromEnv(getenv)
	if err != nil {
		return err
	}
	st, where, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	sweeper := &reminder.Sweeper{Store: st, Policy: policy}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	notes, err := setUpNotifications(ctx, cfg, "http://"+ln.Addr().String(), getenv, st, logger)
	if err != nil {
		ln.Close()
		return fmt.Errorf("notification settings: %w", err)
	}
	defer notes.Close()
	orders := &seller.Service{Orders: st, Policy: &policy}
	packs := &evidencepack.Packer{Source: st, SellerName: notes.sellerName, SellerAddress: notes.sellerAddress,
		PDF: summarypdf.Write}
	consoleCfg := console.Config{Orders: orders, List: st, Messages: packs, Unfiled: st, Buyers: st, Evidence: packs,
		Tokens: cfg.Tokens, TimeZone: sellerZone, UnshippedAfter: unshipped, Logger: logger}
	apiCfg := httpapi.Config{
		Orders: orders, Tokens: cfg.Tokens,
		Payments: providers, Events: st, Carriers: carriers, Tracking: st, Logger: logger,
		Preferences: st, Unsubscribe: notes.signer, Unfiled: st,
		Evidence: packs, Messages: packs, OrderList: st, UnshippedAfter: unshipped, Console: console.New(consoleCfg),
		BuyerData: httpapi.BuyerDataConfig{Store: st, DisputeWindow: window, Local: notes.localErasers()},
	}
	if cfg.Dev { // the /local/* routes: without them they are 404
		apiCfg.LocalSweep = func(ctx context.Context, at time.Time) (reminder.Report, error) { return sweeper.Run(ctx, at) }
		apiCfg.LocalDeliver = notes.deliverAt
		apiCfg.LocalOutbox, apiCfg.LocalAlerts = notes.listOutbox(), notes.listAlerts()
	}
	srv := &http.Server{
		Handler:           httpapi.New(apiCfg),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "payment webhooks enabled: %s\n", enabledList("/webhooks/payments/", providers))
	fmt.Fprintf(stdout, "carrier webhooks enabled: %s\n", enabledList("/webhooks/carriers/", carriers))
	notes.describe(stdout)
	if cfg.Dev {
		fmt.Fprintln(stdout, "local mode (--dev): /local/reminders/run, /local/outbox and /local/alerts are on; not for production")
	} else {
		fmt.Fprintln(stdout, "production mode: the /local/* routes are off (run with --dev to try orderwire out locally)")
	}
	fmt.Fprintf(stdout, "orderwire listening on http://%s (store: %s)\n", ln.Addr(), where)
	fmt.Fprintf(stdout, "console: http://%s/console/\n", ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	sweepCtx, stopSweeps := context.WithCancel(ctx)
	defer stopSweeps()
	go sweepEvery(sweepCtx, sweeper, cfg.SweepEvery, logger)
	go notifyEvery(sweepCtx, notes.notifier, cfg.NotifyEvery, logger)
	p, _ := st.(purger) // the embedded store: DynamoDB's TTL does this on AWS
	go purgeEvery(sweepCtx, p, notes.compactors(), cfg.Retention.Messages, time.Hour, logger)
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "orderwire shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// openStore opens DynamoDB when a table is configured, the embedded store otherwise.
func openStore(ctx context.Context, cfg serveConfig) (store.Store, string, error) {
	if cfg.Table == "" {
		st, err := embedded.Open(cfg.DataDir, embedded.Options{Retention: cfg.Retention})
		return st, "embedded, " + cfg.DataDir, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("load AWS configuration: %w", err)
	}
	client := dynamo.NewClient(awsCfg, "")
	if cfg.CreateTable {
		if err := dynamo.CreateTable(ctx, client, cfg.Table); err != nil {
			return nil, "", fmt.Errorf("create table %s: %w", cfg.Table, err)
		}
	}
	st := dynamo.New(client, cfg.Table)
	st.SetRetention(cfg.Retention)
	return st, "DynamoDB table " + cfg.Table, nil
}

// enabledList names the routes of the configured providers, or says how to enable one.
func enabledList[P any](route string, providers map[string]P) string {
	if len(providers) == 0 {
		return "none (set their ORDERWIRE_..._SECRETS settings, see README)"
	}
	names := make([]string, 0, len(providers))
	for name := range providers {
		names = append(names, route+name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
