package notifier_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// Partial progress across claims, and outcomes that reach the store late or not at all.

func TestSMSInQuietHoursWaitsForTheMorning(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC)) // 22:30 in Lisbon
	b := buyer("b-1")
	b.Preferences.Default = order.ChannelsBoth
	ref := w.add("o-1", b, order.NotifyShipmentShipped)
	morning := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)

	res := w.deliver(ref)
	row := w.wantRow(ref, order.NotificationPending, "quiet hours (Europe/Lisbon)", "email=sent")
	if !row.NotBefore.Equal(morning) || res.Status != order.NotificationPending {
		t.Fatalf("NotBefore %s, result %+v", row.NotBefore, res)
	}
	w.wantSends(1, 0)

	w.clock.Set(morning.Add(-time.Second))
	if sum := w.runDue(); sum.Due != 0 {
		t.Fatalf("RunDue before 08:00 = %+v", sum)
	}
	w.clock.Set(morning)
	if sum := w.runDue(); sum.Claimed != 1 || sum.Sent != 1 || sum.Messages != 1 {
		t.Fatalf("RunDue at 08:00 = %+v", sum)
	}
	w.wantRow(ref, order.NotificationSent, "", "email=sent", "sms=sent")
	w.wantSends(1, 1)
	if w.email.accepted["o-1/shipment_shipped/2/email"] != 1 || w.sms.accepted["o-1/shipment_shipped/2/sms"] != 1 {
		t.Fatalf("sends by id: %v %v", w.email.accepted, w.sms.accepted)
	}
}

func TestReminderInQuietHoursIsDeferredOnEveryChannel(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(time.Date(2026, 11, 23, 5, 0, 0, 0, time.UTC))
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReminder)
	w.deliver(ref)
	row := w.wantRow(ref, order.NotificationPending, "quiet hours (Europe/Lisbon)")
	if !row.NotBefore.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("NotBefore %s", row.NotBefore)
	}
	w.wantSends(0, 0)
}

func TestQuietHoursUseTheOrderZoneWhenTheBuyerHasNone(t *testing.T) {
	w := newWorld(t)
	w.clock.Set(time.Date(2026, 11, 23, 13, 0, 0, 0, time.UTC)) // 22:00 in Tokyo
	b := buyer("b-1")
	b.TimeZone = ""
	ref := w.add("o-1", b, order.NotifyPaymentReminder, func(o *order.Order, _ *order.Notification) {
		o.BuyerTimeZone = "Asia/Tokyo"
	})
	w.deliver(ref)
	row := w.wantRow(ref, order.NotificationPending, "quiet hours (Asia/Tokyo)")
	if !row.NotBefore.Equal(time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("NotBefore %s", row.NotBefore)
	}
}

func TestTemporarySMSFailureAfterEmailSendsOnlyTheSMSLater(t *testing.T) {
	w := newWorld(t)
	b := buyer("b-1")
	b.Preferences.Default = order.ChannelsBoth
	temp := message.Temporary("sns.Publish", "throttled", nil)
	w.sms.script = []error{temp, temp, temp}
	ref := w.add("o-1", b, order.NotifyShipmentShipped)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationPending, "retrying: sms: throttled", "email=sent")
	w.clock.Advance(time.Minute)
	w.runDue()
	w.wantRow(ref, order.NotificationSent, "", "email=sent", "sms=sent")
	w.wantSends(1, 1)
	if calls, _ := w.email.total(); calls != 1 {
		t.Fatalf("email sender called %d times", calls)
	}
}

// TestLostClaim: while the email is with the provider, the row changes hands through the
// store's own writes: a retry is recorded under the notifier's claim (an operator's reset,
// or a second process reusing the owner name) and the row is claimed again, by another
// owner or under the same owner name. Either way the first claim's outcome is refused (the
// owner check, or the attempt count check) and the notifier reports the claim lost.
func TestLostClaim(t *testing.T) {
	for name, nextOwner := range map[string]string{"another owner": "someone-else", "same owner, later attempt": "test-notifier"} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t)
			ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
			w.email.during = func() { w.handOver(ref, nextOwner) }
			res := w.deliver(ref)
			if !res.Claimed || !res.LostClaim || res.Messages != 1 {
				t.Fatalf("Deliver = %+v", res)
			}
			if !strings.Contains(w.logs.String(), `"note":"claim lost before the outcome was recorded"`) {
				t.Fatalf("log = %s", w.logs.String())
			}
			if n := w.row(ref); n.Status != order.NotificationSending || n.Owner != nextOwner || n.Attempts != 2 {
				t.Fatalf("row = %+v, want sending under %s's second claim", n, nextOwner)
			}
		})
	}
}

// handOver records a retry of row ref under its current claim and lets owner claim it
// again a second later: the row's owner and attempt count are then owner's and one more.
func (w *world) handOver(ref order.NotificationRef, owner string) {
	w.t.Helper()
	ctx := context.Background()
	retry := w.row(ref)
	retry.Status, retry.Reason = order.NotificationPending, "retrying: reset"
	retry.UpdatedAt = w.clock.Now()
	retry.NotBefore = retry.UpdatedAt.Add(time.Second)
	if err := w.store.FinishNotification(ctx, retry); err != nil {
		w.t.Fatalf("FinishNotification(retry): %v", err)
	}
	w.clock.Advance(time.Second)
	if _, err := w.store.ClaimNotification(ctx, ref, owner, w.clock.Now(), notifier.DefaultLease); err != nil {
		w.t.Fatalf("ClaimNotification(%s): %v", owner, err)
	}
}

func TestLateOutcomeReplacesUnknown(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	other := notifier.New(notifier.Config{Store: w.store, Owner: "other", Now: w.clock.Now})
	w.email.during = func() { // the provider is slower than the lease
		w.clock.Advance(notifier.DefaultLease)
		if sum, err := other.RunDue(context.Background(), 10); err != nil || sum.Expired != 1 {
			t.Errorf("RunDue during the send = %+v, %v", sum, err)
		}
		if n := w.row(ref); n.Status != order.NotificationUnknown {
			t.Errorf("row during the send = %s", n.Status)
		}
	}
	if res := w.deliver(ref); res.LostClaim || res.Status != order.NotificationSent {
		t.Fatalf("Deliver = %+v", res)
	}
	w.wantRow(ref, order.NotificationSent, "", "email=sent")
}

func TestOutcomeNotRecordedLapsesIntoUnknown(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	boom := order.Internal("mem.Finish", errors.New("connection reset"))
	w.n = notifier.New(notifier.Config{Store: finishFails{w.store, boom}, Email: w.email, Render: w.render.Render,
		Now: w.clock.Now, Owner: "crashy"})
	if _, err := w.n.Deliver(context.Background(), ref); !errors.Is(err, boom) {
		t.Fatalf("Deliver error = %v", err)
	}
	if n := w.row(ref); n.Status != order.NotificationSending {
		t.Fatalf("row = %s", n.Status)
	}
	sweeper := notifier.New(notifier.Config{Store: w.store, Email: w.email, Owner: "sweeper", Now: w.clock.Now})
	if sum, _ := sweeper.RunDue(context.Background(), 10); sum.Expired != 0 {
		t.Fatalf("expired a live lease: %+v", sum)
	}
	w.clock.Advance(notifier.DefaultLease)
	if sum, _ := sweeper.RunDue(context.Background(), 10); sum.Expired != 1 {
		t.Fatalf("RunDue after the lease = %+v", sum)
	}
	row := w.row(ref)
	if row.Status != order.NotificationUnknown || !strings.Contains(row.Reason, "claim by crashy lapsed") {
		t.Fatalf("row = %+v", row)
	}
	w.clock.Advance(24 * time.Hour)
	if _, err := sweeper.RunDue(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	w.wantSends(1, 0)
}

type finishFails struct {
	*memstore.Store
	err error
}

func (f finishFails) FinishNotification(context.Context, order.Notification) error { return f.err }

func TestRunDuePagesThroughEverythingDue(t *testing.T) {
	w := newWorld(t)
	var refs []order.NotificationRef
	for _, id := range []string{"o-1", "o-2", "o-3", "o-4", "o-5"} {
		refs = append(refs, w.add(id, buyer("b-"+id), order.NotifyShipmentDelivered))
	}
	w.add("o-later", buyer("b-later"), order.NotifyShipmentDelivered, func(_ *order.Order, n *order.Notification) {
		n.NotBefore = start.Add(time.Hour)
	})
	sum, err := w.n.RunDue(context.Background(), 2)
	if err != nil || sum.Due != 5 || sum.Claimed != 5 || sum.Sent != 5 || sum.Messages != 5 {
		t.Fatalf("RunDue = %+v, %v", sum, err)
	}
	for _, ref := range refs {
		w.wantRow(ref, order.NotificationSent, "", "email=sent")
	}
}

// TestCanceledContextDefersWithoutSending: the caller's context ends after the claim and
// before the send (a Lambda deadline, a shutdown): nothing is sent and the outcome, a
// retry, is still recorded.
func TestCanceledContextDefersWithoutSending(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	w := newWorld(t, func(c *notifier.Config) { c.Store = cancelAfterReads{c.Store, cancel} })
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	res, err := w.n.Deliver(ctx, ref)
	if err != nil || res.Status != order.NotificationPending {
		t.Fatalf("Deliver = %+v, %v", res, err)
	}
	w.wantRow(ref, order.NotificationPending, "retrying: email: interrupted")
	if calls, _ := w.email.total(); calls != 0 {
		t.Fatalf("sender called %d times with a dead context", calls)
	}
}

func TestUnknownOrderIsSkipped(t *testing.T) {
	w := newWorld(t, func(c *notifier.Config) { c.Store = orderGone{c.Store} })
	ref := w.add("o-1", buyer("b-1"), order.NotifyPaymentReceived)
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSkipped, "order unknown")
}

// cancelAfterReads is a real store that calls cancel once GetBuyer, the notifier's last
// read before it sends, has answered.
type cancelAfterReads struct {
	notifier.Store
	cancel context.CancelFunc
}

func (c cancelAfterReads) GetBuyer(ctx context.Context, id string) (order.Buyer, error) {
	defer c.cancel()
	return c.Store.GetBuyer(ctx, id)
}

// orderGone is a real store whose GetOrder answers CodeNotFound. No store method deletes
// an order, so a row whose order is gone (a store restored from an older backup, a
// hand-edited table) cannot be reached through the store's writes; the fault is injected
// here instead.
type orderGone struct{ notifier.Store }

func (orderGone) GetOrder(_ context.Context, id string) (order.Order, error) {
	return order.Order{}, order.Errorf(order.CodeNotFound, "test.GetOrder", "no order %s", id)
}
