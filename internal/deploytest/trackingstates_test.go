package deploytest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The carrier side of the scenario. dynamo.Store.RecordTrackingEvent reads the tracking
// number's claims (Query of its TRACK# partition) and, when one claim is picked, the
// claiming order (GetItem), then writes one transaction whose items depend on the table:
//
//   - no claim: the event is parked, on the condition that the number is still unclaimed;
//   - one claim (or the claim of the event's carrier): applied (timeline entry, the order
//     version-checked, outbox rows) or recorded but not applied (timeline entry and a
//     check that the order is still the version read);
//   - several claims, none the event's carrier: parked, unfiled, on the condition that the
//     claim of the event's carrier is still absent.
//
// ApplyParkedTracking, which seller.Orders includes, also needs events parked for a
// number that has since been claimed. trackingStates sets up those tables.

// trackingNumber is the scenario's parcel: a UPU S10 number with a valid check digit.
const trackingNumber = "RR123456785CN"

// trackingEvents returns the carrier events every method taking an order.TrackingEvent is
// driven with: a delivery (applied), an event with no status orderwire maps (recorded, not
// applied), and one from a carrier no order registered the number with (the only claim's
// parcel, or ambiguous among several).
func trackingEvents(now time.Time) []order.TrackingEvent {
	evs := []order.TrackingEvent{
		{Source: "aftership", Type: "tracking_update", Carrier: "china-post", Status: order.ShipmentDelivered,
			ProviderStatus: "Delivered", SubStatus: "Delivered_001"},
		{Source: "aftership", Type: "edd_revise", Carrier: "china-post"},
		{Source: "17track", Type: "TRACKING_UPDATED", Carrier: "4px", Status: order.ShipmentInTransit,
			ProviderStatus: "InTransit"},
	}
	for i := range evs {
		evs[i].EventID, evs[i].TrackingNumber = fmt.Sprintf("trk_%02d", i), trackingNumber
		evs[i].OccurredAt, evs[i].ReceivedAt = now.Add(time.Duration(48+i)*time.Hour), now.Add(time.Duration(49+i)*time.Hour)
		evs[i].Checkpoints = []order.Checkpoint{{At: evs[i].OccurredAt, Location: "Lyon, FR", Message: "scan"}}
	}
	return evs
}

// trackingStates returns the tables set up through the store itself, by name: the order
// paid and its parcel registered with one carrier; the same after carrier events were
// parked for the number; and two orders holding the number with two other carriers.
func (sc scenario) trackingStates(t *testing.T) map[string]*recordingDynamo {
	t.Helper()
	ctx := context.Background()
	registered, parked, ambiguous := sc.setup(t), sc.setup(t), sc.setup(t)

	sc.ship(t, registered, sc.order, "china-post")

	for _, ev := range sc.tracking {
		if res, err := dynamo.New(parked, "orderwire").RecordTrackingEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil || !res.Parked {
			t.Fatalf("setting up: RecordTrackingEvent = %+v, %v; want parked", res, err)
		}
	}
	sc.ship(t, parked, sc.order, "china-post")

	other := sc.order
	other.ID = "ord-2"
	sc.ship(t, ambiguous, sc.order, "china-post")
	sc.ship(t, ambiguous, other, "yanwen")
	if n := len(ambiguous.table[store.TrackPK(trackingNumber)]); n < 3 {
		t.Fatalf("setting up: %d items under the tracking number, want two claims and the claimed marker", n)
	}

	states := map[string]*recordingDynamo{}
	for name, setup := range map[string]*recordingDynamo{"shipment registered": registered,
		"tracking parked, then shipment registered": parked, "ambiguous claims": ambiguous} {
		states[name] = newRecorder(t)
		states[name].table = setup.table
	}
	return states
}

// setup returns a recorder that keeps what transactions Put: a table being set up.
func (sc scenario) setup(t *testing.T) *recordingDynamo {
	rec := newRecorder(t)
	rec.keep = true
	return rec
}

// ship registers o, pays it in full and registers its parcel (trackingNumber, carrier), as
// the seller API and the payment webhook would.
func (sc scenario) ship(t *testing.T, rec *recordingDynamo, o order.Order, carrier string) {
	t.Helper()
	ctx := context.Background()
	st := dynamo.New(rec, "orderwire")
	if err := st.SaveOrder(ctx, o, sc.buyer); err != nil {
		t.Fatal(err)
	}
	pay := order.Event{Source: "stripe", EventID: "evt_pay_" + o.ID, Type: "payment_intent.succeeded", OrderID: o.ID,
		Kind: order.KindPaymentSucceeded, AmountMinor: o.AmountMinor, Currency: o.Currency,
		OccurredAt: sc.now.Add(time.Hour), ReceivedAt: sc.now.Add(time.Hour)}
	if res, err := st.RecordEvent(ctx, pay, order.Evidence{Body: []byte(`{}`)}); err != nil || !res.Outcome.Applied {
		t.Fatalf("setting up: paying %s = %+v, %v", o.ID, res, err)
	}
	cur, err := st.GetOrder(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := order.NewShipment(carrier, trackingNumber, order.ServicePostal, sc.now.Add(24*time.Hour), sc.now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := cur.AddShipment(sh, false, sc.now.Add(24*time.Hour))
	if err != nil {
		t.Fatalf("setting up: shipping %s: %v", o.ID, err)
	}
	if err := st.AddShipment(ctx, ch); err != nil {
		t.Fatal(err)
	}
}

// TestTrackingStatesReachEveryOutcome keeps the carrier scenario honest: driven over the
// states, RecordTrackingEvent parks (no claim, or none that fits), applies and records
// without applying, and ApplyParkedTracking applies parked events, so that every kind of
// write the store sends for a carrier event is among the derived grants.
func TestTrackingStatesReachEveryOutcome(t *testing.T) {
	sc := newScenario(t)
	ctx := context.Background()
	reached := map[string]bool{}
	for name, rec := range sc.states(t) {
		st := dynamo.New(rec, "orderwire")
		for _, ev := range sc.tracking {
			res, err := st.RecordTrackingEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)})
			switch {
			case err != nil:
				t.Errorf("%s: %s: %v", name, ev.EventID, err)
			case res.Parked && strings.HasPrefix(res.Outcome.Reason, "2 orders claim"):
				reached["parked, no claim fits"] = true
			case res.Parked:
				reached["parked"] = true
			case res.Outcome.Applied:
				reached["applied"] = true
			case res.Order.ID != "":
				reached["recorded, not applied"] = true
			}
		}
		if n, err := st.ApplyParkedTracking(ctx, trackingNumber, sc.now.Add(30*time.Hour)); err != nil {
			t.Errorf("%s: ApplyParkedTracking: %v", name, err)
		} else if n > 0 {
			reached["unparked"] = true
		}
	}
	for _, want := range []string{"parked", "applied", "recorded, not applied", "parked, no claim fits", "unparked"} {
		if !reached[want] {
			t.Errorf("no state reaches %q: RecordTrackingEvent's grants would be derived from fewer branches than it has", want)
		}
	}
}
