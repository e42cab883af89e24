package notifier_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// start is 10:00 in Lisbon (UTC+0 in November): no quiet hours.
var start = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// world is one notifier over an in-memory store (internal/memstore: the embedded adapter's
// logic, conditional writes and all), recording senders and a fake clock.
type world struct {
	t      *testing.T
	clock  *clock
	store  *memstore.Store
	orders []string // the ids add stored, in order: rows lists their outbox rows
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
	st, err := memstore.New(memstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, clock: &clock{t: start}, store: st, email: newSender(), sms: newSender(),
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

// add stores an order of buyer b with one pending row of kind k, due now (see seed), and
// returns its ref. edit may change the order and the row before they are written.
func (w *world) add(id string, b order.Buyer, k order.NotificationKind, edit ...func(*order.Order, *order.Notification)) order.NotificationRef {
	o := order.Order{ID: id, BuyerID: b.ID, AmountMinor: 12990, Currency: "EUR", CreatedAt: start.Add(-time.Hour),
		PaymentDueAt: start.Add(72 * time.Hour), Status: order.StatusPendingPayment, Version: 1, UpdatedAt: start}
	n := order.Notification{OrderID: id, BuyerID: b.ID, Kind: k, Seq: 2, Status: order.NotificationPending,
		CreatedAt: w.clock.Now(), CauseSource: "test", CauseEventID: "evt-" + id}
	for _, e := range edit {
		e(&o, &n)
	}
	seed(w.t, w.store, o, b, n)
	w.orders = append(w.orders, id)
	return n.Ref()
}

// seed writes order o and its rows the way the application does, with the store's own
// methods: SaveOrder (o as version 1, with buyer b's contact), SetPreferences (b's), then
// the rows in one ApplyDunning of o's version 2, as a reminder step writes its message.
// Every row so starts where a real one does, and reaches any later state only through the
// Outbox methods.
func seed(tb testing.TB, st store.Store, o order.Order, b order.Buyer, rows ...order.Notification) {
	tb.Helper()
	ctx := context.Background()
	o.Version = 1
	if err := st.SaveOrder(ctx, o, b); err != nil {
		tb.Fatalf("SaveOrder(%s): %v", o.ID, err)
	}
	if err := st.SetPreferences(ctx, b.ID, b.Preferences); err != nil {
		tb.Fatalf("SetPreferences(%s): %v", b.ID, err)
	}
	o.Version = 2
	if err := st.ApplyDunning(ctx, order.DunningChange{Order: o, Notify: rows}); err != nil {
		tb.Fatalf("ApplyDunning(%s): %v", o.ID, err)
	}
}

// storedRow reads row ref back from st.
func storedRow(tb testing.TB, st store.Store, ref order.NotificationRef) order.Notification {
	tb.Helper()
	rows, err := st.Notifications(context.Background(), ref.OrderID)
	if err != nil {
		tb.Fatalf("Notifications(%s): %v", ref.OrderID, err)
	}
	for _, n := range rows {
		if n.Ref() == ref {
			return n
		}
	}
	tb.Fatalf("no row %s among %+v", ref, rows)
	return order.Notification{}
}

// row returns the stored row ref.
func (w *world) row(ref order.NotificationRef) order.Notification {
	w.t.Helper()
	return storedRow(w.t, w.store, ref)
}

// rows returns every stored row of the orders add stored (seller alerts written with them
// included).
func (w *world) rows() []order.Notification {
	w.t.Helper()
	var out []order.Notification
	for _, id := range w.orders {
		ns, err := w.store.Notifications(context.Background(), id)
		if err != nil {
			w.t.Fatalf("Notifications(%s): %v", id, err)
		}
		out = append(out, ns...)
	}
	return out
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
	n := w.row(ref)
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
