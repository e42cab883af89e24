package embedded

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// SuppressEmail implements store.Feedback.
func (s *Store) SuppressEmail(ctx context.Context, buyerID, reason string, at time.Time) error {
	return s.updateBuyer(ctx, "embedded.SuppressEmail", buyerID, func(rec *store.BuyerRecord) {
		if rec.EmailSuppression == nil {
			rec.EmailSuppression = &store.SuppressionRecord{Reason: reason, At: at.UTC()}
		}
	})
}

// CountSoftBounce implements store.Feedback.
func (s *Store) CountSoftBounce(ctx context.Context, buyerID string) error {
	return s.updateBuyer(ctx, "embedded.CountSoftBounce", buyerID, func(rec *store.BuyerRecord) { rec.SoftBounces++ })
}

// updateBuyer applies change to an existing buyer's profile in one write transaction.
func (s *Store) updateBuyer(ctx context.Context, op, buyerID string, change func(*store.BuyerRecord)) error {
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	err := s.db.Batch(func(tx KVTx) error {
		b := tx.Table()
		var rec store.BuyerRecord
		found, err := read(b, buyerKey(buyerID), &rec)
		if err != nil {
			return err
		}
		if !found || rec.Name == "" { // a profile holding only counters is not a buyer
			return order.Errorf(order.CodeNotFound, op, "no buyer %s", buyerID)
		}
		change(&rec)
		return write(b, buyerKey(buyerID), rec)
	})
	if code := order.ErrorCode(err); err != nil && code != order.CodeNotFound {
		return order.Internal(op, err)
	}
	return err
}

// MarkDelivered implements store.Feedback.
func (s *Store) MarkDelivered(ctx context.Context, ref order.NotificationRef, messageID string, at time.Time) error {
	const op = "embedded.MarkDelivered"
	_, err := s.updateNotification(ctx, op, ref, func(cur order.Notification) (order.Notification, error) {
		return store.Delivered(op, cur, messageID, at)
	})
	return err
}
