package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// runAlerts checks that seller alerts are written in the same write as their cause, once.
func runAlerts(t *testing.T, h Harness) {
	t.Run("DisputeAlertAndDueIndex", func(t *testing.T) { testDisputeAlert(t, h) })
	t.Run("UnknownOutcomeAlertsOnce", func(t *testing.T) { testUnknownOutcomeAlert(t, h) })
	t.Run("UnfiledEventAlertsOnce", func(t *testing.T) { testUnfiledAlert(t, h) })
}

// testDisputeAlert: a dispute on a paid order writes its dispute_opened alert with the
// order, and its respond_by puts the order in the due index at respond_by−48h; the sweep's
// step (ApplyDunning of order.DisputeDueChange) writes dispute_response_due and takes the
// order out of the index; the same step again is a conflict that writes nothing.
func testDisputeAlert(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	o := paidOrderIn(t, s, "o-alert-dispute")
	respondBy := baseTime.Add(9 * 24 * time.Hour)
	ev := Event("stripe", "evt_dp_alert", o.ID, order.KindDisputeOpened, o.AmountMinor, 2*time.Hour)
	ev.DisputeID, ev.DisputeStatus, ev.RespondBy = "dp_alert", order.DisputeNeedsResponse, respondBy
	mustRecord(t, s, ev)
	opened := rowsOfKind(t, s, o.ID, order.AlertDisputeOpened)
	if len(opened) != 1 || opened[0].BuyerID != "" || opened[0].CauseEventID != ev.EventID || !strings.Contains(opened[0].Detail, "dp_alert") {
		t.Fatalf("dispute_opened alerts = %+v", opened)
	}
	dueAt := respondBy.Add(-order.DisputeAlertLead)
	got := mustGet(t, s, o.ID)
	if !got.NextActionAt.Equal(dueAt) || len(got.DisputeDeadlines) != 1 || !got.DisputeDeadlines[0].RespondBy.Equal(respondBy) {
		t.Fatalf("order after the dispute: next %v, deadlines %+v", got.NextActionAt, got.DisputeDeadlines)
	}
	eventually(t, func() bool {
		before, err1 := s.DueOrders(ctx, dueAt.Add(-time.Second), 10)
		at, err2 := s.DueOrders(ctx, dueAt, 10)
		return err1 == nil && err2 == nil && !dueIDs(before)[o.ID] && dueIDs(at)[o.ID]
	}, "the disputed order is due at respond_by-48h, not before")
	ch, ok := order.DisputeDueChange(got, dueAt)
	if !ok {
		t.Fatal("no dispute step at respond_by-48h")
	}
	if err := s.ApplyDunning(ctx, ch); err != nil {
		t.Fatalf("ApplyDunning: %v", err)
	}
	wantCode(t, "the same step again", s.ApplyDunning(ctx, ch), order.CodeConflict)
	if due := rowsOfKind(t, s, o.ID, order.AlertDisputeResponseDue); len(due) != 1 || !due[0].CreatedAt.Equal(dueAt) {
		t.Fatalf("dispute_response_due alerts = %+v", due)
	}
	eventually(t, func() bool {
		list, err := s.DueOrders(ctx, respondBy.Add(time.Hour), 10)
		return err == nil && !dueIDs(list)[o.ID]
	}, "the order left the due index after its alert")
}

// testUnknownOutcomeAlert: a claim recorded unknown (an uncertain send) writes one
// message_unknown alert with it; the true outcome recorded later adds none.
func testUnknownOutcomeAlert(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-alert-unknown")
	now := n.CreatedAt.Add(time.Second)
	claimed, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	unknown := claimed
	unknown.Status, unknown.Reason, unknown.UpdatedAt = order.NotificationUnknown, "send outcome unknown: email: timeout", now.Add(time.Second)
	if err := s.FinishNotification(ctx, unknown); err != nil {
		t.Fatalf("FinishNotification(unknown): %v", err)
	}
	sent := claimed
	sent.Status, sent.UpdatedAt = order.NotificationSent, now.Add(2*time.Second)
	if err := s.FinishNotification(ctx, sent); err != nil {
		t.Fatalf("FinishNotification(sent) after unknown: %v", err)
	}
	alerts := rowsOfKind(t, s, n.OrderID, order.AlertMessageUnknown)
	if len(alerts) != 1 || !strings.Contains(alerts[0].Detail, "timeout") || alerts[0].BuyerID != "" {
		t.Fatalf("message_unknown alerts = %+v, want one", alerts)
	}
	if r := row(t, s, n.Ref()); r.Status != order.NotificationSent {
		t.Fatalf("row = %+v", r)
	}
}

// testUnfiledAlert: a payment event for an order not registered yet and a carrier event
// for an unclaimed tracking number are parked with one event_unfiled alert each, under the
// pseudo order order.UnfiledAlertOrderID, due for the notifier, with keys the stream
// consumer accepts; a redelivery adds nothing.
func testUnfiledAlert(t *testing.T, h Harness) {
	s := h.Open(t)
	ev := Event("stripe", "evt_unfiled_alert", "o-not-yet", order.KindPaymentSucceeded, 12990, time.Minute)
	if res := mustRecord(t, s, ev); !res.Parked {
		t.Fatalf("RecordEvent = %+v, want parked", res)
	}
	mustRecord(t, s, ev)
	tr := Track("aftership", "trk_unfiled_alert", "RR123456785CN", "china-post", order.ShipmentInTransit, time.Hour)
	if res := mustTrack(t, s, tr); !res.Parked {
		t.Fatalf("RecordTrackingEvent = %+v, want parked", res)
	}
	alerts := rowsOfKind(t, s, order.UnfiledAlertOrderID, order.AlertEventUnfiled)
	if len(alerts) != 2 {
		t.Fatalf("event_unfiled alerts = %+v, want 2", alerts)
	}
	seen := map[string]order.Notification{}
	for _, a := range alerts {
		seen[a.CauseSource+"/"+a.CauseEventID] = a
		if _, ok := store.ParseOutboxKey(store.OrderPK(a.OrderID), store.OutboxSK(a)); !ok {
			t.Errorf("the stream consumer would not take %s", a.Ref())
		}
	}
	pay, trk := seen["stripe/evt_unfiled_alert"], seen[store.TrackingDedupeSource("aftership")+"/trk_unfiled_alert"]
	if pay.Kind == "" || trk.Parcel != "RR123456785CN" || !strings.Contains(pay.Detail, "o-not-yet") {
		t.Fatalf("alerts = %+v", alerts)
	}
	eventually(t, func() bool {
		due := dueRefs(t, s, baseTime.Add(2*time.Hour))
		_, a := due[pay.Ref()]
		_, b := due[trk.Ref()]
		return a && b
	}, "event_unfiled alerts are due")
}
