package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func runDunning(t *testing.T, h Harness) {
	t.Run("DueIndexHoldsOnlyUnpaidDueOrders", func(t *testing.T) { testDueIndex(t, h) })
	t.Run("DunningStepIsVersionChecked", func(t *testing.T) { testDunningVersioned(t, h) })
	t.Run("BuyerStatsMoveWithEvents", func(t *testing.T) { testBuyerStats(t, h) })
}

// dueOrder saves a new order whose next dunning action is at baseTime+after.
func dueOrder(t testing.TB, s interface {
	SaveOrder(context.Context, order.Order, order.Buyer) error
}, id string, after time.Duration) order.Order {
	t.Helper()
	b := Buyer("buyer-" + id)
	o := Order(t, id, b)
	o.NextActionAt = baseTime.Add(after)
	if err := s.SaveOrder(context.Background(), o, b); err != nil {
		t.Fatal(err)
	}
	return o
}

func dueIDs(list []order.Order) map[string]bool {
	ids := map[string]bool{}
	for _, o := range list {
		ids[o.ID] = true
	}
	return ids
}

func testDueIndex(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	dueOrder(t, s, "o-due-1", time.Hour)
	second := dueOrder(t, s, "o-due-2", 2*time.Hour)
	dueOrder(t, s, "o-due-3", 3*time.Hour)
	got, err := s.DueOrders(ctx, baseTime.Add(150*time.Minute), 10)
	if ids := dueIDs(got); err != nil || len(got) != 2 || !ids["o-due-1"] || !ids["o-due-2"] {
		t.Fatalf("DueOrders at +2h30 = %v, %v; want o-due-1 and o-due-2", ids, err)
	}
	if got[0].ID != "o-due-1" || !got[1].NextActionAt.Equal(second.NextActionAt) {
		t.Fatalf("due orders not in time order, or copies wrong: %+v", got)
	}
	if got, _ := s.DueOrders(ctx, baseTime.Add(4*time.Hour), 1); len(got) != 1 {
		t.Fatalf("limit 1 returned %d", len(got))
	}
	// Paying takes the order out of the index in the same write.
	mustRecord(t, s, Event("stripe", "evt_due", "o-due-2", order.KindPaymentSucceeded, second.AmountMinor, time.Minute))
	eventually(t, func() bool {
		got, _ := s.DueOrders(ctx, baseTime.Add(150*time.Minute), 10)
		ids := dueIDs(got)
		return len(got) == 1 && ids["o-due-1"]
	}, "a paid order stayed in the due index")
}

// eventually retries cond for a short while: DynamoDB's index is eventually consistent.
func eventually(t testing.TB, cond func() bool, msg string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		if cond() {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal(msg)
}

func testDunningVersioned(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := dueOrder(t, s, "o-dun", time.Hour)
	step := func(cur order.Order) order.DunningChange {
		next := cur
		next.Version++
		next.RemindersSent++
		next.NextActionAt = baseTime.Add(24 * time.Hour)
		entry := order.TimelineEntry{Kind: order.KindReminder, Type: "payment_reminder", Source: "orderwire",
			EventID: "dunning:2", OccurredAt: baseTime.Add(time.Hour), ReceivedAt: baseTime.Add(time.Hour), Applied: true}
		return order.DunningChange{Order: next, Entry: &entry, Notify: []order.Notification{{OrderID: cur.ID,
			BuyerID: cur.BuyerID, Kind: order.NotifyPaymentReminder, Seq: next.Version, Status: order.NotificationPending,
			CreatedAt: baseTime.Add(time.Hour), CauseSource: "orderwire", CauseEventID: "dunning:2"}}}
	}
	if err := s.ApplyDunning(ctx, step(o)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "the same step again (a second sweep)", s.ApplyDunning(ctx, step(o)), order.CodeConflict)
	msgs, _ := s.Notifications(ctx, o.ID)
	if got := mustGet(t, s, o.ID); len(msgs) != 1 || got.RemindersSent != 1 || !got.NextActionAt.Equal(baseTime.Add(24*time.Hour)) {
		t.Fatalf("after one step and a refused repeat: %d rows, order %+v", len(msgs), got)
	}
	if tl := timeline(t, s, o.ID); len(tl) != 1 || tl[0].Kind != order.KindReminder {
		t.Fatalf("timeline = %+v", tl)
	}
}

func testBuyerStats(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := newPendingOrder(t, s, "o-stats")
	mustRecord(t, s, Event("stripe", "evt_stats", o.ID, order.KindPaymentSucceeded, o.AmountMinor, time.Minute))
	b, _ := s.GetBuyer(ctx, o.BuyerID)
	if b.Stats != (order.BuyerStats{PaidBeforeReminder: 1}) {
		t.Fatalf("stats after an on-time payment = %+v", b.Stats)
	}
	other := Order(t, "o-stats-2", b)
	mustSave(t, s, other, b) // a contact update keeps the history
	next := other
	next.Version++
	next.Status = order.StatusTerminated
	if err := s.ApplyDunning(ctx, order.DunningChange{Order: next, BuyerStat: order.StatNeverPaid}); err != nil {
		t.Fatal(err)
	}
	if b, _ = s.GetBuyer(ctx, o.BuyerID); b.Stats != (order.BuyerStats{PaidBeforeReminder: 1, NeverPaid: 1}) {
		t.Fatalf("stats after a termination = %+v", b.Stats)
	}
}
