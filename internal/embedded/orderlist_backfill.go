package embedded

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// orderListDone marks a database whose orders and outbox rows all have their order list
// index entries: putOrder and putNotification write them since the list existed; a file
// from before gets them once, when OpenKV calls backfillOrderList.
var orderListDone = key("SCHEMA", "order-list-index")

// backfillOrderList writes the order list index entries of every order and every outbox
// row with a message problem, in one transaction, then the marker; once marked it reads
// nothing. (It reads the whole file once: every ORDER# partition.)
func backfillOrderList(db KV) error {
	return db.Update(func(tx KVTx) error {
		b := tx.Table()
		if b.Get(orderListDone) != nil {
			return nil
		}
		meta := []byte("\x00" + store.MetaSK)
		type entry struct{ k, v []byte }
		var put []entry
		c := b.Cursor()
		for k, v := c.Seek(orderMetaPrefix); k != nil && bytes.HasPrefix(k, orderMetaPrefix); k, v = c.Next() {
			if bytes.HasSuffix(k, meta) {
				var rec store.OrderRecord
				if err := json.Unmarshal(v, &rec); err != nil {
					return err
				}
				for _, lk := range store.OrderListKeys(rec.Order()) {
					put = append(put, entry{listKey(lk), []byte(rec.ID)})
				}
				continue
			}
			pk, sk, _ := strings.Cut(string(k), "\x00")
			if _, ok := store.ParseOutboxKey(pk, sk); !ok {
				continue
			}
			var rec store.NotificationRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if msk, ok := store.MessageProblemSK(rec.Notification()); ok {
				put = append(put, entry{key(store.AttentionPK(order.AttentionMessage), msk), []byte(rec.OrderID)})
			}
		}
		for _, e := range put {
			if err := b.Put(e.k, e.v); err != nil {
				return err
			}
		}
		return b.Put(orderListDone, []byte("1"))
	})
}
