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
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/prommetrics"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
	"github.com/orderwire/orderwire/internal/wiring"
	"github.com/orderwire/orderwire/internal/wiring/sellerapi"
)

var errUsage = errors.New("usage")

// serveConfig is everything `orderwire serve` needs; flags win over the environment. Each
// component's settings are read by the wiring (wiring.StoreConfigFrom, APIConfigFrom,
// NotifierConfigFrom), as on AWS.
type serveConfig struct {
	Addr  string
	Store wiring.StoreConfig
	API   wiring.APIConfig
	// SweepEvery is how often the reminder sweep runs; 0 turns the ticker off
	// (POST /local/reminders/run still works).
	SweepEvery time.Duration
	// NotifyEvery is how often the local notifier drains the outbox; 0 turns it off.
	NotifyEvery time.Duration
	// Dev is local mode (--dev): the /local/* routes exist, and the buyer messages no real
	// sender is configured for go to the local outbox. Without it (production mode) the
	// /local/* routes are 404 and serve refuses to start without a real sender.
	Dev bool
	// Metrics counts what the server does, served at GET /metrics (set by runServe).
	Metrics *prommetrics.Recorder
}

func parseServeConfig(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	src := wiring.EnvSource(getenv)
	var c serveConfig
	sc, storeErr := wiring.StoreConfigFrom(src)
	api, apiErr := wiring.APIConfigFrom(src)
	addr := strings.TrimSpace(getenv(wiring.EnvAddr))
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", addr, "listen address (env "+wiring.EnvAddr+")")
	fs.StringVar(&sc.DataDir, "data-dir", sc.DataDir, "where the embedded store and the generated API token live (env "+wiring.EnvDataDir+")")
	fs.StringVar(&sc.Table, "table", sc.Table, "use this DynamoDB table instead of the embedded store (env "+wiring.EnvTable+"; endpoint from the standard AWS settings, e.g. AWS_ENDPOINT_URL_DYNAMODB)")
	fs.BoolVar(&sc.CreateTable, "create-table", sc.CreateTable, "create the DynamoDB table if it does not exist, e.g. on DynamoDB Local (env "+wiring.EnvCreateTable+"=1)")
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
	c.Store, c.API = sc, api
	if storeErr != nil {
		return c, fmt.Errorf("retention settings: %w", storeErr)
	}
	if apiErr != nil {
		return c, fmt.Errorf("seller API settings: %w", apiErr)
	}
	return c, nil
}

// runServe serves until ctx ends (SIGINT/SIGTERM), then drains requests in flight for up to
// 15 seconds and closes the notification outputs and the store; an error closing them is
// returned with any other.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseServeConfig(args, getenv, stderr)
	if err != nil {
		return err
	}
	if err := checkDataDir(cfg.Store.DataDir); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	if len(cfg.API.Tokens) == 0 {
		if cfg.API.Tokens, err = announceToken(cfg.Store.DataDir, stdout); err != nil {
			return err
		}
	}
	if cfg.Dev {
		if getenv, err = withDevWebhookSecrets(getenv, cfg.Store.DataDir, stdout); err != nil {
			return err
		}
	}
	hooks, err := loadWebhooks(getenv, logger)
	if err != nil {
		return err
	}
	st, where, err := wiring.OpenStore(ctx, cfg.Store, wiring.AWSConfig)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, st.Close()) }()
	cfg.Metrics = prommetrics.New()
	sweeper := &reminder.Sweeper{Store: st, Policy: cfg.API.Policy, Metrics: cfg.Metrics}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	notes, err := setUpNotifications(ctx, cfg, "http://"+ln.Addr().String(), getenv, st, logger)
	if err != nil {
		_ = ln.Close() // nothing was served on it: the settings error is the one to report
		return fmt.Errorf("notification settings: %w", err)
	}
	defer func() { err = errors.Join(err, notes.Close()) }()
	srv := newHTTPServer(apiConfig(cfg, st, hooks, notes, sweeper, logger), logger)
	announce(stdout, cfg, hooks, notes, ln.Addr(), where)
	return serveUntilDone(ctx, srv, ln, cfg, st, sweeper, notes, logger, stdout)
}

// announceToken loads the API token saved in dataDir, or generates and saves one, and says
// which on stdout (a generated token is printed once, in full).
func announceToken(dataDir string, stdout io.Writer) ([]string, error) {
	token, generated, path, err := loadOrCreateToken(dataDir)
	if err != nil {
		return nil, err
	}
	if generated {
		fmt.Fprintf(stdout, "Generated an API token (saved in %s):\n\n    %s\n\n", path, token)
	} else {
		fmt.Fprintf(stdout, "API token: the one saved in %s\n", path)
	}
	return []string{token}, nil
}

// webhooks are the enabled payment providers and carriers, by route name.
type webhooks struct {
	payments map[string]payment.Provider
	carriers map[string]tracking.Provider
}

// loadWebhooks builds the providers the environment configures (wiring.Payments,
// wiring.Carriers), naming the settings that are not valid.
func loadWebhooks(getenv func(string) string, logger *slog.Logger) (webhooks, error) {
	src := wiring.EnvSource(getenv)
	providers, err := wiring.Payments(src, os.ReadFile, logger)
	if err != nil {
		return webhooks{}, fmt.Errorf("payment webhook settings: %w", err)
	}
	carriers, err := wiring.Carriers(src, logger)
	if err != nil {
		return webhooks{}, fmt.Errorf("carrier webhook settings: %w", err)
	}
	return webhooks{payments: providers, carriers: carriers}, nil
}

// apiConfig wires the HTTP API (sellerapi.Config) to the store, the webhooks, the
// notifications and the metrics; in local mode (cfg.Dev) it adds the /local/* routes, which
// are 404 otherwise.
func apiConfig(cfg serveConfig, st store.Store, hooks webhooks, notes *notifications, sweeper *reminder.Sweeper, logger *slog.Logger) httpapi.Config {
	apiCfg := sellerapi.Config(cfg.API, st, notes.signer, sellerapi.Shop{Name: notes.sellerName, Address: notes.sellerAddress}, logger)
	apiCfg.Payments, apiCfg.Events, apiCfg.Carriers, apiCfg.Tracking = hooks.payments, st, hooks.carriers, st
	apiCfg.BuyerData.Local = notes.localErasers()
	apiCfg.Metrics, apiCfg.MetricsPage = cfg.Metrics, cfg.Metrics.Handler()
	if cfg.Dev {
		apiCfg.LocalSweep = func(ctx context.Context, at time.Time) (reminder.Report, error) { return sweeper.Run(ctx, at) }
		apiCfg.LocalDeliver = notes.deliverAt
		apiCfg.LocalOutbox, apiCfg.LocalAlerts = notes.listOutbox(), notes.listAlerts()
	}
	return apiCfg
}

// newHTTPServer is the server for the API: bounded header, body and idle times, and the
// server's own errors logged as warnings.
func newHTTPServer(h httpapi.Config, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           httpapi.New(h),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// announce tells the user on stdout what is enabled and in which mode, records the cold
// start (everything is set up by then), and says where serve listens, with the metrics page
// and the console.
func announce(stdout io.Writer, cfg serveConfig, hooks webhooks, notes *notifications, addr net.Addr, where string) {
	fmt.Fprintf(stdout, "payment webhooks enabled: %s\n", enabledList("/webhooks/payments/", hooks.payments))
	fmt.Fprintf(stdout, "carrier webhooks enabled: %s\n", enabledList("/webhooks/carriers/", hooks.carriers))
	notes.describe(stdout)
	if cfg.Dev {
		fmt.Fprintln(stdout, "local mode (--dev): /local/reminders/run, /local/outbox and /local/alerts are on; not for production")
	} else {
		fmt.Fprintln(stdout, "production mode: the /local/* routes are off (run with --dev to try orderwire out locally)")
	}
	cfg.Metrics.ColdStart("serve", metrics.SinceStart())
	fmt.Fprintf(stdout, "metrics: GET http://%s/metrics (Prometheus text format; open to loopback clients)\n", addr)
	fmt.Fprintf(stdout, "orderwire listening on http://%s (store: %s)\n", addr, where)
	fmt.Fprintf(stdout, "console: http://%s/console/\n", addr)
}

// serveUntilDone serves on ln and runs the background loops (reminder sweeps, the notifier,
// the hourly purge of the embedded store) until ctx ends or serving fails, then stops the
// loops and drains requests in flight for up to 15 seconds.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, cfg serveConfig, st store.Store,
	sweeper *reminder.Sweeper, notes *notifications, logger *slog.Logger, stdout io.Writer) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	sweepCtx, stopSweeps := context.WithCancel(ctx)
	defer stopSweeps()
	go sweepEvery(sweepCtx, sweeper, cfg.SweepEvery, logger)
	go notifyEvery(sweepCtx, notes.notifier, cfg.NotifyEvery, logger)
	p, _ := st.(purger) // the embedded store: DynamoDB's TTL does this on AWS
	go purgeEvery(sweepCtx, p, notes.compactors(), cfg.Store.Retention.Messages, time.Hour, logger)
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

// enabledList names the routes of the configured providers, or says how to enable one.
func enabledList[P any](route string, providers map[string]P) string {
	if len(providers) == 0 {
		return "none (set their ORDERWIRE_..._SECRETS settings, see README)"
	}
	return strings.Join(wiring.Routes(route, providers), ", ")
}
