package embedded

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The order list's index partitions (store.ListAllPK and the others) are keys
// "<partition>\x00<sort key>" in the table bucket, value the order id, written in the same
// transaction as the order (putOrder) or the outbox row (putNotification) they index.

func listKey(k store.ListIndexKey) []byte { return key(k.PK, k.SK) }

// putOrderListKeys moves order o's list index entries: prev's (when found) go, o's come.
func putOrderListKeys(b KVBucket, prev order.Order, found bool, o order.Order) error {
	next := store.OrderListKeys(o)
	keep := map[string]bool{}
	for _, k := range next {
		keep[string(listKey(k))] = true
	}
	if found {
		for _, k := range store.OrderListKeys(prev) {
			if lk := listKey(k); !keep[string(lk)] {
				if err := b.Delete(lk); err != nil {
					return err
				}
			}
		}
	}
	for _, k := range next {
		if err := b.Put(listKey(k), []byte(o.ID)); err != nil {
			return err
		}
	}
	return nil
}

// putMessageListKey moves outbox row n's entry in the message-problem partition.
func putMessageListKey(b KVBucket, prev order.Notification, found bool, n order.Notification) error {
	pk := store.AttentionPK(order.AttentionMessage)
	if found {
		if sk, ok := store.MessageProblemSK(prev); ok {
			if err := b.Delete(key(pk, sk)); err != nil {
				return err
			}
		}
	}
	if sk, ok := store.MessageProblemSK(n); ok {
		return b.Put(key(pk, sk), []byte(n.OrderID))
	}
	return nil
}

// ListOrders implements store.OrderLister (store.RunListOrders over this store's index keys).
func (s *Store) ListOrders(ctx context.Context, q store.OrderQuery) (store.OrderPage, error) {
	if err := ctx.Err(); err != nil {
		return store.OrderPage{}, order.Internal("embedded.ListOrders", err)
	}
	return store.RunListOrders(ctx, listSource{s}, q)
}

type listSource struct{ s *Store }

// ListIndex implements store.ListSource with a cursor walk of the partition's keys, in one
// read transaction that also reads the orders.
func (ls listSource) ListIndex(ctx context.Context, pk string, desc bool, after, bound string, limit int) ([]store.ListEntry, error) {
	prefix := []byte(pk + "\x00")
	var out []store.ListEntry
	err := ls.s.db.View(func(tx KVTx) error {
		b := tx.Table()
		c := b.Cursor()
		var k, v []byte
		switch {
		case !desc && after == "":
			k, v = c.Seek(prefix)
		case !desc:
			k, v = c.Seek(key(pk, after))
			if k != nil && string(k[len(prefix):]) == after {
				k, v = c.Next()
			}
		default:
			start := []byte(pk + "\x01") // the first key after the partition
			if after != "" {
				start = key(pk, after)
			}
			if k, _ = c.Seek(start); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit {
			sk := string(k[len(prefix):])
			if bound != "" && ((desc && sk < bound) || (!desc && sk > bound)) {
				break
			}
			var rec store.OrderRecord
			found, err := read(b, orderKey(string(v)), &rec)
			if err != nil {
				return err
			}
			if found {
				out = append(out, store.ListEntry{SK: sk, Order: rec.Order()})
			}
			if desc {
				k, v = c.Prev()
			} else {
				k, v = c.Next()
			}
		}
		return nil
	})
	if err != nil {
		return nil, order.Internal("embedded.ListOrders", err)
	}
	return out, nil
}

// ListBuyerOrders implements store.ListSource from the buyer's order index items.
func (ls listSource) ListBuyerOrders(ctx context.Context, buyerID string) ([]order.Order, error) {
	var out []order.Order
	err := ls.s.db.View(func(tx KVTx) error {
		b := tx.Table()
		prefix := key(store.BuyerPK(buyerID), store.BuyerOrderPrefix)
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var idx store.BuyerOrderRecord
			if err := json.Unmarshal(v, &idx); err != nil {
				return err
			}
			var rec store.OrderRecord
			found, err := read(b, orderKey(idx.OrderID), &rec)
			if err != nil {
				return err
			}
			if found {
				out = append(out, rec.Order())
			}
		}
		return nil
	})
	if err != nil {
		return nil, order.Internal("embedded.ListOrders", err)
	}
	return out, nil
}

func (ls listSource) Notifications(ctx context.Context, id string) ([]order.Notification, error) {
	return ls.s.Notifications(ctx, id)
}
