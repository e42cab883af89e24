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

// hasEntry reports whether order id's timeline has the entry of event eventID.
func hasEntry(t testing.TB, s store.Store, id, eventID string) bool {
	t.Helper()
	for _, e := range timeline(t, s, id) {
		if e.EventID == eventID {
			return true
		}
	}
	return false
}

// testParkedSeveralClaimsNoneMatching: an event parked before any claim, then claimed by
// several orders none with its carrier, stays parked (unfiled, for a seller to assign by
// hand) on both stores; it is filed only when a fitting claim appears.
func testParkedSeveralClaimsNoneMatching(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	const n = "9400111899223817403385"
	early := Track("easypost", "p-fedex", n, "fedex", order.ShipmentOutForDelivery, 2*time.Hour)
	if res := mustTrack(t, s, early); !res.Parked || res.Outcome.Reason != "no order claims tracking number "+n {
		t.Fatalf("event before any claim = %+v, want parked", res)
	}
	for _, c := range []struct{ id, carrier string }{{"o-usps", "usps"}, {"o-yanwen", "yanwen"}} {
		paidOrderIn(t, s, c.id)
		if err := Ship(t, s, c.id, c.carrier, n); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ { // stays parked however often it is tried
		if k, err := s.ApplyParkedTracking(ctx, n, baseTime.Add(3*time.Hour)); err != nil || k != 0 {
			t.Fatalf("ApplyParkedTracking with two claims, neither fedex = %d, %v; want 0", k, err)
		}
	}
	for _, id := range []string{"o-usps", "o-yanwen"} {
		got := mustGet(t, s, id)
		if got.Shipments[0].Status != order.ShipmentPending || hasEntry(t, s, id, "p-fedex") {
			t.Fatalf("order %s took an event of another carrier: %+v", id, got.Shipments[0])
		}
		if msgs, _ := s.Notifications(ctx, id); strings.Contains(kindsOf(msgs), "out_for_delivery") {
			t.Fatalf("order %s's buyer was told of another carrier's parcel: %s", id, kindsOf(msgs))
		}
	}
	if list := unfiled(t, s); len(list) != 1 || list[0].Source != "track-easypost" || list[0].EventID != "p-fedex" ||
		list[0].Why != store.WhyTrackingAmbiguous || list[0].TrackingNumber != n {
		t.Fatalf("unfiled = %+v, want the parked carrier event, ambiguous", list)
	}
	// Still parked: a fitting claim files it, once.
	paidOrderIn(t, s, "o-fedex")
	if err := Ship(t, s, "o-fedex", "fedex", n); err != nil {
		t.Fatal(err)
	}
	if k, err := s.ApplyParkedTracking(ctx, n, baseTime.Add(4*time.Hour)); err != nil || k != 1 {
		t.Fatalf("ApplyParkedTracking after the fedex claim = %d, %v; want 1", k, err)
	}
	if k, _ := s.ApplyParkedTracking(ctx, n, baseTime.Add(4*time.Hour)); k != 0 {
		t.Fatalf("second ApplyParkedTracking = %d, want 0", k)
	}
	if got := mustGet(t, s, "o-fedex"); got.Shipments[0].Status != order.ShipmentOutForDelivery || !hasEntry(t, s, "o-fedex", "p-fedex") {
		t.Fatalf("parked event not filed on the fedex order: %+v", got.Shipments[0])
	}
	if list := unfiled(t, s); len(list) != 0 {
		t.Fatalf("unfiled after filing = %+v", list)
	}
}

// testAssignTracking: a carrier event no claim fits is assigned by hand to the order whose
// parcel it is about; an order without that parcel is refused.
func testAssignTracking(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	const n = "LX123456785DE"
	for _, c := range []struct{ id, carrier string }{{"o-dhl", "dhl"}, {"o-post", "deutsche-post"}} {
		paidOrderIn(t, s, c.id)
		if err := Ship(t, s, c.id, c.carrier, n); err != nil {
			t.Fatal(err)
		}
	}
	ev := Track("aftership", "as-amb", n, "", order.ShipmentInTransit, 2*time.Hour)
	if res := mustTrack(t, s, ev); !res.Parked {
		t.Fatalf("event with two claims and no carrier = %+v, want unfiled", res)
	}
	paidOrderIn(t, s, "o-other")
	_, err := s.AssignEvent(ctx, "track-aftership", "as-amb", "o-other", baseTime.Add(3*time.Hour))
	wantCode(t, "assign to an order without the parcel", err, order.CodeConflict)
	if !errors.Is(err, store.ErrNoSuchParcel) {
		t.Fatalf("assign to an order without the parcel: %v, want ErrNoSuchParcel", err)
	}
	res, err := s.AssignEvent(ctx, "track-aftership", "as-amb", "o-dhl", baseTime.Add(3*time.Hour))
	if err != nil || !res.Outcome.Applied {
		t.Fatalf("AssignEvent = %+v, %v", res, err)
	}
	if got := mustGet(t, s, "o-dhl"); got.Shipments[0].Status != order.ShipmentInTransit || !hasEntry(t, s, "o-dhl", "as-amb") {
		t.Fatalf("assigned event not on o-dhl: %+v", got.Shipments[0])
	}
	if hasEntry(t, s, "o-post", "as-amb") || len(unfiled(t, s)) != 0 {
		t.Fatal("assigned event also elsewhere, or still listed")
	}
	_, err = s.AssignEvent(ctx, "track-aftership", "as-amb", "o-post", baseTime.Add(3*time.Hour))
	wantCode(t, "assign twice", err, order.CodeNotFound)
	if res := mustTrack(t, s, ev); !res.Duplicate {
		t.Fatalf("redelivery after assign = %+v, want duplicate", res)
	}
}

// testUnfiledParkRace: an event no claim fits, recorded while an order registers the number
// with the event's carrier (then applies the parked events, as the seller use case does),
// ends on that order whichever write wins.
func testUnfiledParkRace(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		n := fmt.Sprintf("UNF%08d", i)
		for _, c := range []struct{ id, carrier string }{{"o-ua-", "usps"}, {"o-ub-", "yanwen"}} {
			paidOrderIn(t, s, c.id+n)
			if err := Ship(t, s, c.id+n, c.carrier, n); err != nil {
				t.Fatal(err)
			}
		}
		id := "o-uf-" + n
		paidOrderIn(t, s, id)
		ev := Track("easypost", "unf-"+n, n, "fedex", order.ShipmentInTransit, 2*time.Hour)
		var wg sync.WaitGroup
		errs := make(chan error, 2)
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := s.RecordTrackingEvent(ctx, ev, order.Evidence{Body: []byte("{}")})
			errs <- err
		}()
		go func() { // no t.Fatal off the test goroutine: errors go to errs
			defer wg.Done()
			sh, err := order.NewShipment("fedex", n, order.ServiceExpress, baseTime, baseTime)
			var o order.Order
			if err == nil {
				o, err = s.GetOrder(ctx, id)
			}
			var ch order.ShipmentChange
			if err == nil {
				ch, err = o.AddShipment(sh, false, baseTime)
			}
			if err == nil {
				err = s.AddShipment(ctx, ch)
			}
			if err == nil {
				_, err = s.ApplyParkedTracking(ctx, n, baseTime.Add(3*time.Hour))
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
			t.Fatalf("round %d: the racing event never reached the fedex order: %+v", i, got.Shipments[0])
		}
	}
}
