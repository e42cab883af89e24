package embedded

import (
	"bytes"
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The due index mirrors DynamoDB's GSI2 in the same bucket: key "DUE\x00<time>#<order id>",
// value the order id. putOrder keeps it in step with every order write.
var dueIndexPrefix = []byte("DUE\x00")

func dueKey(o order.Order) []byte {
	return append(append([]byte(nil), dueIndexPrefix...), store.DueSK(o)...)
}

// putOrder writes o and moves its due-index entry: the old one (from the stored order) is
// removed, a new one added while o awaits payment; and its order list index entries
// (putOrderListKeys).
func putOrder(b KVBucket, o order.Order) error {
	var prev store.OrderRecord
	found, err := read(b, orderKey(o.ID), &prev)
	if err != nil {
		return err
	}
	if old := prev.Order(); found && store.InDueIndex(old) {
		if err := b.Delete(dueKey(old)); err != nil {
			return err
		}
	}
	if store.InDueIndex(o) {
		if err := b.Put(dueKey(o), []byte(o.ID)); err != nil {
			return err
		}
	}
	if err := putOrderListKeys(b, prev.Order(), found, o); err != nil {
		return err
	}
	return write(b, orderKey(o.ID), store.NewOrderRecord(o))
}

// addBuyerStat increments a buyer's payment-history counter (nothing for an empty stat).
func addBuyerStat(b KVBucket, buyerID, stat string) error {
	if stat == "" {
		return nil
	}
	var rec store.BuyerRecord
	if _, err := read(b, buyerKey(buyerID), &rec); err != nil {
		return err
	}
	rec.ID = buyerID
	rec.AddStat(stat)
	return write(b, buyerKey(buyerID), rec)
}

// DueOrders implements store.Store with a range scan of the due index.
func (s *Store) DueOrders(ctx context.Context, now time.Time, limit int) ([]order.Order, error) {
	var out []order.Order
	err := s.scanDue(ctx, dueIndexPrefix, now, limit, func(b KVBucket, id []byte) error {
		var rec store.OrderRecord
		if _, err := read(b, orderKey(string(id)), &rec); err != nil {
			return err
		}
		out = append(out, rec.Order())
		return nil
	})
	return out, wrap("embedded.DueOrders", err)
}

// scanDue calls take with the value of every entry of the due index under prefix whose
// time is at or before now, earliest first, at most limit of them; the index keys are
// "<prefix><sortable time>#...", so the scan reads nothing past now.
func (s *Store) scanDue(ctx context.Context, prefix []byte, now time.Time, limit int, take func(b KVBucket, v []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	end := append(append([]byte(nil), prefix...), store.SortableTime(now)+"#\xff"...)
	return s.db.View(func(tx KVTx) error {
		b := tx.Table()
		c := b.Cursor()
		n := 0
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && bytes.Compare(k, end) <= 0 && n < limit; k, v = c.Next() {
			if err := take(b, v); err != nil {
				return err
			}
			n++
		}
		return nil
	})
}

// ApplyDunning implements store.Store in one bbolt transaction.
func (s *Store) ApplyDunning(ctx context.Context, ch order.DunningChange) error {
	const op = "embedded.ApplyDunning"
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	o := ch.Order
	err := s.db.Batch(func(tx KVTx) error {
		b := tx.Table()
		var cur store.OrderRecord
		found, err := read(b, orderKey(o.ID), &cur)
		if err != nil {
			return err
		}
		if !found || cur.Version != o.Version-1 {
			return order.Errorf(order.CodeConflict, op, "order %s changed since it was read", o.ID)
		}
		return writeChange(b, o.ID, o, true, ch.Entry, ch.Notify, ch.BuyerStat)
	})
	if err != nil && order.ErrorCode(err) != order.CodeConflict {
		return order.Internal(op, err)
	}
	return err
}
