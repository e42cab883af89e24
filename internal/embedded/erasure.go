package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The buyer's order index (BUYER#<id> / ORDER#<order id>) is written by SaveOrder with the
// order; the erasure primitives (store.ErasureSteps) below are each one short transaction,
// so an erasure never holds bbolt's single writer for long.

func buyerOrderKey(buyerID, orderID string) []byte {
	return key(store.BuyerPK(buyerID), store.BuyerOrderSK(orderID))
}

// BuyerOrders implements store.Store with a range scan of the buyer's index items.
func (s *Store) BuyerOrders(ctx context.Context, buyerID, after string, limit int) ([]string, error) {
	return erasureSteps{s}.ErasureIndex(ctx, buyerID, store.BuyerOrderPrefix, after, limit)
}

// EraseBuyer implements store.Store (store.RunErasure over this store's primitives), then
// overwrites the file's free pages (ScrubFreePages), where bbolt leaves deleted values.
func (s *Store) EraseBuyer(ctx context.Context, buyerID string, now time.Time, window time.Duration, batch int) (store.Erasure, error) {
	res, err := store.RunErasure(ctx, erasureSteps{s}, buyerID, now, window, batch)
	if err != nil {
		return res, err
	}
	_, err = s.ScrubFreePages(ctx)
	return res, err
}

// erasureSteps are the embedded store's store.ErasureSteps.
type erasureSteps struct{ *Store }

func (s erasureSteps) update(ctx context.Context, op string, fn func(b *bolt.Bucket) error) error {
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	return wrap(op, s.db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket(tableBucket)) }))
}

func (s erasureSteps) BeginErasure(ctx context.Context, buyerID string, now time.Time) (order.Buyer, bool, error) {
	var rec store.BuyerRecord
	var found bool
	err := s.update(ctx, "embedded.BeginErasure", func(b *bolt.Bucket) error {
		var err error
		if found, err = read(b, buyerKey(buyerID), &rec); err != nil || !found || rec.ErasingSince != nil {
			return err
		}
		at := now.UTC()
		rec.ErasingSince = &at
		return write(b, buyerKey(buyerID), rec)
	})
	return rec.Buyer(), found, err
}

func (s erasureSteps) ErasureIndex(ctx context.Context, buyerID, prefix, after string, limit int) ([]string, error) {
	const op = "embedded.ErasureIndex"
	if err := ctx.Err(); err != nil {
		return nil, order.Internal(op, err)
	}
	start := key(store.BuyerPK(buyerID), prefix)
	from := key(store.BuyerPK(buyerID), prefix+after)
	var ids []string
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(tableBucket).Cursor()
		for k, _ := c.Seek(from); k != nil && bytes.HasPrefix(k, start) && len(ids) < limit; k, _ = c.Next() {
			id := string(k[len(start):])
			if after != "" && id == after {
				continue
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, wrap(op, err)
}

func (s erasureSteps) SkipRow(ctx context.Context, ref order.NotificationRef, now time.Time) (bool, error) {
	skipped := false
	err := s.update(ctx, "embedded.SkipRow", func(b *bolt.Bucket) error {
		var rec store.NotificationRecord
		found, err := read(b, outboxKey(ref), &rec)
		if err != nil || !found || rec.Status != order.NotificationPending {
			return err
		}
		n := rec.Notification()
		n.Status, n.Reason, n.UpdatedAt = order.NotificationSkipped, store.ErasedReason, now.UTC()
		skipped = true
		return putNotification(b, n)
	})
	return skipped, err
}

func (s erasureSteps) DeleteEvidence(ctx context.Context, pk string, match func(store.StoredEvidence) bool) (int, error) {
	const op = "embedded.DeleteEvidence"
	prefix := key(pk, store.EvidencePrefix)
	deleted := 0
	for {
		// One page per transaction: collect up to a page of matching keys, delete them.
		n := 0
		err := s.update(ctx, op, func(b *bolt.Bucket) error {
			var doomed [][]byte
			c := b.Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(doomed) < purgeBatch; k, v = c.Next() {
				var r evidenceRecord
				if err := json.Unmarshal(v, &r); err != nil {
					return err
				}
				if match(store.StoredEvidence{Source: r.Source, EventID: r.EventID, ReceivedAt: r.ReceivedAt, Body: r.Body, Headers: r.Headers}) {
					doomed = append(doomed, append([]byte(nil), k...))
				}
			}
			for _, k := range doomed {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(doomed)
			return nil
		})
		if err != nil {
			return deleted, err
		}
		deleted += n
		if n < purgeBatch {
			return deleted, nil
		}
	}
}

func (s erasureSteps) UnfiledEvidencePK(ctx context.Context, source, eventID string) (string, bool, error) {
	var m store.DedupeRecord
	err := s.get(ctx, "embedded.UnfiledEvidencePK", markerKey(source, eventID), &m)
	if order.ErrorCode(err) == order.CodeNotFound {
		return "", false, nil
	}
	if err != nil || m.Unfiled == nil {
		return "", false, err
	}
	return m.Unfiled.EvidencePK, true, nil
}

func (s erasureSteps) PutHold(ctx context.Context, h store.HoldRecord) error {
	return s.update(ctx, "embedded.PutHold", func(b *bolt.Bucket) error {
		if err := write(b, key(store.BuyerPK(h.BuyerID), store.BuyerHoldSK(h.OrderID)), h); err != nil {
			return err
		}
		return write(b, key(store.OrderPK(h.OrderID), store.EvidenceHoldSK), h)
	})
}

func (s erasureSteps) DropHold(ctx context.Context, buyerID, orderID string) error {
	return s.update(ctx, "embedded.DropHold", func(b *bolt.Bucket) error {
		if err := b.Delete(key(store.BuyerPK(buyerID), store.BuyerHoldSK(orderID))); err != nil {
			return err
		}
		return b.Delete(key(store.OrderPK(orderID), store.EvidenceHoldSK))
	})
}

func (s erasureSteps) DropBuyerOrder(ctx context.Context, buyerID, orderID string) error {
	return s.update(ctx, "embedded.DropBuyerOrder", func(b *bolt.Bucket) error {
		return b.Delete(buyerOrderKey(buyerID, orderID))
	})
}

func (s erasureSteps) FinishErasure(ctx context.Context, buyerID string) error {
	return s.update(ctx, "embedded.FinishErasure", func(b *bolt.Bucket) error {
		return b.Delete(buyerKey(buyerID))
	})
}
