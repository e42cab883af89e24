// Package httpapi maps orderwire's HTTP routes to the use cases. The same http.Handler
// serves the local server (`orderwire serve`) and, through internal/lambdahttp, API Gateway.
package httpapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/tracking"
)

// MaxBodyBytes is the largest request body accepted (1 MiB); larger is 413 too_large.
const MaxBodyBytes = 1 << 20

// OrderService is what the order routes need (seller.Service satisfies it).
type OrderService interface {
	PutOrder(ctx context.Context, id string, t order.Terms) (order.Order, bool, error)
	GetOrder(ctx context.Context, id string) (order.Order, []order.TimelineEntry, error)
	AddShipment(ctx context.Context, id string, in seller.ShipmentInput) (order.Order, bool, error)
	BuyerProfile(ctx context.Context, id string) (seller.BuyerProfile, error)
}

// Config wires the handler.
type Config struct {
	Orders OrderService
	// Payments are the enabled payment providers by route name; Events records what they send.
	Payments map[string]payment.Provider
	Events   EventRecorder
	// Carriers are the enabled carrier-tracking senders by route name; Tracking records
	// what they send.
	Carriers map[string]tracking.Provider
	Tracking TrackingRecorder
	// Preferences, when set, serves PUT /v1/buyers/{buyer_id}/preferences; with Unsubscribe
	// also set, it serves GET and POST /unsubscribe (the link in buyer emails, whose token
	// Unsubscribe verifies). Without them those routes do not exist (404).
	Preferences PreferenceStore
	Unsubscribe TokenVerifier
	// Unfiled, when set, serves GET /v1/events?status=unfiled and
	// POST /v1/events/{provider}/{event_id}/assign.
	Unfiled UnfiledDesk
	// Evidence, when set, serves GET /v1/orders/{order_id}/evidence (the evidence pack).
	Evidence EvidencePacks
	// OrderList, when set, serves GET /v1/orders (the seller's order list and its filters).
	OrderList OrderLister
	// UnshippedAfter is how long after its payment an order with no parcel needs attention
	// (attention=unshipped); zero means DefaultUnshippedAfter (setting ORDERWIRE_UNSHIPPED_DAYS, read by internal/wiring).
	UnshippedAfter time.Duration
	// Messages, when set, serves GET /v1/orders/{order_id}/messages: what the buyer was sent.
	Messages MessageLog
	// BuyerData, when its Store is set, serves DELETE /v1/buyers/{buyer_id} (erasure) and
	// GET /v1/buyers/{buyer_id}/export.
	BuyerData BuyerDataConfig
	// LocalSweep, when set (local server only), serves POST /local/reminders/run;
	// LocalDeliver, when set too, delivers what that sweep queued, as of the same instant.
	LocalSweep   SweepFunc
	LocalDeliver DeliverFunc
	// LocalOutbox, when set (local server only), serves GET /local/outbox.
	LocalOutbox OutboxLister
	// LocalAlerts, when set (local server only), serves GET /local/alerts: the seller alerts
	// the local alerts sink has captured.
	LocalAlerts OutboxLister
	// Console, when set, serves the seller console: GET and POST under /console/ (see
	// internal/console; it does its own session authentication), and GET /console redirects
	// to /console/today. The console's routes are not in the route table (they are HTML
	// pages, not the seller API that openapi.json documents).
	Console http.Handler
	// Metrics, when set, counts each delivery to an enabled webhook route by its outcome
	// (metrics.Outcomes); deliveries to a provider that is not enabled (404) are not
	// counted, so a stranger cannot add label values.
	Metrics EventMetrics
	// MetricsPage, when set (`orderwire serve`: prommetrics.Recorder.Handler), serves
	// GET /metrics: to loopback clients without a token, to others only with a seller API
	// token (see metricsPage). Like the console it is not in the route table: Prometheus
	// text for an operator, not the seller API that openapi.json documents.
	MetricsPage http.Handler
	// Now is the clock for signature time windows, unsubscribe-link expiry and preference
	// timestamps; nil means time.Now.
	Now func() time.Time
	// Tokens are the accepted bearer tokens of the seller API; several may be valid at once
	// while a token is rotated. An empty list refuses every authenticated request.
	Tokens []string
	Logger *slog.Logger
}

type api struct {
	orders         OrderService
	payments       map[string]payment.Provider
	events         EventRecorder
	carriers       map[string]tracking.Provider
	tracking       TrackingRecorder
	prefs          PreferenceStore
	verifier       TokenVerifier
	unfiled        UnfiledDesk
	sweep          SweepFunc
	deliver        DeliverFunc
	outbox         OutboxLister
	alerts         OutboxLister
	packs          EvidencePacks
	lister         OrderLister
	messages       MessageLog
	unshippedAfter time.Duration
	console        http.Handler
	metrics        EventMetrics
	metricsHandler http.Handler
	buyerData      BuyerDataConfig
	now            func() time.Time
	tokenHashes    [][sha256.Size]byte
	log            *slog.Logger
}

// New returns the handler for every orderwire route.
func New(cfg Config) http.Handler {
	a := newAPI(cfg)
	return a.logged(a.mux())
}

func newAPI(cfg Config) *api {
	a := &api{orders: cfg.Orders, payments: cfg.Payments, events: cfg.Events, carriers: cfg.Carriers,
		tracking: cfg.Tracking, prefs: cfg.Preferences, unfiled: cfg.Unfiled, verifier: cfg.Unsubscribe, sweep: cfg.LocalSweep, deliver: cfg.LocalDeliver,
		outbox: cfg.LocalOutbox, alerts: cfg.LocalAlerts, packs: cfg.Evidence, buyerData: cfg.BuyerData, now: cfg.Now, log: cfg.Logger,
		lister: cfg.OrderList, messages: cfg.Messages, unshippedAfter: cfg.UnshippedAfter, console: cfg.Console,
		metrics: cfg.Metrics, metricsHandler: cfg.MetricsPage}
	if a.unshippedAfter <= 0 {
		a.unshippedAfter = DefaultUnshippedAfter
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	for _, t := range cfg.Tokens {
		if t != "" {
			a.tokenHashes = append(a.tokenHashes, sha256.Sum256([]byte(t)))
		}
	}
	return a
}

// authenticated admits a request only with a valid "Authorization: Bearer <token>". Tokens
// are compared as SHA-256 digests in constant time, so neither content nor length leaks.
func (a *api) authenticated(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !a.validToken(strings.TrimSpace(token)) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="orderwire"`)
			writeError(w, order.Errorf(order.CodeUnauthorized, "httpapi.authenticated", "a valid bearer token is required"))
			return
		}
		next(w, r)
	})
}

func (a *api) validToken(token string) bool {
	if token == "" {
		return false
	}
	got := sha256.Sum256([]byte(token))
	match := 0
	for _, want := range a.tokenHashes {
		match |= subtle.ConstantTimeCompare(got[:], want[:])
	}
	return match == 1
}

// logged writes one log line per request, at the edge: route, status, duration, and for
// failures the error code and its internal cause. Bodies, headers and the URL (whose query
// may carry an unsubscribe token) are never logged, only the route pattern, so buyer contact
// details and credentials cannot reach the log.
func (a *api) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		attrs := append([]any{"method", r.Method, "route", r.Pattern, "status", rec.status,
			"duration_ms", time.Since(start).Milliseconds()}, rec.attrs...)
		if rec.err == nil {
			a.log.Info("request", attrs...)
			return
		}
		attrs = append(attrs, "code", order.ErrorCode(rec.err))
		if rec.status >= 500 {
			a.log.Error("request", append(attrs, "err", rec.err.Error())...)
			return
		}
		a.log.Warn("request", attrs...)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	err    error
	attrs  []any // what the handler wants on the request's log line
}

// annotate adds key/value pairs to the request's one log line. Never pass buyer contact
// details or secrets.
func annotate(w http.ResponseWriter, kv ...any) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.attrs = append(rec.attrs, kv...)
	}
}

// Unwrap lets http.ResponseController reach the server's writer (deadlines, flushing).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
