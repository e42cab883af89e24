package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runShipments(t *testing.T, h Harness) {
	t.Run("ShipmentRegistered", func(t *testing.T) { testShipmentRegistered(t, h) })
	t.Run("TrackingNumberBelongsToOneOrder", func(t *testing.T) { testTrackingTaken(t, h) })
	t.Run("TrackingEventsMonotonicAndDeduplicated", func(t *testing.T) { testTrackingEvents(t, h) })
	t.Run("UnknownTrackingNumberParkedThenApplied", func(t *testing.T) { testTrackingParked(t, h) })
	t.Run("TrackingParkRacesRegistration", func(t *testing.T) { testTrackingParkRace(t, h) })
	t.Run("MultiParcelOrderDeliveredWhenAllAre", func(t *testing.T) { testMultiParcel(t, h) })
	t.Run("SameNumberTwoCarriers", func(t *testing.T) { testSameNumberTwoCarriers(t, h) })
	t.Run("ParkedEventSeveralClaimsNoneMatching", func(t *testing.T) { testParkedSeveralClaimsNoneMatching(t, h) })
	t.Run("UnfiledParkRacesFittingClaim", func(t *testing.T) { testUnfiledParkRace(t, h) })
	t.Run("UnfiledCarrierEventAssigned", func(t *testing.T) { testAssignTracking(t, h) })
}

// paidOrderIn saves a new order of id and applies its payment.
func paidOrderIn(t testing.TB, s store.Store, id string) order.Order {
	t.Helper()
	o := newPendingOrder(t, s, id)
	mustRecord(t, s, Event("stripe", "evt_pay_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	return mustGet(t, s, id)
}

// Ship registers a parcel on order id through the domain and the store, as the seller
// use case does.
func Ship(t testing.TB, s store.Store, id, carrier, number string) error {
	t.Helper()
	sh, err := order.NewShipment(carrier, number, order.ServicePostal, baseTime.Add(time.Hour), baseTime.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := mustGet(t, s, id).AddShipment(sh, false, baseTime.Add(time.Hour))
	if err != nil {
		return err
	}
	return s.AddShipment(context.Background(), ch)
}

// Track is a carrier event for a tracking number, occurring at baseTime plus offset.
func Track(source, id, number, carrier string, status order.ShipmentStatus, offset time.Duration) order.TrackingEvent {
	at := baseTime.Add(offset)
	return order.TrackingEvent{Source: source, EventID: id, Type: "tracking_update", TrackingNumber: number,
		Carrier: carrier, Status: status, ProviderStatus: string(status), SubStatus: string(status) + "_001",
		OccurredAt: at, ReceivedAt: at.Add(time.Second),
		Checkpoints: []order.Checkpoint{{At: at, Location: "Shenzhen, CN", Message: "scan " + string(status), Status: string(status)}}}
}

func mustTrack(t testing.TB, s store.Store, ev order.TrackingEvent) store.Recorded {
	t.Helper()
	res, err := s.RecordTrackingEvent(context.Background(), ev, order.Evidence{Body: []byte(`{"event_id":"` + ev.EventID + `"}`)})
	if err != nil {
		t.Fatalf("RecordTrackingEvent(%s): %v", ev.EventID, err)
	}
	return res
}

func testShipmentRegistered(t *testing.T, h Harness) {
	s := h.Open(t)
	paidOrderIn(t, s, "o-ship")
	if err := Ship(t, s, "o-ship", "cainiao", "RR123456785CN"); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, s, "o-ship")
	if got.Status != order.StatusShipped || len(got.Shipments) != 1 || got.Shipments[0].TrackingNumber != "RR123456785CN" ||
		got.Shipments[0].Status != order.ShipmentPending {
		t.Fatalf("order after shipping = %+v", got)
	}
	tl := timeline(t, s, "o-ship")
	if last := tl[len(tl)-1]; last.Kind != order.KindShipmentRegistered || last.TrackingNumber != "RR123456785CN" {
		t.Fatalf("timeline = %+v", tl)
	}
	msgs, _ := s.Notifications(context.Background(), "o-ship")
	if len(msgs) != 2 || msgs[1].Kind != order.NotifyShipmentShipped {
		t.Fatalf("outbox = %+v, want payment_received and shipment_shipped", msgs)
	}
	// A registration computed from an old version is refused.
	sh, _ := order.NewShipment("dhl", "1234567890", order.ServiceExpress, baseTime, baseTime)
	stale := paidOrder(got)
	ch, _ := stale.AddShipment(sh, false, baseTime)
	wantCode(t, "stale AddShipment", s.AddShipment(context.Background(), ch), order.CodeConflict)
}

// paidOrder returns o as it was one version ago (good enough to build a stale change).
func paidOrder(o order.Order) order.Order {
	o.Version--
	o.Shipments = nil
	return o
}

func testTrackingTaken(t *testing.T, h Harness) {
	s := h.Open(t)
	paidOrderIn(t, s, "o-a")
	paidOrderIn(t, s, "o-b")
	if err := Ship(t, s, "o-a", "cainiao", "RR123456785CN"); err != nil {
		t.Fatal(err)
	}
	err := Ship(t, s, "o-b", "cainiao", "RR123456785CN")
	if order.ErrorCode(err) != order.CodeConflict || !errors.Is(err, store.ErrTrackingTaken) {
		t.Fatalf("second order claiming the number: %v", err)
	}
	if got := mustGet(t, s, "o-b"); got.Status != order.StatusAwaitingShipment || len(got.Shipments) != 0 {
		t.Fatalf("refused registration changed the order: %+v", got)
	}
}

func testTrackingEvents(t *testing.T, h Harness) {
	s := h.Open(t)
	const n = "RR123456785CN"
	paidOrderIn(t, s, "o-trk")
	if err := Ship(t, s, "o-trk", "cainiao", n); err != nil {
		t.Fatal(err)
	}
	delivered := Track("aftership", "ev-d", n, "china-post", order.ShipmentDelivered, 5*time.Hour)
	if res := mustTrack(t, s, delivered); !res.Outcome.Applied || res.Order.Status != order.StatusDelivered {
		t.Fatalf("delivered: %+v", res)
	}
	if res := mustTrack(t, s, delivered); !res.Duplicate {
		t.Fatalf("redelivery: %+v", res)
	}
	late := Track("aftership", "ev-t", n, "china-post", order.ShipmentInTransit, 4*time.Hour)
	if res := mustTrack(t, s, late); res.Outcome.Applied {
		t.Fatalf("late in_transit applied: %+v", res)
	}
	got := mustGet(t, s, "o-trk")
	if got.Shipments[0].Status != order.ShipmentDelivered || got.Shipments[0].SubStatus != "delivered_001" {
		t.Fatalf("shipment = %+v", got.Shipments[0])
	}
	var entry order.TimelineEntry
	for _, e := range timeline(t, s, "o-trk") {
		if e.EventID == "ev-d" {
			entry = e
		}
	}
	if entry.ShipmentStatus != order.ShipmentDelivered || len(entry.Checkpoints) != 1 || entry.Checkpoints[0].Location != "Shenzhen, CN" {
		t.Fatalf("delivered timeline entry = %+v", entry)
	}
	msgs, _ := s.Notifications(context.Background(), "o-trk")
	if kinds := kindsOf(msgs); !strings.Contains(kinds, "shipment_delivered") || strings.Count(kinds, "shipment_delivered") != 1 {
		t.Fatalf("outbox kinds = %s", kinds)
	}
	evs, err := s.Evidence(context.Background(), "o-trk")
	if err != nil || len(evs) != 3 { // the payment, the delivery, the late scan (not the duplicate)
		t.Fatalf("evidence = %d records, %v", len(evs), err)
	}
}

func kindsOf(msgs []order.Notification) string {
	var kinds []string
	for _, m := range msgs {
		kinds = append(kinds, string(m.Kind))
	}
	return strings.Join(kinds, ",")
}

func testTrackingParked(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	const n = "LX000000005DE"
	early := Track("17track", "tk-1", n, "", order.ShipmentInTransit, 2*time.Hour)
	if res := mustTrack(t, s, early); !res.Parked {
		t.Fatalf("event for an unregistered number = %+v, want parked", res)
	}
	paidOrderIn(t, s, "o-late-ship")
	if err := Ship(t, s, "o-late-ship", "dhl", n); err != nil {
		t.Fatal(err)
	}
	if k, err := s.ApplyParkedTracking(ctx, n, baseTime.Add(3*time.Hour)); err != nil || k != 1 {
		t.Fatalf("ApplyParkedTracking = %d, %v", k, err)
	}
	if k, _ := s.ApplyParkedTracking(ctx, n, baseTime.Add(3*time.Hour)); k != 0 {
		t.Fatalf("second ApplyParkedTracking = %d", k)
	}
	if got := mustGet(t, s, "o-late-ship"); got.Shipments[0].Status != order.ShipmentInTransit {
		t.Fatalf("parked event not applied: %+v", got.Shipments[0])
	}
	if evs, _ := s.Evidence(ctx, "o-late-ship"); len(evs) != 2 {
		t.Fatalf("evidence = %d records, want the payment and the parked scan", len(evs))
	}
}

func testTrackingParkRace(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := 0; i < 8; i++ {
		id, n := fmt.Sprintf("o-tr-%d", i), fmt.Sprintf("TRK%08d", i)
		paidOrderIn(t, s, id)
		ev := Track("easypost", "race-"+n, n, "", order.ShipmentInTransit, 2*time.Hour)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.RecordTrackingEvent(ctx, ev, order.Evidence{Body: []byte("{}")})
			errs <- err
		}()
		go func() {
			defer wg.Done()
			sh, _ := order.NewShipment("usps", n, order.ServiceExpress, baseTime, baseTime)
			o, err := s.GetOrder(ctx, id)
			if err == nil {
				var ch order.ShipmentChange
				if ch, err = o.AddShipment(sh, false, baseTime); err == nil {
					err = s.AddShipment(ctx, ch)
				}
			}
			if err == nil {
				_, err = s.ApplyParkedTracking(ctx, n, baseTime)
			}
			errs <- err
		}()
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := mustGet(t, s, id); got.Shipments[0].Status != order.ShipmentInTransit {
			t.Fatalf("round %d: the racing event was lost: %+v", i, got.Shipments[0])
		}
	}
}

func testMultiParcel(t *testing.T, h Harness) {
	s := h.Open(t)
	paidOrderIn(t, s, "o-multi")
	for _, n := range []string{"RR123456785CN", "LX000000005DE"} {
		if err := Ship(t, s, "o-multi", "cainiao", n); err != nil {
			t.Fatal(err)
		}
	}
	mustTrack(t, s, Track("aftership", "m1", "RR123456785CN", "", order.ShipmentDelivered, 5*time.Hour))
	if got := mustGet(t, s, "o-multi"); got.Status != order.StatusShipped {
		t.Fatalf("one of two parcels delivered: order %s", got.Status)
	}
	mustTrack(t, s, Track("aftership", "m2", "LX000000005DE", "", order.ShipmentDelivered, 6*time.Hour))
	if got := mustGet(t, s, "o-multi"); got.Status != order.StatusDelivered {
		t.Fatalf("both delivered: order %s", got.Status)
	}
}

func testSameNumberTwoCarriers(t *testing.T, h Harness) {
	s := h.Open(t)
	const n = "1Z999AA10123456784"
	paidOrderIn(t, s, "o-ups")
	paidOrderIn(t, s, "o-other")
	if err := Ship(t, s, "o-ups", "ups", n); err != nil {
		t.Fatal(err)
	}
	if err := Ship(t, s, "o-other", "yanwen", n); err != nil {
		t.Fatal(err)
	}
	if res := mustTrack(t, s, Track("easypost", "c1", n, "ups", order.ShipmentInTransit, 2*time.Hour)); !res.Outcome.Applied || res.Order.ID != "o-ups" {
		t.Fatalf("carrier-matched event: %+v", res)
	}
	res := mustTrack(t, s, Track("easypost", "c2", n, "fedex", order.ShipmentInTransit, 3*time.Hour))
	const why = "2 orders claim this tracking number, none with carrier fedex"
	if res.Outcome.Applied || !res.Parked || res.Outcome.Reason != why {
		t.Fatalf("event fitting neither claim = %+v, want parked: %s", res, why)
	}
	for _, id := range []string{"o-ups", "o-other"} {
		if hasEntry(t, s, id, "c2") {
			t.Fatalf("the unfiled event is on order %s's timeline", id)
		}
	}
	// A third order registering the number with the event's carrier files it.
	paidOrderIn(t, s, "o-fedex")
	if err := Ship(t, s, "o-fedex", "fedex", n); err != nil {
		t.Fatal(err)
	}
	if k, err := s.ApplyParkedTracking(context.Background(), n, baseTime.Add(4*time.Hour)); err != nil || k != 1 {
		t.Fatalf("ApplyParkedTracking after the fedex claim = %d, %v; want 1", k, err)
	}
	if got := mustGet(t, s, "o-fedex"); got.Shipments[0].Status != order.ShipmentInTransit || !hasEntry(t, s, "o-fedex", "c2") {
		t.Fatalf("parked event not filed on the fedex order: %+v", got.Shipments[0])
	}
}
