package dynamo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestRememberedClaimsSeeANewClaim: a process that remembers a tracking number's only claim
// must not file an event that names no carrier on it once another process has registered a
// second claim (FileTracking then parks it: two claims, none fitting); the transaction's
// check of the claims' count catches the stale memory. An event naming the new claim's
// carrier is filed on the new claim's order.
func TestRememberedClaimsSeeANewClaim(t *testing.T) {
	seller, _ := countedStore(t) // registers the shipments
	carrierHooks := dynamo.New(seller.API(), seller.Table())
	ctx := context.Background()
	b := storetest.Buyer("buyer-cc")
	const number = "1Z999AA10123456784"
	ship := func(id, carrier string) {
		t.Helper()
		o := storetest.Order(t, id, b)
		if err := seller.SaveOrder(ctx, o, b); err != nil {
			t.Fatal(err)
		}
		pay := storetest.Event("stripe", "evt_"+id, id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
		if _, err := seller.RecordEvent(ctx, pay, order.Evidence{}); err != nil {
			t.Fatal(err)
		}
		if err := storetest.Ship(t, seller, id, carrier, number); err != nil {
			t.Fatal(err)
		}
	}
	record := func(id, carrier string, after time.Duration) (orderID string, parked bool, reason string) {
		t.Helper()
		ev := storetest.Track("17track", id, number, carrier, order.ShipmentInTransit, after)
		res, err := carrierHooks.RecordTrackingEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		return res.Order.ID, res.Parked, res.Outcome.Reason
	}

	ship("o-cc-1", "ups")
	if id, parked, _ := record("ev-1", "", time.Hour); id != "o-cc-1" || parked {
		t.Fatalf("with one claim, ev-1 filed on %q (parked %v), want o-cc-1", id, parked)
	}
	ship("o-cc-2", "dhl") // the carrier hooks' process does not see this
	if id, parked, reason := record("ev-2", "", 2*time.Hour); !parked || !strings.HasPrefix(reason, "2 orders claim") {
		t.Errorf("after a second claim, ev-2 filed on %q (parked %v, %q), want parked: two claims, none fitting", id, parked, reason)
	}
	if id, parked, _ := record("ev-3", "dhl", 3*time.Hour); id != "o-cc-2" || parked {
		t.Errorf("ev-3 (dhl) filed on %q (parked %v), want o-cc-2", id, parked)
	}
}
