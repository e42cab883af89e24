package notifier_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// A reminder that waited (quiet hours, a retry) must not reach a buyer who paid meanwhile.
func TestReminderForAnOrderPaidMeanwhileIsSkipped(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-paid-at-night", buyer("b-night"), order.NotifyPaymentReminder)
	// The payment lands before the reminder goes: the order is saved paid (version-checked).
	ctx := context.Background()
	o, err := w.store.GetOrder(ctx, "o-paid-at-night")
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.store.GetBuyer(ctx, o.BuyerID)
	if err != nil {
		t.Fatal(err)
	}
	o.Status, o.Version = order.StatusAwaitingShipment, o.Version+1
	if err := w.store.SaveOrder(ctx, o, b); err != nil {
		t.Fatal(err)
	}
	if res := w.deliver(ref); !res.Claimed || res.Status != order.NotificationSkipped {
		t.Fatalf("Deliver = %+v", res)
	}
	w.wantRow(ref, order.NotificationSkipped, "the order no longer awaits payment (awaiting_shipment)")
	w.wantSends(0, 0)
}

// A payment confirmation for an order whose refund, filed just after the payment (it had
// waited for it), covers the payment is not sent: the buyer would read "payment received"
// for money already given back.
func TestPaymentReceivedForARefundedOrderIsSkipped(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-refunded", buyer("b-refunded"), order.NotifyPaymentReceived, func(o *order.Order, _ *order.Notification) {
		o.Status, o.PaymentStatus, o.PaidMinor, o.RefundedMinor = order.StatusRefunded, order.PaymentRefunded, 4999, 4999
	})
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSkipped, "the refunds already cover the payment")
	w.wantSends(0, 0)
	// Partly refunded: the payment stands, the confirmation goes.
	ref = w.add("o-part", buyer("b-part"), order.NotifyPaymentReceived, func(o *order.Order, _ *order.Notification) {
		o.Status, o.PaymentStatus, o.PaidMinor, o.RefundedMinor = order.StatusAwaitingShipment, order.PaymentPartiallyRefunded, 4999, 1000
	})
	if res := w.deliver(ref); res.Status != order.NotificationSent {
		t.Fatalf("Deliver for a partly refunded order = %+v, want sent", res)
	}
}

// A row stuck for days (an outage, a first deploy over an old table) is not sent late.
func TestRowOlderThanMaxAgeIsSkipped(t *testing.T) {
	w := newWorld(t)
	ref := w.add("o-old", buyer("b-old"), order.NotifyShipmentDelivered, func(_ *order.Order, n *order.Notification) {
		n.CreatedAt = n.CreatedAt.Add(-73 * time.Hour)
	})
	w.deliver(ref)
	w.wantRow(ref, order.NotificationSkipped, "too old to send: created 73h0m0s ago")
	w.wantSends(0, 0)
}
