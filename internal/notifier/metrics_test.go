package notifier_test

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// counts is a notifier.Metrics that keeps "kind/status" → count.
type counts struct {
	mu sync.Mutex
	m  map[string]int
}

func (c *counts) MessageFinished(kind, status string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]int{}
	}
	c.m[kind+"/"+status]++
}

func (c *counts) want(t *testing.T, want map[string]int) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(want) == 0 && len(c.m) == 0 {
		return
	}
	if !maps.Equal(c.m, want) {
		t.Errorf("counted %v, want %v", c.m, want)
	}
}

func withMetrics(c *counts) func(*notifier.Config) {
	return func(cfg *notifier.Config) { cfg.Metrics = c }
}

// TestMetricsCountEachRecordedOutcome: a deferral (pending), then the send (sent); an
// uncertain send (unknown).
func TestMetricsCountEachRecordedOutcome(t *testing.T) {
	c := &counts{}
	w := newWorld(t, withMetrics(c))
	w.clock.Set(time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC)) // 22:30 in Lisbon
	b := buyer("b-1")
	b.Preferences.Default = order.ChannelsBoth
	w.deliver(w.add("o-1", b, order.NotifyShipmentShipped))
	w.clock.Set(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC))
	w.runDue()

	w.email.script = []error{message.Uncertain("ses.SendEmail", "connection reset after the request", nil)}
	w.deliver(w.add("o-2", buyer("b-2"), order.NotifyPaymentReceived))
	c.want(t, map[string]int{"shipment_shipped/pending": 1, "shipment_shipped/sent": 1, "payment_received/unknown": 1})
}

// TestMetricsCountLapsedClaimsUnknown: RunDue records a claim whose holder died unknown,
// and counts it so.
func TestMetricsCountLapsedClaimsUnknown(t *testing.T) {
	c := &counts{}
	w := newWorld(t, withMetrics(c))
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReminder)
	if _, err := w.store.ClaimNotification(context.Background(), ref, "a-notifier-that-died", w.clock.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(2 * time.Minute)
	if sum := w.runDue(); sum.Expired != 1 {
		t.Fatalf("RunDue = %+v, want one expiry", sum)
	}
	c.want(t, map[string]int{"payment_reminder/unknown": 1})
}

// TestMetricsSkipLostClaims: an outcome that could not be recorded (the claim changed
// hands during the send) is not counted.
func TestMetricsSkipLostClaims(t *testing.T) {
	c := &counts{}
	w := newWorld(t, withMetrics(c))
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	w.email.during = func() { w.handOver(ref, "someone-else") }
	if res := w.deliver(ref); !res.LostClaim {
		t.Fatalf("Deliver = %+v, want a lost claim", res)
	}
	c.want(t, nil)
}
