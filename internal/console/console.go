package console

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/sentmessage"
	"github.com/orderwire/orderwire/internal/store"
)

// Orders reads one order with its timeline, registers parcels and rates buyers
// (seller.Service satisfies it).
type Orders interface {
	GetOrder(ctx context.Context, id string) (order.Order, []order.TimelineEntry, error)
	AddShipment(ctx context.Context, id string, in seller.ShipmentInput) (order.Order, bool, error)
	RatingOf(b order.Buyer) (reminder.Rating, reminder.Cadence)
}

// Lister lists orders from an index (store.OrderLister; the stores implement it).
type Lister interface {
	ListOrders(ctx context.Context, q store.OrderQuery) (store.OrderPage, error)
}

// Messages returns what the buyer of an order was sent: each buyer outbox row with its
// re-rendered texts (MessagesOf, for an order and buyer already read; b zero when unknown),
// or only the rows (BuyerRows); seller alerts left out (evidencepack.Packer, over
// internal/sentmessage).
type Messages interface {
	MessagesOf(ctx context.Context, o order.Order, b order.Buyer) ([]sentmessage.Message, error)
	BuyerRows(ctx context.Context, orderID string) ([]order.Notification, error)
}

// Unfiled lists the unfiled events and files one on an order (the stores).
type Unfiled interface {
	UnfiledEvents(ctx context.Context, after string, limit int) ([]store.UnfiledEvent, error)
	AssignEvent(ctx context.Context, source, eventID, orderID string, now time.Time) (store.Recorded, error)
}

// Buyers reads a buyer (name, masked contact details, preferences) and replaces the
// buyer's message preferences (the stores).
type Buyers interface {
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	SetPreferences(ctx context.Context, buyerID string, p order.Preferences) error
}

// EvidencePacks prepares an order's evidence pack (evidencepack.Packer satisfies it): the
// returned function streams the zip.
type EvidencePacks interface {
	PackEvidence(ctx context.Context, orderID, lang string) (func(ctx context.Context, w io.Writer) error, error)
}

// SessionRevoker records signed-out sessions and tells whether one is (the stores
// implement it). RevokeSession records that session id is revoked until until (the
// cookie's expiry); SessionRevoked reports whether it is revoked at now, false once
// until has passed or for an id never revoked.
type SessionRevoker interface {
	RevokeSession(ctx context.Context, id string, until time.Time) error
	SessionRevoked(ctx context.Context, id string, now time.Time) (bool, error)
}

// Config wires the console. Orders, Messages, Unfiled, Buyers and Sessions are required
// (without Sessions, which only tests may leave out, signing out cannot end a copied
// cookie); List and Evidence are optional (without List the Today and Orders pages say
// that the listing is not available; without Evidence the download is 404).
type Config struct {
	Orders   Orders
	List     Lister
	Messages Messages
	Unfiled  Unfiled
	Buyers   Buyers
	Evidence EvidencePacks
	// Sessions records sign-outs; every request with a session cookie reads it once.
	Sessions SessionRevoker
	// Tokens are the seller API's bearer tokens; signing in takes any of them. Empty: no
	// one can sign in.
	Tokens []string
	// TimeZone is the seller's: every time is shown in it (nil means UTC).
	TimeZone *time.Location
	// UnshippedAfter is how long a paid order may wait for a parcel before it needs
	// attention (zero means 3 days).
	UnshippedAfter time.Duration
	// Now is the clock (nil means time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// DefaultUnshippedAfter is the default of Config.UnshippedAfter.
const DefaultUnshippedAfter = 3 * 24 * time.Hour

type console struct {
	cfg      Config
	keys     keyring
	pages    pages
	throttle throttle
	log      *slog.Logger
}

// New returns the handler of every /console/ route (see the package doc and the contract).
func New(cfg Config) http.Handler {
	if cfg.TimeZone == nil {
		cfg.TimeZone = time.UTC
	}
	if cfg.UnshippedAfter <= 0 {
		cfg.UnshippedAfter = DefaultUnshippedAfter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &console{cfg: cfg, keys: newKeyring(cfg.Tokens), log: cfg.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.pages = mustParsePages(cfg.TimeZone)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /console/static/console.css", serveCSS)
	mux.HandleFunc("GET /console/signin", c.signinPage)
	mux.HandleFunc("POST /console/signin", c.signin)
	// The language switch checks the session itself: without one it serves the sign-in page only.
	mux.HandleFunc("GET /console/lang", c.switchLang)

	mux.Handle("GET /console/{$}", c.session(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/today", http.StatusSeeOther)
	}))
	mux.Handle("POST /console/signout", c.session(c.signout))
	mux.Handle("GET /console/today", c.session(c.today))
	mux.Handle("GET /console/orders", c.session(c.orders))
	mux.Handle("GET /console/orders/{id}", c.session(c.orderPage))
	mux.Handle("POST /console/orders/{id}/shipments", c.session(c.addShipment))
	mux.Handle("GET /console/orders/{id}/evidence", c.session(c.evidence))
	mux.Handle("GET /console/inbox", c.session(c.inbox))
	mux.Handle("POST /console/inbox/assign", c.session(c.assign))
	mux.Handle("GET /console/buyers/{id}", c.session(c.buyerPage))
	mux.Handle("POST /console/buyers/{id}/preferences", c.session(c.setPreferences))
	// Anything else under /console/ is 404 — but only with a session, so that without one
	// nothing (not even which paths exist) is revealed.
	mux.Handle("/console/", c.session(func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, order.Errorf(order.CodeNotFound, "console.New", "no such page"))
	}))
	return headers(mux)
}

// headers sets the response headers every console response carries.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.URL.Path != "/console/static/console.css" {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// now is the console's clock.
func (c *console) now() time.Time { return c.cfg.Now() }
