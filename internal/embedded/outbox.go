package embedded

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The outbox due index mirrors the MSGDUE# partitions of DynamoDB's GSI2 in the same bucket:
// key "MSGDUE\x00<due time>#<order id>#<row sort key>", value the row's key. putNotification
// keeps it in step with every write of an outbox row.
var outboxDuePrefix = []byte("MSGDUE\x00")

func outboxDueKey(n order.Notification) []byte {
	return append(append([]byte(nil), outboxDuePrefix...), store.OutboxDueSK(n)...)
}

func outboxKey(ref order.NotificationRef) []byte {
	return key(store.OrderPK(ref.OrderID), store.OutboxRefSK(ref))
}

// putNotification writes n and moves its due-index entry: the stored row's entry (if any) is
// removed, n's added while n is pending or sending.
func putNotification(b KVBucket, n order.Notification) error {
	k := outboxKey(n.Ref())
	var prev store.NotificationRecord
	found, err := read(b, k, &prev)
	if err != nil {
		return err
	}
	if old := prev.Notification(); found && store.InOutboxDueIndex(old) {
		if err := b.Delete(outboxDueKey(old)); err != nil {
			return err
		}
	}
	if store.InOutboxDueIndex(n) {
		if err := b.Put(outboxDueKey(n), k); err != nil {
			return err
		}
	}
	if err := putMessageListKey(b, prev.Notification(), found, n); err != nil {
		return err
	}
	return write(b, k, store.NewNotificationRecord(n))
}

// putNewNotification writes n unless a row with its key exists (a seller alert whose cause
// was already alerted).
func putNewNotification(b KVBucket, n order.Notification) error {
	if b.Get(outboxKey(n.Ref())) != nil {
		return nil
	}
	return putNotification(b, n)
}

// updateNotification runs change on the stored row ref inside one write transaction;
// change returns the row to store or an error (a conflict) that writes nothing. A row that
// becomes unknown brings its message_unknown seller alert (store.UnknownAlert) in the same
// transaction.
func (s *Store) updateNotification(ctx context.Context, op string, ref order.NotificationRef, change func(cur order.Notification) (order.Notification, error)) (order.Notification, error) {
	if err := ctx.Err(); err != nil {
		return order.Notification{}, order.Internal(op, err)
	}
	var next order.Notification
	err := s.db.Batch(func(tx KVTx) error {
		b := tx.Table()
		var rec store.NotificationRecord
		found, err := read(b, outboxKey(ref), &rec)
		if err != nil {
			return err
		}
		if !found {
			return order.Errorf(order.CodeNotFound, op, "no outbox row %s", ref)
		}
		cur := rec.Notification()
		if next, err = change(cur); err != nil {
			return err
		}
		if alert, ok := store.UnknownAlert(cur, next, next.UpdatedAt); ok {
			if err := putNewNotification(b, alert); err != nil {
				return err
			}
		}
		return putNotification(b, next)
	})
	if code := order.ErrorCode(err); err != nil && code != order.CodeConflict && code != order.CodeNotFound {
		return order.Notification{}, order.Internal(op, err)
	}
	return next, err
}

// ClaimNotification implements store.Outbox.
func (s *Store) ClaimNotification(ctx context.Context, ref order.NotificationRef, owner string, now time.Time, lease time.Duration) (order.Notification, error) {
	const op = "embedded.ClaimNotification"
	return s.updateNotification(ctx, op, ref, func(cur order.Notification) (order.Notification, error) {
		return store.Claim(op, cur, owner, now, lease)
	})
}

// FinishNotification implements store.Outbox.
func (s *Store) FinishNotification(ctx context.Context, n order.Notification) error {
	const op = "embedded.FinishNotification"
	_, err := s.updateNotification(ctx, op, n.Ref(), func(cur order.Notification) (order.Notification, error) {
		return store.Finish(op, cur, n)
	})
	return err
}

// ExpireNotification implements store.Outbox.
func (s *Store) ExpireNotification(ctx context.Context, ref order.NotificationRef, now time.Time, reason string) error {
	const op = "embedded.ExpireNotification"
	_, err := s.updateNotification(ctx, op, ref, func(cur order.Notification) (order.Notification, error) {
		return store.Expire(op, cur, now, reason)
	})
	return err
}

// DueNotifications implements store.Outbox with a range scan of the outbox due index.
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]order.Notification, error) {
	var out []order.Notification
	err := s.scanDue(ctx, outboxDuePrefix, now, limit, func(b KVBucket, rowKey []byte) error {
		var rec store.NotificationRecord
		if _, err := read(b, rowKey, &rec); err != nil {
			return err
		}
		out = append(out, rec.Notification())
		return nil
	})
	return out, wrap("embedded.DueNotifications", err)
}

// SetPreferences implements store.Store.
func (s *Store) SetPreferences(ctx context.Context, buyerID string, p order.Preferences) error {
	const op = "embedded.SetPreferences"
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
		rec.Preferences = store.NewPreferencesRecord(p)
		return write(b, buyerKey(buyerID), rec)
	})
	if code := order.ErrorCode(err); err != nil && code != order.CodeNotFound {
		return order.Internal(op, err)
	}
	return err
}
