package reminder_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// dispute records a dispute_opened event for id at the clock with the given respond_by.
func (w *world) dispute(id, disputeID string, respondBy time.Time) {
	w.t.Helper()
	ev := order.Event{Source: "stripe", EventID: "evt-" + disputeID, Type: "charge.dispute.created",
		Kind: order.KindDisputeOpened, OrderID: id, OccurredAt: w.clock, ReceivedAt: w.clock,
		DisputeID: disputeID, DisputeStatus: order.DisputeNeedsResponse, RespondBy: respondBy,
		AmountMinor: 5000, Currency: "EUR"}
	if _, err := w.s.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte("{}")}); err != nil {
		w.t.Fatal(err)
	}
}

// alerts returns id's seller rows of kind.
func (w *world) alerts(id string, kind order.NotificationKind) []order.Notification {
	w.t.Helper()
	msgs, err := w.s.Notifications(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []order.Notification
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// TestDisputeResponseDueOnce: a paid order whose dispute must be answered by respond_by is
// due again at respond_by−48h; the sweep writes one dispute_response_due alert then, not
// before, and never again however often it runs; the order leaves the due index.
func TestDisputeResponseDueOnce(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-disp", "b-disp", "Europe/Lisbon")
		w.clock = created.Add(time.Hour)
		w.pay("o-disp")
		w.clock = created.Add(2 * 24 * time.Hour)
		respondBy := w.clock.Add(10 * 24 * time.Hour)
		w.dispute("o-disp", "du_1", respondBy)
		dueAt := respondBy.Add(-48 * time.Hour)
		if got := w.order("o-disp"); !got.NextActionAt.Equal(dueAt) {
			t.Fatalf("NextActionAt = %v, want respond_by-48h = %v", got.NextActionAt, dueAt)
		}
		if n := len(w.alerts("o-disp", order.AlertDisputeOpened)); n != 1 {
			t.Fatalf("%d dispute_opened alerts, want 1", n)
		}
		rep := w.runUntil(dueAt.Add(-time.Minute), 6*time.Hour)
		if rep.DisputesDue != 0 || len(w.alerts("o-disp", order.AlertDisputeResponseDue)) != 0 {
			t.Fatalf("alerted before respond_by-48h: %+v", rep)
		}
		w.clock = dueAt
		rep = w.runUntil(respondBy.Add(72*time.Hour), time.Hour)
		got := w.alerts("o-disp", order.AlertDisputeResponseDue)
		if rep.DisputesDue != 1 || len(got) != 1 {
			t.Fatalf("DisputesDue = %d, %d rows; want exactly one", rep.DisputesDue, len(got))
		}
		if !got[0].CreatedAt.Equal(dueAt) || got[0].BuyerID != "" || got[0].Status != order.NotificationPending {
			t.Fatalf("alert = %+v, want created at %v, no buyer, pending", got[0], dueAt)
		}
		if rep.Reminders+rep.FinalNotices+rep.Terminated != 0 {
			t.Fatalf("a paid order got dunning steps: %+v", rep)
		}
		if o := w.order("o-disp"); !o.NextActionAt.IsZero() || store.InDueIndex(o) {
			t.Fatalf("order still due at %v", o.NextActionAt)
		}
		due, err := s.DueOrders(context.Background(), respondBy.Add(365*24*time.Hour), 10)
		if err != nil || len(due) != 0 {
			t.Fatalf("DueOrders = %d orders, %v; want none", len(due), err)
		}
	})
}

// TestDisputeWonBeforeDueIsNotAlerted: a dispute that closes before respond_by−48h takes
// the order out of the due index without an alert.
func TestDisputeWonBeforeDueIsNotAlerted(t *testing.T) {
	stores(t, func(t *testing.T, s store.Store) {
		w := newWorld(t, s)
		w.register("o-won", "b-won", "Europe/Lisbon")
		w.clock = created.Add(time.Hour)
		w.pay("o-won")
		respondBy := w.clock.Add(10 * 24 * time.Hour)
		w.dispute("o-won", "du_2", respondBy)
		w.clock = w.clock.Add(24 * time.Hour)
		ev := order.Event{Source: "stripe", EventID: "evt-du_2-closed", Type: "charge.dispute.closed",
			Kind: order.KindDisputeClosed, OrderID: "o-won", OccurredAt: w.clock, ReceivedAt: w.clock,
			DisputeID: "du_2", DisputeOutcome: order.DisputeWon}
		if _, err := s.RecordEvent(context.Background(), ev, order.Evidence{Body: []byte("{}")}); err != nil {
			t.Fatal(err)
		}
		if o := w.order("o-won"); !o.NextActionAt.IsZero() {
			t.Fatalf("a won dispute left the order due at %v", o.NextActionAt)
		}
		rep := w.runUntil(respondBy, 12*time.Hour)
		if rep.DisputesDue != 0 || len(w.alerts("o-won", order.AlertDisputeClosed)) != 1 {
			t.Fatalf("DisputesDue %d, closed alerts %d", rep.DisputesDue, len(w.alerts("o-won", order.AlertDisputeClosed)))
		}
	})
}
