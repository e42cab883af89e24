package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// runFeedback checks store.Feedback: the email provider's reports on the buyer and on the
// outbox row.
func runFeedback(t *testing.T, h Harness) {
	t.Run("SuppressEmailKeepsTheFirstReport", func(t *testing.T) { testSuppressEmail(t, h) })
	t.Run("SoftBouncesCount", func(t *testing.T) { testSoftBounces(t, h) })
	t.Run("MarkDeliveredOnTheSentEmail", func(t *testing.T) { testMarkDelivered(t, h) })
}

func testSuppressEmail(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	wantCode(t, "suppress an unknown buyer", s.SuppressEmail(ctx, "nobody", order.SuppressHardBounce, baseTime), order.CodeNotFound)
	o := newPendingOrder(t, s, "o-suppress")
	if b, err := s.GetBuyer(ctx, o.BuyerID); err != nil || b.EmailFeedback != (order.EmailFeedback{}) {
		t.Fatalf("a new buyer's feedback = %+v, %v; want none", b.EmailFeedback, err)
	}
	at := baseTime.Add(time.Hour)
	if err := s.SuppressEmail(ctx, o.BuyerID, order.SuppressHardBounce, at); err != nil {
		t.Fatalf("SuppressEmail: %v", err)
	}
	// The same report again (SNS delivers at least once), then a complaint: the first stays.
	for _, reason := range []string{order.SuppressHardBounce, order.SuppressComplaint} {
		if err := s.SuppressEmail(ctx, o.BuyerID, reason, at.Add(time.Minute)); err != nil {
			t.Fatalf("SuppressEmail again (%s): %v", reason, err)
		}
	}
	want := order.EmailFeedback{SuppressedReason: order.SuppressHardBounce, SuppressedAt: at}
	b, err := s.GetBuyer(ctx, o.BuyerID)
	if err != nil || !reflect.DeepEqual(b.EmailFeedback, want) || !b.EmailFeedback.Suppressed() {
		t.Fatalf("feedback = %+v, %v\nwant %+v", b.EmailFeedback, err, want)
	}
	// A later order of the buyer, and preferences, leave the suppression as it is.
	mustSave(t, s, Order(t, "o-suppress-2", Buyer(o.BuyerID)), Buyer(o.BuyerID))
	if err := s.SetPreferences(ctx, o.BuyerID, order.Preferences{Default: order.ChannelsEmail, UpdatedAt: baseTime, UpdatedBy: "seller"}); err != nil {
		t.Fatal(err)
	}
	if b, err = s.GetBuyer(ctx, o.BuyerID); err != nil || !reflect.DeepEqual(b.EmailFeedback, want) {
		t.Fatalf("feedback after a new order and preferences = %+v, %v\nwant %+v", b.EmailFeedback, err, want)
	}
}

func testSoftBounces(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	wantCode(t, "count for an unknown buyer", s.CountSoftBounce(ctx, "nobody"), order.CodeNotFound)
	o := newPendingOrder(t, s, "o-soft")
	for range 3 {
		if err := s.CountSoftBounce(ctx, o.BuyerID); err != nil {
			t.Fatalf("CountSoftBounce: %v", err)
		}
	}
	b, err := s.GetBuyer(ctx, o.BuyerID)
	if err != nil || b.EmailFeedback != (order.EmailFeedback{SoftBounces: 3}) || b.EmailFeedback.Suppressed() {
		t.Fatalf("feedback = %+v, %v; want 3 soft bounces and no suppression", b.EmailFeedback, err)
	}
}

func testMarkDelivered(t *testing.T, h Harness) {
	s := h.Open(t)
	ctx := context.Background()
	_, n := paidWithRow(t, s, "o-delivered")
	wantCode(t, "mark an unknown row", s.MarkDelivered(ctx, order.NotificationRef{OrderID: "nothing", Kind: n.Kind, Seq: 1}, "m-1", baseTime),
		order.CodeNotFound)
	wantCode(t, "mark a pending row", s.MarkDelivered(ctx, n.Ref(), "m-1", baseTime), order.CodeConflict)

	now := n.CreatedAt.Add(time.Second)
	claimed, err := s.ClaimNotification(ctx, n.Ref(), "notifier-a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	done := claimed
	done.Status, done.UpdatedAt = order.NotificationSent, now.Add(time.Second).UTC()
	done.Deliveries = []order.Delivery{
		{Channel: "email", Status: order.NotificationSent, MessageID: "ses-m-1", At: done.UpdatedAt},
		{Channel: "sms", Status: order.NotificationSent, MessageID: "sns-m-2", At: done.UpdatedAt},
	}
	if err := s.FinishNotification(ctx, done); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "mark with another message id", s.MarkDelivered(ctx, n.Ref(), "ses-other", now), order.CodeConflict)
	delivered := now.Add(3 * time.Second)
	for _, at := range []time.Time{delivered, delivered.Add(time.Hour)} { // the second is a repeat
		if err := s.MarkDelivered(ctx, n.Ref(), "ses-m-1", at); err != nil {
			t.Fatalf("MarkDelivered: %v", err)
		}
	}
	want := done
	want.LeaseUntil = time.Time{}
	want.Deliveries = []order.Delivery{done.Deliveries[0], done.Deliveries[1]}
	want.Deliveries[0].DeliveredAt = delivered.UTC()
	if got := row(t, s, n.Ref()); !reflect.DeepEqual(got, want) {
		t.Fatalf("row after the delivery report = %+v\nwant %+v", got, want)
	}
}

var _ store.Feedback = store.Store(nil) // store.Store includes the reports
