package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The storm tests (issue 10's "Done means"): `orderwire serve` as its own process on the
// embedded store, every payment provider and carrier sender configured through its
// environment variables, ~200 orders, at least 2,000 validly signed deliveries of which 30 %
// repeat an earlier one, shuffled, from 16 concurrent clients on loopback. The figures
// (deliveries/s, p50/p99 latency) are logged: go test -run 'TestStorm' -v ./cmd/orderwire
// prints them, and BenchmarkStorm reports them (BENCHMARKS.md). STORM_SEED=<n> replays
// another shuffle.

const stormClients = 16

// stormTimes are the storm's clock: its events happen in the six hours before the test; the
// orders were created before that, the carrier orders paid and shipped before it too.
type stormTimes struct{ start, created, shippedAt time.Time }

func newStormTimes() stormTimes {
	start := time.Now().UTC().Truncate(time.Minute).Add(-6 * time.Hour)
	return stormTimes{start: start, created: start.Add(-4 * time.Hour), shippedAt: start.Add(-2 * time.Hour)}
}

func stormRand(t testing.TB) *rand.Rand {
	seed := uint64(10)
	if s := os.Getenv("STORM_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("STORM_SEED: %v", err)
		}
		seed = n
	}
	t.Logf("storm: seed %d (STORM_SEED replays it)", seed)
	return rand.New(rand.NewPCG(seed, 0x5eed))
}

// setUpStorm registers every order, pays the carrier orders and registers their parcels.
func setUpStorm(t testing.TB, s *stormServer, plan *stormPlan, at stormTimes) {
	t.Helper()
	errs := make([]string, len(plan.orders))
	parallel(len(plan.orders), stormClients, func(i int) {
		o := plan.orders[i]
		if code := s.api(t, "PUT", "/v1/orders/"+o.id, orderBodyFor(o, at.created), nil); code != 201 {
			errs[i] = fmt.Sprintf("PUT %s: %d", o.id, code)
			return
		}
		setup := plan.setup[o.id]
		if setup == nil {
			return
		}
		if code, _ := s.post(setup.req); code != 200 {
			errs[i] = fmt.Sprintf("paying %s: %d", o.id, code)
			return
		}
		for _, p := range o.parcels {
			body := fmt.Sprintf(`{"carrier":%q,"tracking_number":%q,"service":"postal","shipped_at":%q}`,
				p.carrier, p.number, at.shippedAt.Format(time.RFC3339))
			if code := s.api(t, "POST", "/v1/orders/"+o.id+"/shipments", body, nil); code != 201 {
				errs[i] = fmt.Sprintf("shipping %s on %s: %d", p.number, o.id, code)
				return
			}
		}
	})
	for _, e := range errs {
		if e != "" {
			t.Fatal("storm setup: " + e)
		}
	}
}

func logFigures(t testing.TB, name string, plan *stormPlan, r stormResult, sent int) {
	p50, p99 := r.percentiles()
	t.Logf("storm %s: %d deliveries answered (the plan: %d, %d unique events and %d repeats) from %d clients in %v: %.0f deliveries/s, p50 %v, p99 %v",
		name, sent, len(plan.sends), len(plan.events), len(plan.sends)-len(plan.events), stormClients, r.elapsed.Round(time.Millisecond),
		float64(sent)/r.elapsed.Seconds(), p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond))
}

// TestStorm compares every order's final state with the reference fold of its unique
// events in event-time order, and counts 5xx answers and buyer messages sent twice.
func TestStorm(t *testing.T) {
	keys, at := newStormKeys(t), newStormTimes()
	plan := newStormPlan(t, "S", keys, stormRand(t), at.start)
	if len(plan.sends) < 2000 || len(plan.orders) < 200 {
		t.Fatalf("the storm is %d deliveries over %d orders, want at least 2000 over 200", len(plan.sends), len(plan.orders))
	}
	dir := t.TempDir()
	s := startStormServer(t, buildOrderwire(t), filepath.Join(dir, "data"), filepath.Join(dir, "serve.log"), keys.env(t))
	setUpStorm(t, s, plan, at)
	r := runStorm(s, plan, stormClients, 0, nil)
	logFigures(t, "run", plan, r, len(plan.sends))

	bad := map[int]int{}
	for _, code := range r.status {
		if code < 200 || code >= 300 {
			bad[code]++
		}
	}
	if len(bad) > 0 {
		t.Errorf("answers other than 2xx to validly signed deliveries (status: count, 0 = no answer): %v", bad)
	}
	outbox := waitOutbox(t, s)
	mismatches := compareStates(t, s, plan, at)
	twice := sentTwice(plan, outbox)
	t.Logf("storm run: %d of %d orders differ from the event-time fold; %d buyer messages sent twice (of %d); %d answers not 2xx",
		mismatches, len(plan.orders), len(twice), len(outbox), len(bad))
	if len(twice) > 0 {
		t.Errorf("buyer messages sent more than once (order kind parcel: count): %v", twice)
	}
	s.stop()
}

// compareStates GETs every order and compares it with its reference fold; it reports each
// mismatch (the first few in full) and returns how many orders differ.
func compareStates(t testing.TB, s *stormServer, plan *stormPlan, at stormTimes) int {
	t.Helper()
	mismatches, lost := 0, 0
	perProvider := map[string]int{}
	for _, o := range plan.orders {
		var got apiOrder
		if code := s.api(t, "GET", "/v1/orders/"+o.id, "", &got); code != 200 {
			t.Fatalf("GET %s: %d", o.id, code)
		}
		want := stateOf(referenceFold(t, plan, o, at.created, at.shippedAt))
		if got.state() == want {
			continue
		}
		mismatches++
		perProvider[o.provider+map[bool]string{true: " (carrier order)", false: ""}[len(o.parcels) > 0]]++
		var missing []string
		var events []string
		for _, d := range plan.events {
			if d.orderID != o.id {
				continue
			}
			on := got.has(d.source, d.eventID())
			if !on {
				missing = append(missing, d.eventID())
			}
			events = append(events, fmt.Sprintf("%s %s direct=%t on_timeline=%t", d.occurredAt().Format("15:04"), d.kindName(), d.direct, on))
		}
		if len(missing) > 0 {
			lost++
		}
		// The first few of each kind in full: orders missing events, orders with all of them.
		if shown := map[bool]int{true: lost, false: mismatches - lost}[len(missing) > 0]; shown <= 4 {
			t.Errorf("order %s (%s) differs from the event-time fold\n got  %+v\n want %+v\n %d of its events are not on its timeline; its events in event time:\n  %s",
				o.id, o.provider, got.state(), want, len(missing), strings.Join(events, "\n  "))
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d orders differ from the reference fold (%d of them have events missing from their timeline, %d have all their events and a different state); by payment provider: %v",
			mismatches, len(plan.orders), lost, mismatches-lost, perProvider)
	}
	return mismatches
}

func (d *stormDelivery) kindName() string {
	if d.pay != nil {
		return d.source + " " + string(d.pay.Kind) + " " + d.pay.DisputeOutcome + fmt.Sprintf(" %d", d.pay.AmountMinor)
	}
	return d.source + " " + d.track.TrackingNumber + " " + string(d.track.Status)
}

// outboxMessage is a message the local sink sent, the fields the storm reads.
type outboxMessage struct {
	OrderID string `json:"order_id"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

// waitOutbox waits until the notifier has drained the outbox (the local sink's list stays
// the same for a second) and returns what it sent.
func waitOutbox(t testing.TB, s *stormServer) []outboxMessage {
	t.Helper()
	var list []outboxMessage
	stable := 0
	for range 150 {
		var next []outboxMessage
		if code := s.api(t, "GET", "/local/outbox", "", &next); code != 200 {
			t.Fatalf("GET /local/outbox: %d", code)
		}
		if len(next) == len(list) && len(list) > 0 {
			if stable++; stable == 5 {
				return list
			}
		} else {
			stable = 0
		}
		list = next
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the outbox did not settle: %d messages and counting", len(list))
	return nil
}

// sentTwice counts the messages per order, kind and parcel (the tracking number the message
// names, for an order with parcels) and returns those sent more than once.
func sentTwice(plan *stormPlan, outbox []outboxMessage) map[string]int {
	parcels := map[string][]stormParcel{}
	for _, o := range plan.orders {
		parcels[o.id] = o.parcels
	}
	count := map[string]int{}
	for _, m := range outbox {
		parcel := ""
		for _, p := range parcels[m.OrderID] {
			if strings.Contains(m.Text, p.number) || strings.Contains(m.Subject, p.number) {
				parcel = p.number
			}
		}
		count[m.OrderID+" "+m.Kind+" "+parcel]++
	}
	twice := map[string]int{}
	for k, n := range count {
		if n > 1 {
			twice[k] = n
		}
	}
	return twice
}

// BenchmarkStorm measures the storm's deliveries against one `orderwire serve` process: each
// iteration is a new storm (new orders, registered with the timer stopped) of at least
// 2,000 deliveries from 16 clients. It reports deliveries/s and the p50 and p99 latency of a
// delivery in milliseconds; ns/op is one whole storm.
func BenchmarkStorm(b *testing.B) {
	keys, at := newStormKeys(b), newStormTimes()
	dir := b.TempDir()
	s := startStormServer(b, buildOrderwire(b), filepath.Join(dir, "data"), filepath.Join(dir, "serve.log"), keys.env(b))
	rng := stormRand(b)
	all := stormResult{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		plan := newStormPlan(b, fmt.Sprintf("B%d", i), keys, rng, at.start)
		setUpStorm(b, s, plan, at)
		b.StartTimer()
		r := runStorm(s, plan, stormClients, 0, nil)
		all.status, all.latency, all.elapsed = append(all.status, r.status...), append(all.latency, r.latency...), all.elapsed+r.elapsed
	}
	b.StopTimer()
	for _, code := range all.status {
		if code < 200 || code >= 300 {
			b.Fatalf("a validly signed delivery was answered %d", code)
		}
	}
	p50, p99 := all.percentiles()
	b.ReportMetric(float64(len(all.status))/all.elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	s.stop()
}
