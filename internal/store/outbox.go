package store

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The outbox transitions, shared by the adapters so that both write the same row for the
// same step (each adapter checks the condition its own way: a DynamoDB condition
// expression, a read inside a bbolt transaction).

// Claimed is row cur claimed by owner at now for lease.
func Claimed(cur order.Notification, owner string, now time.Time, lease time.Duration) order.Notification {
	cur.Status = order.NotificationSending
	cur.Owner = owner
	cur.LeaseUntil = now.Add(lease).UTC()
	cur.Attempts++
	cur.UpdatedAt = now.UTC()
	return cur
}

// HeldBy reports whether the claim that n carries (owner and attempt count) still holds row
// cur: it is sending, or unknown after its lease lapsed, under that same claim.
func HeldBy(cur, n order.Notification) bool {
	return n.Owner != "" && cur.Owner == n.Owner && cur.Attempts == n.Attempts &&
		(cur.Status == order.NotificationSending || cur.Status == order.NotificationUnknown)
}

// Finished is row cur with the outcome that n carries; identity, cause and attempts stay.
func Finished(cur, n order.Notification) order.Notification {
	cur.Status = n.Status
	cur.Reason = n.Reason
	cur.Deliveries = append([]order.Delivery(nil), n.Deliveries...)
	cur.NotBefore = n.NotBefore
	cur.UpdatedAt = n.UpdatedAt
	cur.LeaseUntil = time.Time{}
	return cur
}

// Expired is row cur, whose lease lapsed, marked unknown at now.
func Expired(cur order.Notification, now time.Time, reason string) order.Notification {
	cur.Status = order.NotificationUnknown
	cur.Reason = reason
	cur.UpdatedAt = now.UTC()
	return cur
}
