package notifier_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// start is 10:00 in Lisbon (UTC+0 in November): no quiet hours.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// world is one notifier over a memStore, recording senders and a fake clock.
type world struct {
	t      *testing.T
	clock  *clock
	store  *memStore
	email  *sender
	sms    *sender
	render *renderer
	logs   *syncBuffer
	n      *notifier.Notifier
	sleeps []time.Duration
	mu     sync.Mutex
}

// syncBuffer is a bytes.Buffer safe for concurrent writers (slog handlers write whole
// records, but from any goroutine).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newWorld(t *testing.T, edit ...func(*notifier.Config)) *world {
	w := &world{t: t, clock: &clock{t: start}, store: newMemStore(), email: newSender(), sms: newSender(),
		render: &renderer{}, logs: &syncBuffer{}}
	cfg := notifier.Config{Store: w.store, Email: w.email, SMS: w.sms, Render: w.render.Render,
		From: "Loja Ana <orders@loja.example>", SellerName: "Loja Ana", SellerAddress: "Rua 1, Lisboa",
		UnsubscribeURL: func(buyerID string, _ time.Time) string { return "https://u.example/" + buyerID },
		Owner:          "test-notifier", Now: w.clock.Now,
		Sleep: func(_ context.Context, d time.Duration) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.sleeps = append(w.sleeps, d)
			return nil
		},
		Logger: slog.New(slog.NewJSONHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	for _, e := range edit {
		e(&cfg)
	}
	w.n = notifier.New(cfg)
	return w
}

// buyer returns a buyer with an address and a phone number in Lisbon.
func buyer(id string) order.Buyer {
	return order.Buyer{ID: id, Name: "Ana Souza", Email: id + "@mail.example", Phone: "+351912345678",
		Locale: "pt-PT", TimeZone: "Europe/Lisbon", Country: "PT"}
}

// add stores an order of buyer b with one pending row of kind k, due now, and returns its
// ref.
func (w *world) add(id string, b order.Buyer, k order.NotificationKind, edit ...func(*order.Order, *order.Notification)) order.NotificationRef {
	o := order.Order{ID: id, BuyerID: b.ID, AmountMinor: 12990, Currency: "EUR", CreatedAt: start.Add(-time.Hour),
		PaymentDueAt: start.Add(72 * time.Hour), Status: order.StatusPendingPayment, Version: 2, UpdatedAt: start}
	n := order.Notification{OrderID: id, BuyerID: b.ID, Kind: k, Seq: 2, Status: order.NotificationPending,
		CreatedAt: w.clock.Now(), CauseSource: "test", CauseEventID: "evt-" + id}
	for _, e := range edit {
		e(&o, &n)
	}
	w.store.add(o, b, n)
	return n.Ref()
}

func (w *world) deliver(ref order.NotificationRef) notifier.Result {
	w.t.Helper()
	res, err := w.n.Deliver(context.Background(), ref)
	if err != nil {
		w.t.Fatalf("Deliver(%s): %v", ref, err)
	}
	return res
}

func (w *world) runDue() notifier.Summary {
	w.t.Helper()
	sum, err := w.n.RunDue(context.Background(), 10)
	if err != nil {
		w.t.Fatalf("RunDue: %v", err)
	}
	return sum
}

// wantRow checks the stored row's status, reason and deliveries (channel=status list).
func (w *world) wantRow(ref order.NotificationRef, status, reason string, deliveries ...string) order.Notification {
	w.t.Helper()
	n := w.store.row(ref)
	var got []string
	for _, d := range n.Deliveries {
		got = append(got, d.Channel+"="+d.Status)
	}
	if n.Status != status || n.Reason != reason || fmt.Sprint(got) != fmt.Sprint(deliveries) {
		w.t.Fatalf("row %s = %s %q %v; want %s %q %v", ref, n.Status, n.Reason, got, status, reason, deliveries)
	}
	return n
}

func (w *world) wantSends(emails, texts int) {
	w.t.Helper()
	_, e := w.email.total()
	_, s := w.sms.total()
	if e != emails || s != texts {
		w.t.Fatalf("accepted %d emails and %d SMS, want %d and %d", e, s, emails, texts)
	}
}
