package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The buyer's order index (BUYER#<id> / ORDER#<order id>) is written by SaveOrder with the
// order. The erasure primitives (store.ErasureSteps) are written once, on a bucket
// (bucketSteps); erasureSteps runs each in its own short transaction, and InBatch runs a
// page of orders in one, so that an erasure costs one fsync per page and never holds
// bbolt's single writer for long.

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

// erasureSteps are the embedded store's store.ErasureSteps, one transaction each.
type erasureSteps struct{ *Store }

func (s erasureSteps) view(ctx context.Context, op string, fn func(b bucketSteps) error) error {
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	err := s.db.View(func(tx KVTx) error { return fn(bucketSteps{tx.Table()}) })
	if err != nil && order.ErrorCode(err) != order.CodeNotFound {
		return order.Internal(op, err)
	}
	return err
}

func (s erasureSteps) update(ctx context.Context, op string, fn func(b bucketSteps) error) error {
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	return wrap(op, s.db.Update(func(tx KVTx) error { return fn(bucketSteps{tx.Table()}) }))
}

// InBatch implements store.ErasureBatcher: fn's steps share one write transaction.
func (s erasureSteps) InBatch(ctx context.Context, fn func(store.ErasureSteps) error) error {
	return s.update(ctx, "embedded.InBatch", func(b bucketSteps) error { return fn(b) })
}

func (s erasureSteps) BeginErasure(ctx context.Context, buyerID string, now time.Time) (b order.Buyer, found bool, err error) {
	err = s.update(ctx, "embedded.BeginErasure", func(bs bucketSteps) error {
		b, found, err = bs.BeginErasure(ctx, buyerID, now)
		return err
	})
	return b, found, err
}

func (s erasureSteps) ErasureIndex(ctx context.Context, buyerID, prefix, after string, limit int) (ids []string, err error) {
	err = s.view(ctx, "embedded.ErasureIndex", func(bs bucketSteps) error {
		ids, err = bs.ErasureIndex(ctx, buyerID, prefix, after, limit)
		return err
	})
	return ids, err
}

func (s erasureSteps) SkipRow(ctx context.Context, ref order.NotificationRef, now time.Time) (skipped bool, err error) {
	err = s.update(ctx, "embedded.SkipRow", func(bs bucketSteps) error {
		skipped, err = bs.SkipRow(ctx, ref, now)
		return err
	})
	return skipped, err
}

func (s erasureSteps) DeleteEvidence(ctx context.Context, pk string, match func(store.StoredEvidence) bool) (int, error) {
	total := 0
	for {
		n := 0
		err := s.update(ctx, "embedded.DeleteEvidence", func(bs bucketSteps) error {
			var err error
			n, err = bs.deleteEvidence(pk, match, purgeBatch)
			return err
		})
		total += n
		if err != nil || n < purgeBatch {
			return total, err
		}
	}
}

func (s erasureSteps) UnfiledEvidencePK(ctx context.Context, source, eventID string) (pk string, ok bool, err error) {
	err = s.view(ctx, "embedded.UnfiledEvidencePK", func(bs bucketSteps) error {
		pk, ok, err = bs.UnfiledEvidencePK(ctx, source, eventID)
		return err
	})
	return pk, ok, err
}

func (s erasureSteps) PutHold(ctx context.Context, h store.HoldRecord) error {
	return s.update(ctx, "embedded.PutHold", func(bs bucketSteps) error { return bs.PutHold(ctx, h) })
}

func (s erasureSteps) DropHold(ctx context.Context, buyerID, orderID string) error {
	return s.update(ctx, "embedded.DropHold", func(bs bucketSteps) error { return bs.DropHold(ctx, buyerID, orderID) })
}

func (s erasureSteps) DropBuyerOrder(ctx context.Context, buyerID, orderID string) error {
	return s.update(ctx, "embedded.DropBuyerOrder", func(bs bucketSteps) error { return bs.DropBuyerOrder(ctx, buyerID, orderID) })
}

func (s erasureSteps) FinishErasure(ctx context.Context, buyerID string) error {
	return s.update(ctx, "embedded.FinishErasure", func(bs bucketSteps) error { return bs.FinishErasure(ctx, buyerID) })
}

// bucketSteps are the store.ErasureSteps inside one transaction, on its table bucket.
type bucketSteps struct{ b KVBucket }

func (bs bucketSteps) GetOrder(_ context.Context, id string) (order.Order, error) {
	var rec store.OrderRecord
	found, err := read(bs.b, orderKey(id), &rec)
	if err == nil && !found {
		err = order.Errorf(order.CodeNotFound, "embedded.GetOrder", "not found")
	}
	return rec.Order(), err
}

func (bs bucketSteps) Notifications(_ context.Context, id string) ([]order.Notification, error) {
	var out []order.Notification
	prefix := key(store.OrderPK(id), store.OutboxPrefix)
	c := bs.b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r store.NotificationRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		out = append(out, r.Notification())
	}
	return out, nil
}

func (bs bucketSteps) UnfiledEvents(context.Context, string, int) ([]store.UnfiledEvent, error) {
	return nil, order.Errorf(order.CodeInternal, "embedded.UnfiledEvents", "not an in-batch step")
}

func (bs bucketSteps) BeginErasure(_ context.Context, buyerID string, now time.Time) (order.Buyer, bool, error) {
	var rec store.BuyerRecord
	found, err := read(bs.b, buyerKey(buyerID), &rec)
	if err != nil || !found || rec.ErasingSince != nil {
		return rec.Buyer(), found, err
	}
	at := now.UTC()
	rec.ErasingSince = &at
	return rec.Buyer(), true, write(bs.b, buyerKey(buyerID), rec)
}

func (bs bucketSteps) ErasureIndex(_ context.Context, buyerID, prefix, after string, limit int) ([]string, error) {
	start := key(store.BuyerPK(buyerID), prefix)
	var ids []string
	c := bs.b.Cursor()
	for k, _ := c.Seek(key(store.BuyerPK(buyerID), prefix+after)); k != nil && bytes.HasPrefix(k, start) && len(ids) < limit; k, _ = c.Next() {
		if id := string(k[len(start):]); after == "" || id != after {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

func (bs bucketSteps) SkipRow(_ context.Context, ref order.NotificationRef, now time.Time) (bool, error) {
	var rec store.NotificationRecord
	found, err := read(bs.b, outboxKey(ref), &rec)
	if err != nil || !found || rec.Status != order.NotificationPending {
		return false, err
	}
	n := rec.Notification()
	n.Status, n.Reason, n.UpdatedAt = order.NotificationSkipped, store.ErasedReason, now.UTC()
	return true, putNotification(bs.b, n)
}

func (bs bucketSteps) DeleteEvidence(_ context.Context, pk string, match func(store.StoredEvidence) bool) (int, error) {
	return bs.deleteEvidence(pk, match, -1)
}

// deleteEvidence deletes up to limit (-1: all) of the webhooks' evidence under pk that
// match accepts, and returns how many it deleted.
func (bs bucketSteps) deleteEvidence(pk string, match func(store.StoredEvidence) bool, limit int) (int, error) {
	prefix := key(pk, store.EvidencePrefix)
	var doomed [][]byte
	c := bs.b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(doomed) != limit; k, v = c.Next() {
		var r evidenceRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return 0, err
		}
		if match(store.StoredEvidence{Source: r.Source, EventID: r.EventID, ReceivedAt: r.ReceivedAt, Body: r.Body, Headers: r.Headers}) {
			doomed = append(doomed, append([]byte(nil), k...))
		}
	}
	for _, k := range doomed {
		if err := bs.b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}

func (bs bucketSteps) UnfiledEvidencePK(_ context.Context, source, eventID string) (string, bool, error) {
	var m store.DedupeRecord
	found, err := read(bs.b, markerKey(source, eventID), &m)
	if err != nil || !found || m.Unfiled == nil {
		return "", false, err
	}
	return m.Unfiled.EvidencePK, true, nil
}

func (bs bucketSteps) PutHold(_ context.Context, h store.HoldRecord) error {
	if err := write(bs.b, key(store.BuyerPK(h.BuyerID), store.BuyerHoldSK(h.OrderID)), h); err != nil {
		return err
	}
	return write(bs.b, key(store.OrderPK(h.OrderID), store.EvidenceHoldSK), h)
}

func (bs bucketSteps) DropHold(_ context.Context, buyerID, orderID string) error {
	if err := bs.b.Delete(key(store.BuyerPK(buyerID), store.BuyerHoldSK(orderID))); err != nil {
		return err
	}
	return bs.b.Delete(key(store.OrderPK(orderID), store.EvidenceHoldSK))
}

func (bs bucketSteps) DropBuyerOrder(_ context.Context, buyerID, orderID string) error {
	return bs.b.Delete(buyerOrderKey(buyerID, orderID))
}

func (bs bucketSteps) FinishErasure(_ context.Context, buyerID string) error {
	return bs.b.Delete(buyerKey(buyerID))
}
