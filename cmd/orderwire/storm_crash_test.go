package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestStormCrash kills the server with SIGKILL in the middle of a storm (once half the
// deliveries have been answered), restarts it on the same data directory, and checks that
// every delivery answered 2xx before the kill is on its order: its event id is on the
// order's timeline. An event that names only payment references counts once an event that
// binds them (one naming the order and the payment) was answered 2xx too; without that it
// is rightly parked, not on the order.
func TestStormCrash(t *testing.T) {
	keys, at := newStormKeys(t), newStormTimes()
	plan := newStormPlan(t, "C", keys, stormRand(t), at.start)
	dir := t.TempDir()
	bin, data, log := buildOrderwire(t), filepath.Join(dir, "data"), filepath.Join(dir, "serve.log")
	s := startStormServer(t, bin, data, log, keys.env(t))
	setUpStorm(t, s, plan, at)
	half := len(plan.sends) / 2
	r := runStorm(s, plan, stormClients, half, s.kill)
	answered, acked, fiveXX := 0, map[*stormDelivery]bool{}, 0
	for i, code := range r.status {
		if code != 0 {
			answered++
		}
		if code >= 200 && code < 300 {
			acked[plan.events[plan.sends[i]]] = true
		}
		if code >= 500 {
			fiveXX++
		}
	}
	logFigures(t, "until the kill", plan, r, answered)
	if answered < half {
		t.Fatalf("only %d deliveries were answered before the kill, want at least %d", answered, half)
	}
	if fiveXX > 0 {
		t.Errorf("%d deliveries answered 5xx before the kill", fiveXX)
	}

	s = startStormServer(t, bin, data, log, keys.env(t))
	bound := map[string]bool{} // orders with an acknowledged event that names them and their payment
	for d := range acked {
		if d.direct && d.pay != nil {
			bound[d.orderID] = true
		}
	}
	orders := map[string]apiOrder{}
	var missing []string
	required, missingDirect := 0, 0
	for d := range acked {
		if !d.direct && !bound[d.orderID] {
			continue
		}
		required++
		o, ok := orders[d.orderID]
		if !ok {
			if code := s.api(t, "GET", "/v1/orders/"+d.orderID, "", &o); code != 200 {
				t.Fatalf("GET %s after the restart: %d", d.orderID, code)
			}
			orders[d.orderID] = o
		}
		if !o.has(d.source, d.eventID()) {
			missing = append(missing, fmt.Sprintf("%s %s (%s, direct=%t)", d.orderID, d.eventID(), d.kindName(), d.direct))
			if d.direct {
				missingDirect++
			}
		}
	}
	t.Logf("storm crash: %d deliveries answered before the kill, %d unique events acknowledged, %d of them must be on their order, %d are not (%d naming their order, %d naming only payment references)",
		answered, len(acked), required, len(missing), missingDirect, len(missing)-missingDirect)
	if len(missing) > 0 {
		t.Errorf("%d acknowledged events are not on their order after the restart, e.g.\n  %s",
			len(missing), strings.Join(missing[:min(len(missing), 10)], "\n  "))
	}
	s.stop()
}
