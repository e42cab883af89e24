package storetest

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runOutbox(t *testing.T, h Harness) {
	t.Run("NewRowIsDueAndClaimedOnce", func(t *testing.T) { testClaimOnce(t, h) })
	t.Run("ConcurrentClaimsOneWins", func(t *testing.T) { testConcurrentClaims(t, h) })
	t.Run("FinishOnlyByOwner", func(t *testing.T) { testFinishByOwner(t, h) })
	t.Run("DeferredRowDueAtNotBefore", func(t *testing.T) { testDeferred(t, h) })
	t.Run("LapsedLeaseBecomesUnknownNotResent", func(t *testing.T) { testLapsedLease(t, h) })
	t.Run("PreferencesKeptApartFromContact", func(t *testing.T) { testPreferences(t, h) })
}

// paidWithRow returns an order paid by a Stripe event, whose outbox row (payment_received,
// created at the event's received-at) it also returns.
func paidWithRow(t testing.TB, s store.Store, id string) (order.Order, order.Notification) {
	t.Helper()
	o := newPendingOrder(t, s, id)
	mustRecord(t, s, Event("stripe", "evt_"+id, o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	rows, err := s.Notifications(context.Background(), o.ID)
	if err != nil || len(rows) != 1 || rows[0].Status != order.NotificationPending {
		t.Fatalf("outbox of %s = %+v, %v", id, rows, err)
	}
	return o, rows[0]
}

func row(t testing.TB, s store.Store, ref order.NotificationRef) order.Notification {
	t.Helper()
	rows, err := s.Notifications(context.Background(), ref.OrderID)
	if err != nil {
		t.Fatalf("Notifications(%s): %v", ref.OrderID, err)
	}
	for _, n := range rows {
		if n.Ref() == ref {
			return n
		}
	}
	t.Fatalf("no outbox row %s in %+v", ref, rows)
	return order.Notification{}
}

func dueRefs(t testing.TB, s store.Store, now time.Time) map[order.NotificationRef]string {
	t.Helper()
	list, err := s.DueNotifications(context.Background(), now, 100)
	if err != nil {
		t.Fatalf("DueNotifications: %v", err)
	}
	out := map[order.NotificationRef]string{}
	for _, n := range list {
		out[n.Ref()] = n.Status
	}
	return out
}

func testClaimOnce(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-out-1")
	ref := n.Ref()
	if due := dueRefs(t, s, n.CreatedAt.Add(-time.Second)); len(due) != 0 {
		t.Fatalf("due before it was created: %v", due)
	}
	eventually(t, func() bool { return dueRefs(t, s, n.CreatedAt)[ref] == order.NotificationPending },
		"a new outbox row is not in the due index")
	now := n.CreatedAt.Add(time.Second)
	got, err := s.ClaimNotification(ctx, ref, "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatalf("ClaimNotification: %v", err)
	}
	want := n
	want.Status, want.Owner, want.Attempts = order.NotificationSending, "notifier-a", 1
	want.LeaseUntil, want.UpdatedAt = now.Add(time.Minute).UTC(), now.UTC()
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(row(t, s, ref), want) {
		t.Fatalf("claimed row = %+v\nstored %+v\nwant %+v", got, row(t, s, ref), want)
	}
	_, err = s.ClaimNotification(ctx, ref, "notifier-b", now, time.Minute)
	wantCode(t, "second claim", err, order.CodeConflict)
	_, err = s.ClaimNotification(ctx, order.NotificationRef{OrderID: "o-out-1", Kind: order.NotifyPaymentReminder, Seq: 9}, "x", now, time.Minute)
	wantCode(t, "claim of a missing row", err, order.CodeNotFound)
	if r := row(t, s, ref); r.Owner != "notifier-a" || r.Attempts != 1 {
		t.Fatalf("a refused claim changed the row: %+v", r)
	}
}

func testConcurrentClaims(t *testing.T, h Harness) {
	s := h.Open(t)
	_, n := paidWithRow(t, s, "o-out-race")
	now := n.CreatedAt.Add(time.Second)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := s.ClaimNotification(context.Background(), n.Ref(), fmt.Sprintf("notifier-%d", i), now, time.Minute)
			switch order.ErrorCode(err) {
			case "":
				wins.Add(1)
			case order.CodeConflict:
			default:
				t.Errorf("claim %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	if r := row(t, s, n.Ref()); wins.Load() != 1 || r.Attempts != 1 || r.Status != order.NotificationSending {
		t.Fatalf("%d claims won; row %+v", wins.Load(), r)
	}
}

func testFinishByOwner(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-out-fin")
	now := n.CreatedAt.Add(time.Second)
	claimed, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	done := claimed
	done.Status, done.UpdatedAt = order.NotificationSent, now.Add(2*time.Second).UTC()
	done.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationSent, MessageID: "m-1", At: done.UpdatedAt}}
	stranger := done
	stranger.Owner = "notifier-b"
	wantCode(t, "finish by a notifier without the claim", s.FinishNotification(ctx, stranger), order.CodeConflict)
	if err := s.FinishNotification(ctx, done); err != nil {
		t.Fatalf("FinishNotification: %v", err)
	}
	want := done
	want.LeaseUntil = time.Time{}
	if got := row(t, s, n.Ref()); !reflect.DeepEqual(got, want) {
		t.Fatalf("finished row = %+v\nwant %+v", got, want)
	}
	wantCode(t, "second finish", s.FinishNotification(ctx, done), order.CodeConflict)
	_, err = s.ClaimNotification(ctx, n.Ref(), "notifier-b", now.Add(time.Hour), time.Minute)
	wantCode(t, "claim of a sent row", err, order.CodeConflict)
	eventually(t, func() bool { return len(dueRefs(t, s, now.Add(time.Hour))) == 0 }, "a sent row stayed in the due index")
}

func testDeferred(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-out-defer")
	now := n.CreatedAt.Add(time.Second)
	claimed, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	later := now.Add(10 * time.Hour).UTC()
	deferred := claimed
	deferred.Status, deferred.NotBefore, deferred.Reason, deferred.UpdatedAt = order.NotificationPending, later, "quiet hours", now
	if err := s.FinishNotification(ctx, deferred); err != nil {
		t.Fatal(err)
	}
	_, err = s.ClaimNotification(ctx, n.Ref(), "notifier-b", later.Add(-time.Second), time.Minute)
	wantCode(t, "claim before NotBefore", err, order.CodeConflict)
	eventually(t, func() bool {
		return len(dueRefs(t, s, later.Add(-time.Second))) == 0 && dueRefs(t, s, later)[n.Ref()] == order.NotificationPending
	}, "a deferred row is not due at its NotBefore (and only then)")
	again, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", later, time.Minute)
	if err != nil || again.Attempts != 2 || again.Owner != "notifier-a" || again.Reason != "quiet hours" {
		t.Fatalf("claim at NotBefore = %+v, %v", again, err)
	}
	// The same notifier's outcome for its first claim is stale now: only the second
	// claim's may land.
	stale := claimed
	stale.Status, stale.UpdatedAt = order.NotificationSent, later
	wantCode(t, "outcome of an earlier claim", s.FinishNotification(ctx, stale), order.CodeConflict)
	done := again
	done.Status, done.UpdatedAt = order.NotificationSent, later
	if err := s.FinishNotification(ctx, done); err != nil {
		t.Fatalf("outcome of the current claim: %v", err)
	}
}

func testLapsedLease(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-out-lapse")
	now := n.CreatedAt.Add(time.Second)
	claimed, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	lapse := now.Add(time.Minute)
	wantCode(t, "expire before the lease ends", s.ExpireNotification(ctx, n.Ref(), lapse.Add(-time.Nanosecond), "x"), order.CodeConflict)
	eventually(t, func() bool {
		return len(dueRefs(t, s, lapse.Add(-time.Second))) == 0 && dueRefs(t, s, lapse)[n.Ref()] == order.NotificationSending
	}, "a claimed row is not due when its lease ends")
	if err := s.ExpireNotification(ctx, n.Ref(), lapse, "lease lapsed"); err != nil {
		t.Fatalf("ExpireNotification: %v", err)
	}
	if r := row(t, s, n.Ref()); r.Status != order.NotificationUnknown || r.Reason != "lease lapsed" || r.Owner != "notifier-a" {
		t.Fatalf("expired row = %+v", r)
	}
	_, err = s.ClaimNotification(ctx, n.Ref(), "notifier-b", lapse.Add(time.Hour), time.Minute)
	wantCode(t, "claim of an unknown row", err, order.CodeConflict)
	wantCode(t, "second expiry", s.ExpireNotification(ctx, n.Ref(), lapse, "x"), order.CodeConflict)
	// The expiry wrote the seller's message_unknown alert with it: due, the only due row.
	eventually(t, func() bool {
		due := dueRefs(t, s, lapse.Add(time.Hour))
		_, still := due[n.Ref()]
		return !still && len(due) == 1
	}, "an unknown row stayed due, or its message_unknown alert is not")
	alerts := rowsOfKind(t, s, n.OrderID, order.AlertMessageUnknown)
	if len(alerts) != 1 || alerts[0].BuyerID != "" || alerts[0].Status != order.NotificationPending ||
		!strings.Contains(alerts[0].Detail, n.Ref().String()) || !alerts[0].CreatedAt.Equal(lapse) {
		t.Fatalf("message_unknown alerts = %+v, want one for %s", alerts, n.Ref())
	}
	// The late outcome of the original claim still lands: it is the truth.
	sent := claimed
	sent.Status, sent.UpdatedAt = order.NotificationSent, lapse.Add(time.Second)
	if err := s.FinishNotification(ctx, sent); err != nil {
		t.Fatalf("late FinishNotification by the owner: %v", err)
	}
	if r := row(t, s, n.Ref()); r.Status != order.NotificationSent {
		t.Fatalf("row after the late outcome = %+v", r)
	}
}

func testPreferences(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	wantCode(t, "preferences of an unknown buyer", s.SetPreferences(ctx, "nobody", order.Preferences{}), order.CodeNotFound)
	o := newPendingOrder(t, s, "o-prefs")
	p := order.Preferences{Default: order.ChannelsBoth, EmailOptOut: true, UpdatedBy: "buyer", UpdatedAt: baseTime,
		ByKind: map[order.NotificationKind]order.ChannelChoice{order.NotifyPaymentReminder: order.ChannelsSMS}}
	if err := s.SetPreferences(ctx, o.BuyerID, p); err != nil {
		t.Fatalf("SetPreferences: %v", err)
	}
	b, err := s.GetBuyer(ctx, o.BuyerID)
	if err != nil || !reflect.DeepEqual(b.Preferences, p) {
		t.Fatalf("GetBuyer preferences = %+v, %v\nwant %+v", b.Preferences, err, p)
	}
	// A later order (new contact details) keeps them; paying keeps them.
	moved := Buyer(o.BuyerID)
	moved.Email = "moved@example.org"
	mustSave(t, s, Order(t, "o-prefs-2", moved), moved)
	mustRecord(t, s, Event("stripe", "evt_prefs", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	if b, _ = s.GetBuyer(ctx, o.BuyerID); !reflect.DeepEqual(b.Preferences, p) || b.Email != "moved@example.org" {
		t.Fatalf("buyer after a new order and a payment = %+v", b)
	}
}

// rowsOfKind returns order id's outbox rows of kind.
func rowsOfKind(t *testing.T, s store.Store, id string, kind order.NotificationKind) []order.Notification {
	t.Helper()
	rows, err := s.Notifications(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []order.Notification
	for _, r := range rows {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}
