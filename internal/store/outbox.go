package store

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The outbox transitions (store.Outbox), shared by the adapters so that both refuse and
// write the same rows for the same step. Each takes the row as the adapter read it and
// returns the row to write, or CodeConflict; the adapter makes the write conditional on the
// row being unchanged since that read (a DynamoDB condition expression, a bbolt
// transaction).

// Claim is row cur claimed by owner at now for lease; only a pending row due by now can be.
func Claim(op string, cur order.Notification, owner string, now time.Time, lease time.Duration) (order.Notification, error) {
	if cur.Status != order.NotificationPending || cur.DueAt().After(now) {
		return cur, order.Errorf(order.CodeConflict, op, "outbox row %s is %s (due %s)", cur.Ref(), cur.Status, cur.DueAt().Format(time.RFC3339))
	}
	cur.Status = order.NotificationSending
	cur.Owner = owner
	cur.LeaseUntil = now.Add(lease).UTC()
	cur.Attempts++
	cur.UpdatedAt = now.UTC()
	return cur, nil
}

// Finish is row cur with the outcome of the claim that n carries (owner and attempt count),
// if that claim still holds cur: it is sending, or unknown after its lease lapsed, under the
// same claim.
func Finish(op string, cur, n order.Notification) (order.Notification, error) {
	held := n.Owner != "" && cur.Owner == n.Owner && cur.Attempts == n.Attempts &&
		(cur.Status == order.NotificationSending || cur.Status == order.NotificationUnknown)
	if !held {
		return cur, order.Errorf(order.CodeConflict, op, "outbox row %s is %s, held by %q (claim %d)", cur.Ref(), cur.Status, cur.Owner, cur.Attempts)
	}
	return Finished(cur, n), nil
}

// Finished is row cur with the outcome that n carries, unchecked; identity, cause and
// attempts stay cur's. (DynamoDB writes Finished(n, n) with Finish's check as its
// condition, without reading the row.)
func Finished(cur, n order.Notification) order.Notification {
	cur.Status = n.Status
	cur.Reason = n.Reason
	cur.Deliveries = append([]order.Delivery(nil), n.Deliveries...)
	cur.NotBefore = n.NotBefore
	cur.UpdatedAt = n.UpdatedAt
	cur.LeaseUntil = time.Time{}
	return cur
}

// Expire is row cur marked unknown at now with reason; only a sending row whose lease
// ended at or before now can be.
func Expire(op string, cur order.Notification, now time.Time, reason string) (order.Notification, error) {
	if cur.Status != order.NotificationSending || cur.LeaseUntil.After(now) {
		return cur, order.Errorf(order.CodeConflict, op, "outbox row %s is %s (lease until %s)", cur.Ref(), cur.Status, cur.LeaseUntil.Format(time.RFC3339))
	}
	cur.Status = order.NotificationUnknown
	cur.Reason = reason
	cur.UpdatedAt = now.UTC()
	return cur, nil
}

// Delivered is row cur with the delivery whose provider message id is messageID marked
// delivered at at (Feedback.MarkDelivered); a delivery already marked keeps its time. A row
// without that delivery is CodeConflict: its outcome is not recorded yet.
func Delivered(op string, cur order.Notification, messageID string, at time.Time) (order.Notification, error) {
	for i, d := range cur.Deliveries {
		if messageID == "" || d.MessageID != messageID || d.Status != order.NotificationSent {
			continue
		}
		if d.DeliveredAt.IsZero() {
			cur.Deliveries = append([]order.Delivery(nil), cur.Deliveries...)
			cur.Deliveries[i].DeliveredAt = at.UTC()
		}
		return cur, nil
	}
	return cur, order.Errorf(order.CodeConflict, op, "outbox row %s has no sent delivery with that message id (yet)", cur.Ref())
}

// UnknownAlert is the seller alert (order.AlertMessageUnknown) an adapter writes in the same
// write as the transition of a buyer row from cur to next, when next is unknown and cur was
// not (a lapsed claim marked by Expire, or a claim whose send outcome is unknown recorded by
// Finish): at most one per claim, keyed so that writing it again names the same row, which
// the adapter writes only if absent. ok is false for any other transition, and for seller
// rows.
func UnknownAlert(cur, next order.Notification, now time.Time) (order.Notification, bool) {
	if next.Status != order.NotificationUnknown || cur.Status == order.NotificationUnknown {
		return order.Notification{}, false
	}
	return order.UnknownMessageAlert(next, next.Reason, now)
}
