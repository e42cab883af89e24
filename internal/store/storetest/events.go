package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runEvents(t *testing.T, h Harness) {
	t.Run("EventAppliedWithEvidenceTimelineOutbox", func(t *testing.T) { testEventApplied(t, h) })
	t.Run("DuplicateEventWritesNothing", func(t *testing.T) { testDuplicateEvent(t, h) })
	t.Run("OutOfOrderEventsAreMonotonic", func(t *testing.T) { testOutOfOrder(t, h) })
	t.Run("UnknownOrderParkedThenApplied", func(t *testing.T) { testParked(t, h) })
	t.Run("ParkingRacesCreationLosesNothing", func(t *testing.T) { testParkRace(t, h) })
	t.Run("ConcurrentEventsOnOneOrder", func(t *testing.T) { testConcurrentEvents(t, h) })
	t.Run("LargeEvidenceKeptByteForByte", func(t *testing.T) { testLargeEvidence(t, h) })
	runFiling(t, h)
	runFold(t, h)
}

// Event returns a payment event for order orderID, received at baseTime plus offset.
func Event(source, id, orderID string, kind order.EventKind, amount int64, offset time.Duration) order.Event {
	return order.Event{Source: source, EventID: id, Type: "test." + string(kind), Kind: kind, OrderID: orderID,
		OccurredAt: baseTime.Add(offset), ReceivedAt: baseTime.Add(offset + time.Second),
		AmountMinor: amount, Currency: "BRL", PaymentRef: "pi_" + id}
}

func evidenceFor(ev order.Event) order.Evidence {
	return order.Evidence{Body: []byte(fmt.Sprintf(`{"id":%q,"type":%q}`, ev.EventID, ev.Type)),
		Headers: map[string]string{"Stripe-Signature": "t=1,v1=abc", "Content-Type": "application/json"}}
}

func mustRecord(t testing.TB, s store.Store, ev order.Event) store.Recorded {
	t.Helper()
	res, err := s.RecordEvent(context.Background(), ev, evidenceFor(ev))
	if err != nil {
		t.Fatalf("RecordEvent(%s): %v", ev.EventID, err)
	}
	return res
}

func timeline(t testing.TB, s store.Store, id string) []order.TimelineEntry {
	t.Helper()
	tl, err := s.Timeline(context.Background(), id)
	if err != nil {
		t.Fatalf("Timeline(%s): %v", id, err)
	}
	return tl
}

func newPendingOrder(t testing.TB, s store.Store, id string) order.Order {
	t.Helper()
	b := Buyer("buyer-" + id)
	o := Order(t, id, b)
	mustSave(t, s, o, b)
	return o
}

func testEventApplied(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-pay")
	ev := Event("stripe", "evt_1", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	res := mustRecord(t, s, ev)
	if res.Duplicate || res.Parked || !res.Outcome.Applied || res.Order.Status != order.StatusAwaitingShipment {
		t.Fatalf("RecordEvent = %+v", res)
	}
	got := mustGet(t, s, o.ID)
	if got.Status != order.StatusAwaitingShipment || got.PaymentStatus != order.PaymentPaid ||
		got.PaidMinor != o.AmountMinor || got.Version != 2 {
		t.Fatalf("order after payment = %+v", got)
	}
	tl := timeline(t, s, o.ID)
	if len(tl) != 1 || !reflect.DeepEqual(tl[0], ev.Entry(true, "")) {
		t.Fatalf("timeline = %+v\nwant [%+v]", tl, ev.Entry(true, ""))
	}
	evs, err := s.Evidence(context.Background(), o.ID)
	want := evidenceFor(ev)
	if err != nil || len(evs) != 1 || !bytes.Equal(evs[0].Body, want.Body) || evs[0].EventID != "evt_1" ||
		evs[0].Source != "stripe" || !evs[0].ReceivedAt.Equal(ev.ReceivedAt) || evs[0].Headers["Stripe-Signature"] != "t=1,v1=abc" {
		t.Fatalf("evidence = %+v, %v", evs, err)
	}
	msgs, err := s.Notifications(context.Background(), o.ID)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("outbox = %+v, %v", msgs, err)
	}
	wantMsg := order.Notification{OrderID: o.ID, BuyerID: o.BuyerID, Kind: order.NotifyPaymentReceived, Seq: 2,
		Status: order.NotificationPending, CreatedAt: ev.ReceivedAt, CauseSource: "stripe", CauseEventID: "evt_1"}
	if !reflect.DeepEqual(msgs[0], wantMsg) {
		t.Fatalf("outbox row = %+v\nwant %+v", msgs[0], wantMsg)
	}
}

func testDuplicateEvent(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-dup")
	ev := Event("stripe", "evt_dup", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	mustRecord(t, s, ev)
	again := ev
	again.ReceivedAt = ev.ReceivedAt.Add(time.Hour) // a provider retry, later
	if res := mustRecord(t, s, again); !res.Duplicate {
		t.Fatalf("second delivery = %+v, want duplicate", res)
	}
	// The same event id from another provider is a different event.
	other := Event("paypal", "evt_dup", o.ID, order.KindFraudWarning, 0, 2*time.Minute)
	if res := mustRecord(t, s, other); res.Duplicate {
		t.Fatal("same id from another source treated as duplicate")
	}
	evs, _ := s.Evidence(context.Background(), o.ID)
	if got := mustGet(t, s, o.ID); got.Version != 3 || len(timeline(t, s, o.ID)) != 2 || len(evs) != 2 {
		t.Fatalf("duplicate wrote something: version %d, timeline %d, evidence %d", got.Version, len(timeline(t, s, o.ID)), len(evs))
	}
}

func testOutOfOrder(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-ooo")
	// The failure happened first but arrives last.
	mustRecord(t, s, Event("stripe", "evt_ok", o.ID, order.KindPaymentSucceeded, o.AmountMinor, 2*time.Minute))
	res := mustRecord(t, s, Event("stripe", "evt_fail", o.ID, order.KindPaymentFailed, 0, time.Minute))
	if res.Outcome.Applied {
		t.Fatalf("late failure applied: %+v", res)
	}
	if got := mustGet(t, s, o.ID); got.PaymentStatus != order.PaymentPaid || got.Status != order.StatusAwaitingShipment {
		t.Fatalf("order = %+v", got)
	}
	tl := timeline(t, s, o.ID)
	if len(tl) != 2 || tl[0].EventID != "evt_fail" || tl[0].Applied || tl[0].Reason == "" || !tl[1].Applied {
		t.Fatalf("timeline (by occurred-at) = %+v", tl)
	}
}

func testParked(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	pending := Event("paypal", "WH-1", "o-later", order.KindPaymentPending, 0, time.Minute)
	paid := Event("paypal", "WH-2", "o-later", order.KindPaymentSucceeded, 12990, 2*time.Minute)
	// They arrive in reverse order; parking applies them by occurred-at.
	for _, ev := range []order.Event{paid, pending} {
		if res := mustRecord(t, s, ev); !res.Parked {
			t.Fatalf("event for an unknown order = %+v, want parked", res)
		}
	}
	if res := mustRecord(t, s, paid); !res.Duplicate {
		t.Fatalf("redelivered parked event = %+v, want duplicate", res)
	}
	if n, err := s.ApplyParked(ctx, "o-later", baseTime); err != nil || n != 0 {
		t.Fatalf("ApplyParked before the order exists = %d, %v", n, err)
	}
	newPendingOrder(t, s, "o-later")
	if n, err := s.ApplyParked(ctx, "o-later", baseTime.Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("ApplyParked = %d, %v; want 2", n, err)
	}
	if n, err := s.ApplyParked(ctx, "o-later", baseTime.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("second ApplyParked = %d, %v; want 0", n, err)
	}
	got := mustGet(t, s, "o-later")
	if got.Status != order.StatusAwaitingShipment || got.Version != 3 {
		t.Fatalf("order after parked events = %+v", got)
	}
	tl := timeline(t, s, "o-later")
	if len(tl) != 2 || tl[0].EventID != "WH-1" || !tl[0].Applied || tl[1].EventID != "WH-2" || !tl[1].Applied ||
		!tl[1].ReceivedAt.Equal(paid.ReceivedAt) {
		t.Fatalf("timeline = %+v", tl)
	}
	if msgs, _ := s.Notifications(ctx, "o-later"); len(msgs) != 1 {
		t.Fatalf("outbox = %+v, want the payment_received row", msgs)
	}
	if evs, _ := s.Evidence(ctx, "o-later"); len(evs) != 2 {
		t.Fatalf("evidence of parked events = %d, want 2", len(evs))
	}
}

// testParkRace delivers an event while the order is being created, many times over: each
// time the event must end up applied exactly once (parked then applied, or applied).
func testParkRace(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("o-race-%d", i)
		b := Buyer("buyer-race")
		o := Order(t, id, b)
		ev := Event("stripe", "evt_race_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.RecordEvent(ctx, ev, evidenceFor(ev))
			errs <- err
		}()
		go func() {
			defer wg.Done()
			if err := s.SaveOrder(ctx, o, b); err != nil {
				errs <- err
				return
			}
			_, err := s.ApplyParked(ctx, id, baseTime)
			errs <- err
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := mustGet(t, s, id)
		if tl := timeline(t, s, id); got.Status != order.StatusAwaitingShipment || len(tl) != 1 || !tl[0].Applied {
			t.Fatalf("round %d: order %s, timeline %+v: the event was lost or applied twice", i, got.Status, tl)
		}
	}
}

func testConcurrentEvents(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-busy")
	events := []order.Event{
		Event("stripe", "e1", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute),
		Event("stripe", "e2", o.ID, order.KindFraudWarning, 0, 2*time.Minute),
		Event("stripe", "e3", o.ID, order.KindDisputeOpened, 0, 3*time.Minute),
		Event("stripe", "e4", o.ID, order.KindIgnored, 0, 4*time.Minute),
		Event("paypal", "e5", o.ID, order.KindIgnored, 0, 5*time.Minute),
		Event("stripe", "e6", o.ID, order.KindIgnored, 0, 6*time.Minute),
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(events))
	for _, ev := range events {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.RecordEvent(context.Background(), ev, evidenceFor(ev))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got := mustGet(t, s, o.ID)
	if got.Version != 4 || got.Status != order.StatusAwaitingShipment || !got.FraudWarning || got.Dispute != order.DisputeOpen {
		t.Fatalf("order = %+v, want all three changes (version 4)", got)
	}
	if tl := timeline(t, s, o.ID); len(tl) != len(events) {
		t.Fatalf("timeline has %d entries, want %d", len(tl), len(events))
	}
}

func testLargeEvidence(t *testing.T, h Harness) {
	s := h.Open(t)
	o := newPendingOrder(t, s, "o-big")
	body := make([]byte, 1<<20) // the largest body the webhook routes accept, incompressible
	if _, err := rand.Read(body); err != nil {
		t.Fatal(err)
	}
	ev := Event("standard", "msg_big", o.ID, order.KindIgnored, 0, time.Minute)
	if _, err := s.RecordEvent(context.Background(), ev, order.Evidence{Body: body}); err != nil {
		t.Fatal(err)
	}
	repetitive := bytes.Repeat([]byte(`{"a":"b"},`), 100_000)
	ev2 := Event("standard", "msg_big2", o.ID, order.KindIgnored, 0, 2*time.Minute)
	if _, err := s.RecordEvent(context.Background(), ev2, order.Evidence{Body: repetitive}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.Evidence(context.Background(), o.ID)
	if err != nil || len(evs) != 2 || !bytes.Equal(evs[0].Body, body) || !bytes.Equal(evs[1].Body, repetitive) {
		t.Fatalf("large evidence not returned byte for byte (%d records, %v)", len(evs), err)
	}
}
