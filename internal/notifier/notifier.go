// Package notifier delivers the outbox rows (order.Notification) to buyers by email and SMS,
// and the seller alert rows (order.NotificationKind.ForSeller) to the seller's AlertSinks.
//
// A row is delivered under a claim (store.Outbox): the notifier claims a due pending row,
// decides the channels (plan.go), holds back what the buyer's quiet hours forbid (quiet.go),
// renders the message once per claim, sends it on each channel, and records one outcome per claim.
// The contract it keeps is "at most once per channel": a message is handed to a provider
// only under a claim, a channel whose delivery is recorded is never sent again, and a send
// whose outcome cannot be known (a crash, an uncertain provider failure) leaves the row
// unknown for a human rather than resent. Buyer addresses and phone numbers never reach the
// logs or the stored reasons.
package notifier

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/message/templates"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Store is what the notifier needs of the store (store.Store satisfies it): the order and
// its buyer, and the outbox's conditional writes with the contracts of store.Outbox.
type Store interface {
	GetOrder(ctx context.Context, id string) (order.Order, error)
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	store.Outbox
}

// EmailSender hands one email to a provider. Its errors follow message.Error: temporary,
// permanent or uncertain; any other error counts as uncertain.
type EmailSender interface {
	SendEmail(ctx context.Context, m message.Email) (message.Sent, error)
}

// SuppressionChecker reports whether the provider refuses to send to an address (the SES
// account-level suppression list).
type SuppressionChecker interface {
	Suppressed(ctx context.Context, address string) (bool, error)
}

// SMSSender hands one text message to a provider, and reports whether a phone number has
// opted out of SMS at the provider (a STOP reply).
type SMSSender interface {
	SendSMS(ctx context.Context, m message.SMS) (message.Sent, error)
	OptedOut(ctx context.Context, phone string) (bool, error)
}

// Config is what a Notifier is built from. Zero values take the defaults given per field.
type Config struct {
	Store        Store
	Email        EmailSender        // nil: no email channel
	Suppressions SuppressionChecker // nil: addresses are not checked before sending
	SMS          SMSSender          // nil: no SMS channel
	// Alerts are the seller alert channels (SNS topic, local file, seller email); seller
	// rows are delivered on each and never on Email or SMS to the buyer. None: alerts are
	// skipped (ReasonNoAlertSink).
	Alerts []AlertSink
	// Render renders a row's message; nil means templates.Render.
	Render func(templates.Data) (templates.Message, error)
	// UnsubscribeURL returns the buyer's unsubscribe link; nil or "" means no link and no
	// List-Unsubscribe header.
	UnsubscribeURL func(buyerID string, now time.Time) string
	// From is the email sender ("Seller Name <orders@seller.example>"); SellerName and
	// SellerAddress are shown in the messages.
	From, SellerName, SellerAddress string
	// Owner names this notifier in its claims (hostname+pid, a Lambda request id); rows
	// another owner holds are left alone. Empty means "<hostname>:<pid>". Two notifiers
	// must not share a name.
	Owner string
	// Lease is how long a claim holds a row; zero means 2 minutes.
	Lease time.Duration
	// SendTries is how many times one claim tries a channel that fails temporarily, with
	// backoff 200ms, 800ms, ... between tries; zero means 3.
	SendTries int
	// MaxAttempts is how many claims a row that keeps failing temporarily gets before its
	// channel is recorded failed; zero means 6. Every claim counts (Notification.Attempts),
	// a quiet-hours deferral included.
	MaxAttempts int
	// MaxAge is how old a row may be and still be sent (older rows are skipped, "too old
	// to send"); zero means DefaultMaxAge, negative means no limit.
	MaxAge time.Duration
	// RetryAfter is how long a row waits after its attempt-th claim failed temporarily;
	// nil means 1m, 5m, 25m, ~2h, then 6h.
	RetryAfter func(attempt int) time.Duration
	// Now is the clock (nil: time.Now); Sleep waits between tries (nil: a timer that ends
	// early with ctx's error); Logger receives one line per delivered row (nil: discard).
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Logger *slog.Logger
	// Metrics, when set, counts each outcome the notifier records (nil: not counted).
	Metrics Metrics
}

// Metrics counts outbox rows by kind and the status an outcome recorded (metrics.Recorder
// satisfies it): one per Deliver whose outcome was written (sent, skipped, failed,
// unknown, or pending when the row waits for a retry or the end of quiet hours), and one
// unknown per lapsed claim RunDue expires. A claim lost before its outcome was written is
// not counted: its holder's outcome, or the expiry, is.
type Metrics interface {
	MessageFinished(kind, status string)
}

// The defaults of Config.
const (
	DefaultLease       = 2 * time.Minute
	DefaultSendTries   = 3
	DefaultMaxAttempts = 6
	// finishTimeout bounds the write of an outcome, which runs even when the caller's
	// context has ended: an outcome that is known must not be left to lapse into unknown.
	finishTimeout = 10 * time.Second
)

// Notifier delivers outbox rows. It keeps no state between rows beyond a cache of time
// zones, and is safe for concurrent use.
type Notifier struct {
	cfg   Config
	log   *slog.Logger
	zones sync.Map // time zone name → *time.Location
}

// New returns a Notifier for cfg, with the defaults filled in. cfg.Store is required.
func New(cfg Config) *Notifier {
	if cfg.Render == nil {
		cfg.Render = templates.Render
	}
	if cfg.Owner == "" {
		host, _ := os.Hostname()
		cfg.Owner = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.SendTries <= 0 {
		cfg.SendTries = DefaultSendTries
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.RetryAfter == nil {
		cfg.RetryAfter = DefaultRetryAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{cfg: cfg, log: log}
}

// DefaultRetryAfter is 1 minute after the first claim, five times longer after each next
// one (5m, 25m, 2h05m), and never more than 6 hours.
func DefaultRetryAfter(attempt int) time.Duration {
	const limit = 6 * time.Hour
	d := time.Minute
	for i := 1; i < attempt; i++ {
		d *= 5
		if d >= limit {
			return limit
		}
	}
	return d
}

// backoff is the pause after the try-th failed try of one claim: 200ms, 800ms, 3.2s, then
// 5s.
func backoff(try int) time.Duration {
	d := 200 * time.Millisecond
	for i := 1; i < try; i++ {
		d *= 4
	}
	return min(d, 5*time.Second)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// location returns the buyer's zone for quiet hours: the buyer's, else the one copied to
// the order, else UTC; an unknown name counts as absent.
func (n *Notifier) location(b order.Buyer, o order.Order) (*time.Location, string) {
	for _, name := range []string{b.TimeZone, o.BuyerTimeZone} {
		if name == "" || name == "Local" {
			continue
		}
		if loc, ok := n.zones.Load(name); ok {
			return loc.(*time.Location), name
		}
		if loc, err := time.LoadLocation(name); err == nil {
			n.zones.Store(name, loc)
			return loc, name
		}
	}
	return time.UTC, "UTC"
}

// Result is what Deliver did with one row.
type Result struct {
	Ref order.NotificationRef
	// Claimed: this call held the row. False when another notifier holds it, it is final,
	// it is not due yet, or it does not exist (Note says which).
	Claimed bool
	// LostClaim: the outcome could not be recorded because the row was no longer ours.
	LostClaim bool
	// Status is the row's status as recorded: sent, skipped, failed, unknown, or pending
	// (deferred to NotBefore); "" when not claimed.
	Status    string
	Reason    string
	NotBefore time.Time // when a pending row is due again
	Messages  int       // messages handed to a provider during this claim
	Note      string
}

// Summary counts what RunDue did, for the caller's log line.
type Summary struct {
	Due        int `json:"due"`         // due rows read (each once per run)
	Claimed    int `json:"claimed"`     // rows claimed and worked on
	NotClaimed int `json:"not_claimed"` // held elsewhere, final or not due by the time of the claim
	Sent       int `json:"sent"`
	Skipped    int `json:"skipped"`
	Failed     int `json:"failed"`
	Deferred   int `json:"deferred"` // back to pending: quiet hours or a retry
	Unknown    int `json:"unknown"`  // recorded unknown by this run (an uncertain send)
	Expired    int `json:"expired"`  // lapsed claims marked unknown
	LostClaims int `json:"lost_claims"`
	Messages   int `json:"messages"` // messages handed to a provider
	Errors     int `json:"errors"`   // rows whose claim or outcome could not be written
}

// add counts r.
func (s *Summary) add(r Result) {
	if !r.Claimed {
		s.NotClaimed++
		return
	}
	s.Claimed++
	s.Messages += r.Messages
	if r.LostClaim {
		s.LostClaims++
		return
	}
	switch r.Status {
	case order.NotificationSent:
		s.Sent++
	case order.NotificationSkipped:
		s.Skipped++
	case order.NotificationFailed:
		s.Failed++
	case order.NotificationPending:
		s.Deferred++
	case order.NotificationUnknown:
		s.Unknown++
	}
}
