package reminder_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/testservice"
)

// created is when the scenario orders are registered: 10:00 in Lisbon (UTC+0 in November),
// well outside the quiet hours; payment is due a week later.
var created = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// stores runs fn against the embedded store and DynamoDB Local.
func stores(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Run("embedded", func(t *testing.T) {
		s, err := embedded.Open(t.TempDir(), embedded.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		fn(t, s)
	})
	t.Run("dynamodb-local", func(t *testing.T) {
		client := testservice.DynamoDB(t)
		fn(t, dynamo.New(client, testservice.NewTable(t, client)))
	})
}

// world is one scenario: a store, a seller service and a sweeper on a fake clock.
type world struct {
	t     *testing.T
	s     store.Store
	clock time.Time
	svc   *seller.Service
	sweep *reminder.Sweeper
}

func newWorld(t *testing.T, s store.Store) *world {
	w := &world{t: t, s: s, clock: created}
	w.svc = &seller.Service{Orders: s, Now: func() time.Time { return w.clock }}
	w.sweep = &reminder.Sweeper{Store: s, Policy: reminder.DefaultPolicy(), Batch: 10}
	return w
}

func (w *world) register(id, buyer, tz string) {
	w.t.Helper()
	_, _, err := w.svc.PutOrder(context.Background(), id, order.Terms{
		Buyer:       order.Buyer{ID: buyer, Name: "Rui", Email: buyer + "@example.com", Locale: "pt-PT", TimeZone: tz, Country: "PT"},
		AmountMinor: 5000, Currency: "EUR", PaymentDueAt: w.clock.Add(7 * 24 * time.Hour)})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) pay(id string) {
	w.t.Helper()
	ev := order.Event{Source: "standard", EventID: "pay-" + id, Type: "payment.succeeded", Kind: order.KindPaymentSucceeded,
		OrderID: id, OccurredAt: w.clock, ReceivedAt: w.clock, AmountMinor: 5000, Currency: "EUR"}
	if _, err := w.s.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte("{}")}); err != nil {
		w.t.Fatal(err)
	}
}

// runUntil sweeps every step from the current clock to end, like the 5-minute schedule.
func (w *world) runUntil(end time.Time, step time.Duration) reminder.Report {
	w.t.Helper()
	var total reminder.Report
	for ; !w.clock.After(end); w.clock = w.clock.Add(step) {
		rep, err := w.sweep.Run(context.Background(), w.clock)
		if err != nil {
			w.t.Fatal(err)
		}
		total.Reminders += rep.Reminders
		total.FinalNotices += rep.FinalNotices
		total.Terminated += rep.Terminated
		total.Deferred += rep.Deferred
		total.Lost += rep.Lost
		total.DisputesDue += rep.DisputesDue
	}
	return total
}

func (w *world) kinds(id string) []order.NotificationKind {
	w.t.Helper()
	msgs, err := w.s.Notifications(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].Seq < msgs[j].Seq }) // the outbox is keyed by kind
	var out []order.NotificationKind
	for _, m := range msgs {
		if m.Kind != order.NotifyPaymentReceived {
			out = append(out, m.Kind)
		}
	}
	return out
}

func (w *world) order(id string) order.Order {
	o, err := w.s.GetOrder(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *world) buyer(id string) order.Buyer {
	b, err := w.s.GetBuyer(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

func TestPaidEarlyGetsNoReminder(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-early", "b-early", "Europe/Lisbon")
		w.clock = created.Add(30 * time.Minute)
		w.pay("o-early")
		rep := w.runUntil(created.Add(8*24*time.Hour), time.Hour)
		if rep.Reminders+rep.FinalNotices+rep.Terminated != 0 || len(w.kinds("o-early")) != 0 {
			t.Fatalf("a paid order was reminded: %+v %v", rep, w.kinds("o-early"))
		}
		if st := w.buyer("b-early").Stats; st.PaidBeforeReminder != 1 {
			t.Fatalf("buyer stats = %+v", st)
		}
	})
}

func TestPaidAfterReminders(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-late", "b-late", "Europe/Lisbon")
		w.runUntil(created.Add(30*time.Hour), 5*time.Minute) // reminders at +1h and +24h
		w.pay("o-late")
		w.runUntil(created.Add(8*24*time.Hour), time.Hour)
		got := w.kinds("o-late")
		if fmt.Sprint(got) != "[payment_reminder payment_reminder]" {
			t.Fatalf("messages = %v, want two reminders and nothing after the payment", got)
		}
		if st := w.buyer("b-late").Stats; st.PaidAfterReminders != 1 {
			t.Fatalf("buyer stats = %+v", st)
		}
	})
}

func TestNeverPaidIsTerminated(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-never", "b-never", "Europe/Lisbon")
		w.runUntil(created.Add(8*24*time.Hour), 30*time.Minute)
		got := w.kinds("o-never")
		want := "[payment_reminder payment_reminder payment_reminder payment_final_notice order_terminated]"
		if fmt.Sprint(got) != want {
			t.Fatalf("messages = %v\nwant %s", got, want)
		}
		o := w.order("o-never")
		if o.Status != order.StatusTerminated || !o.NextActionAt.IsZero() {
			t.Fatalf("order = %s next %v", o.Status, o.NextActionAt)
		}
		if st := w.buyer("b-never").Stats; st.NeverPaid != 1 {
			t.Fatalf("buyer stats = %+v", st)
		}
		timeline, _ := s.Timeline(context.Background(), "o-never")
		if len(timeline) != 5 || timeline[4].Reason != "terminated: not paid by the due date" {
			t.Fatalf("timeline = %+v", timeline)
		}
	})
}

func TestQuietHoursDeferNotDrop(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		// 20:30 in São Paulo (UTC-3): the +1 h reminder falls at 21:30, inside quiet hours.
		w.clock = time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
		w.register("o-quiet", "b-quiet", "America/Sao_Paulo")
		rep := w.runUntil(w.clock.Add(9*time.Hour+50*time.Minute), 5*time.Minute) // until 06:20 local
		if rep.Reminders != 0 || rep.Deferred == 0 {
			t.Fatalf("in quiet hours: %+v", rep)
		}
		rep = w.runUntil(time.Date(2026, 11, 24, 11, 10, 0, 0, time.UTC), 5*time.Minute) // 08:10 local
		if rep.Reminders != 1 {
			t.Fatalf("after quiet hours: %+v (deferred, never dropped)", rep)
		}
	})
}

func TestRatingChangesCadence(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		for i := 0; i < 2; i++ { // two orders let lapse: a watch-tier buyer
			w.clock = created
			w.register(fmt.Sprintf("o-lapse-%d", i), "b-poor", "Europe/Lisbon")
			w.runUntil(created.Add(8*24*time.Hour), 2*time.Hour)
		}
		if r := reminder.Rate(w.buyer("b-poor").Stats); r.Tier != reminder.TierWatch {
			t.Fatalf("rating after two lapsed orders = %+v", r)
		}
		w.clock = created.Add(10 * 24 * time.Hour)
		w.register("o-next", "b-poor", "Europe/Lisbon")
		w.register("o-new", "b-new", "Europe/Lisbon")
		w.runUntil(w.clock.Add(35*time.Minute), 5*time.Minute)
		if got := w.kinds("o-next"); len(got) != 1 {
			t.Fatalf("watch tier after 35 min: %v, want its first reminder (at +30 min)", got)
		}
		if got := w.kinds("o-new"); len(got) != 0 {
			t.Fatalf("standard tier after 35 min: %v, want nothing yet (first at +1 h)", got)
		}
	})
}

// racingStore delivers a payment while the sweep is between reading the due index and
// writing its step, as a webhook would.
type racingStore struct {
	store.Store
	once sync.Once
	pay  func()
}

func (r *racingStore) ApplyDunning(ctx context.Context, ch order.DunningChange) error {
	r.once.Do(r.pay)
	return r.Store.ApplyDunning(ctx, ch)
}

func TestPaymentDuringSweep(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-race", "b-race", "Europe/Lisbon")
		w.clock = created.Add(61 * time.Minute)
		w.sweep.Store = &racingStore{Store: s, pay: func() { w.pay("o-race") }}
		rep, err := w.sweep.Run(context.Background(), w.clock)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Reminders != 0 || rep.Lost != 1 || len(w.kinds("o-race")) != 0 {
			t.Fatalf("payment during the sweep: %+v, messages %v", rep, w.kinds("o-race"))
		}
	})
}

func TestOverlappingSweepsSendOnce(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		const orders = 40
		for i := 0; i < orders; i++ {
			w.register(fmt.Sprintf("o-ov-%02d", i), fmt.Sprintf("b-ov-%02d", i), "Europe/Lisbon")
		}
		now := created.Add(61 * time.Minute)
		var wg sync.WaitGroup
		reports := make([]reminder.Report, 4)
		for i := range reports {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sw := &reminder.Sweeper{Store: s, Policy: reminder.DefaultPolicy(), Batch: 7}
				rep, err := sw.Run(context.Background(), now)
				if err != nil {
					t.Error(err)
				}
				reports[i] = rep
			}()
		}
		wg.Wait()
		sent := 0
		for _, r := range reports {
			sent += r.Reminders
		}
		for i := 0; i < orders; i++ {
			if got := w.kinds(fmt.Sprintf("o-ov-%02d", i)); len(got) != 1 {
				t.Fatalf("order %d got %v, want exactly one reminder", i, got)
			}
		}
		if sent != orders {
			t.Fatalf("sweeps report %d reminders for %d orders", sent, orders)
		}
	})
}
