package dynamo_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/store/storetest"
	"github.com/orderwire/orderwire/internal/testservice"
)

// callCounter counts the requests the SDK actually sends (retries included), by operation.
type callCounter struct{ n atomic.Int64 }

func (c *callCounter) addTo(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("countCalls",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			c.n.Add(1)
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}

// countedStore is a store on a fresh DynamoDB Local table whose requests calls counts.
func countedStore(t *testing.T) (*dynamo.Store, *callCounter) {
	client := testservice.DynamoDB(t)
	table := testservice.NewTable(t, client)
	calls := &callCounter{}
	counted := dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, calls.addTo)
	})
	return dynamo.New(counted, table), calls
}

// TestRoundTripsPerEvent pins the cost of a webhook on DynamoDB: a new event, a duplicate and
// a parked event each take at most two round trips (a read and one transaction).
func TestRoundTripsPerEvent(t *testing.T) {
	s, calls := countedStore(t)
	ctx := context.Background()
	b := storetest.Buyer("buyer-rt")
	o := storetest.Order(t, "o-rt", b)
	if err := s.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}

	ev := storetest.Event("stripe", "evt_rt", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	ev.Refs = []string{"pi_rt", "ch_rt"}
	byRef := func(id string, refs ...string) order.Event {
		e := storetest.Event("stripe", id, "", order.KindFraudWarning, 0, 2*time.Minute)
		e.PaymentRef, e.Refs = "", refs
		return e
	}
	// A second store on the same table has an empty binding cache: a process that never
	// saw the binding (a cold Lambda).
	cold := dynamo.New(s.API(), s.Table())
	cases := []struct {
		name  string
		store *dynamo.Store
		ev    order.Event
		max   int64
		want  func(r store.Recorded) bool
	}{
		{"new event", s, ev, 2, func(r store.Recorded) bool { return r.Outcome.Applied }},
		{"duplicate", s, ev, 2, func(r store.Recorded) bool { return r.Duplicate }},
		{"parked", s, storetest.Event("stripe", "evt_park", "o-unknown", order.KindPaymentSucceeded, 1, time.Minute), 2,
			func(r store.Recorded) bool { return r.Parked }},
		{"by reference", s, byRef("evt_ref", "ch_rt"), 2, func(r store.Recorded) bool { return r.Outcome.Applied }},
		{"by reference, duplicate", s, byRef("evt_ref", "ch_rt"), 2, func(r store.Recorded) bool { return r.Duplicate }},
		{"by reference, binding not cached", cold, byRef("evt_ref_cold", "ch_rt"), 3,
			func(r store.Recorded) bool { return r.Order.ID == o.ID }},
		{"parked by reference", s, byRef("evt_ref_park", "ch_unbound"), 2, func(r store.Recorded) bool { return r.Parked }},
		{"naming nothing", s, byRef("evt_nothing"), 2, func(r store.Recorded) bool { return r.Parked }},
	}
	for _, c := range cases {
		calls.n.Store(0)
		res, err := c.store.RecordEvent(ctx, c.ev, order.Evidence{Body: []byte(`{"id":"evt"}`)})
		if err != nil || !c.want(res) {
			t.Fatalf("%s: %+v, %v", c.name, res, err)
		}
		if n := calls.n.Load(); n == 0 || n > c.max { // 0 would mean the counter is broken
			t.Errorf("%s took %d DynamoDB round trips, want at most %d", c.name, n, c.max)
		} else {
			t.Logf("%s: %d round trips", c.name, n)
		}
	}
}

// TestRoundTripsPerTrackingEvent pins the cost of a carrier webhook: the tracking number's
// claims (a consistent Query, unless the process remembers them), a GetItem of the claiming
// order and one transaction: 3 the first time a process sees the number, 2 after; a parked
// event skips the GetItem (2, or 1 with the claims remembered).
func TestRoundTripsPerTrackingEvent(t *testing.T) {
	s, calls := countedStore(t)
	ctx := context.Background()
	b := storetest.Buyer("buyer-rt")
	for _, c := range []struct{ id, carrier, number string }{
		{"o-rt", "cainiao", "RR123456785CN"}, {"o-rt-ups", "ups", "1Z999AA10123456784"}, {"o-rt-usps", "usps", "1Z999AA10123456784"},
	} {
		o := storetest.Order(t, c.id, b)
		if err := s.SaveOrder(ctx, o, b); err != nil {
			t.Fatal(err)
		}
		pay := storetest.Event("stripe", "evt_"+c.id, c.id, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
		if _, err := s.RecordEvent(ctx, pay, order.Evidence{}); err != nil {
			t.Fatal(err)
		}
		if err := storetest.Ship(t, s, c.id, c.carrier, c.number); err != nil {
			t.Fatal(err)
		}
	}
	scan := storetest.Track("aftership", "as-rt", "RR123456785CN", "", order.ShipmentInTransit, 2*time.Hour)
	unfiled := func(id string) order.TrackingEvent {
		return storetest.Track("aftership", id, "1Z999AA10123456784", "fedex", order.ShipmentInTransit, time.Hour)
	}
	cases := []struct {
		name string
		ev   order.TrackingEvent
		max  int64
		want func(r store.Recorded) bool
	}{
		{"new event, claims not remembered (a cold process)", scan, 3, func(r store.Recorded) bool { return r.Outcome.Applied }},
		{"next event, claims remembered", storetest.Track("aftership", "as-rt-2", "RR123456785CN", "", order.ShipmentOutForDelivery, 3*time.Hour), 2,
			func(r store.Recorded) bool { return r.Outcome.Applied }},
		{"duplicate", scan, 2, func(r store.Recorded) bool { return r.Duplicate }},
		{"parked", storetest.Track("aftership", "as-park", "LX000000005DE", "", order.ShipmentInTransit, time.Hour), 2,
			func(r store.Recorded) bool { return r.Parked }},
		{"parked, several claims none fitting", unfiled("as-unfiled"), 2,
			func(r store.Recorded) bool { return r.Parked && strings.HasPrefix(r.Outcome.Reason, "2 orders claim") }},
		{"parked again, claims remembered", unfiled("as-unfiled-2"), 1,
			func(r store.Recorded) bool { return r.Parked && strings.HasPrefix(r.Outcome.Reason, "2 orders claim") }},
	}
	for _, c := range cases {
		calls.n.Store(0)
		res, err := s.RecordTrackingEvent(ctx, c.ev, order.Evidence{Body: []byte(`{}`)})
		if err != nil || !c.want(res) {
			t.Fatalf("%s: %+v, %v", c.name, res, err)
		}
		if n := calls.n.Load(); n == 0 || n > c.max {
			t.Errorf("%s took %d DynamoDB round trips, want at most %d", c.name, n, c.max)
		} else {
			t.Logf("%s: %d round trips", c.name, n)
		}
	}
}

// TestRoundTripsPerDelivery pins the notifier's cost on DynamoDB for one row sent by email:
// the claim (one conditional update returning the row), the order and the buyer (two
// reads), the outcome (one conditional put, no read): 4; a redelivered record costs the
// claim's failed update only.
func TestRoundTripsPerDelivery(t *testing.T) {
	s, calls := countedStore(t)
	ctx := context.Background()
	b := storetest.Buyer("buyer-rt-n")
	o := storetest.Order(t, "o-rt-n", b)
	if err := s.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	ev := storetest.Event("stripe", "evt_rt_n", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute)
	if _, err := s.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Notifications(ctx, o.ID)
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox = %+v, %v", rows, err)
	}
	n := notifier.New(notifier.Config{Store: s, Email: acceptAll{}, From: "Shop <o@shop.example>",
		SellerName: "Shop", SellerAddress: "Rua A, 1", Owner: "rt", Now: func() time.Time { return ev.ReceivedAt.Add(time.Second) }})
	for _, c := range []struct {
		name      string
		wantCalls int64
		claimed   bool
	}{{"first delivery", 4, true}, {"redelivered record", 1, false}} {
		calls.n.Store(0)
		res, err := n.Deliver(ctx, rows[0].Ref())
		if err != nil || res.Claimed != c.claimed {
			t.Fatalf("%s: Deliver = %+v, %v", c.name, res, err)
		}
		if got := calls.n.Load(); got != c.wantCalls {
			t.Errorf("%s: %d round trips, want %d", c.name, got, c.wantCalls)
		}
	}
}

// acceptAll is an email sender that accepts every message at once.
type acceptAll struct{}

func (acceptAll) SendEmail(context.Context, message.Email) (message.Sent, error) {
	return message.Sent{MessageID: "m"}, nil
}
