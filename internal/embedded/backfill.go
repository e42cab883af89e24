package embedded

import (
	"bytes"
	"encoding/json"

	"github.com/orderwire/orderwire/internal/store"
)

// buyerIndexDone marks a database whose every order is in its buyer's order index
// (BuyerOrders): SaveOrder writes the index item since the buyer erasure; a file from
// before gets it once, when Open calls backfillBuyerIndex.
var buyerIndexDone = key("SCHEMA", "buyer-order-index")

// orderMetaPrefix starts every order's partition ("ORDER#<id>\x00...").
var orderMetaPrefix = []byte(store.OrderPK(""))

// backfillBuyerIndex writes the missing buyer index items of the orders stored before the
// index existed, in one transaction, then the marker; once marked it reads nothing.
func backfillBuyerIndex(db KV) error {
	return db.Update(func(tx KVTx) error {
		b := tx.Table()
		if b.Get(buyerIndexDone) != nil {
			return nil
		}
		meta := []byte("\x00" + store.MetaSK)
		type entry struct{ buyer, order string }
		var missing []entry
		c := b.Cursor()
		for k, v := c.Seek(orderMetaPrefix); k != nil && bytes.HasPrefix(k, orderMetaPrefix); k, v = c.Next() {
			if !bytes.HasSuffix(k, meta) {
				continue
			}
			var rec store.OrderRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if rec.BuyerID != "" && b.Get(buyerOrderKey(rec.BuyerID, rec.ID)) == nil {
				missing = append(missing, entry{rec.BuyerID, rec.ID})
			}
		}
		for _, e := range missing {
			if err := write(b, buyerOrderKey(e.buyer, e.order), store.BuyerOrderRecord{OrderID: e.order}); err != nil {
				return err
			}
		}
		return b.Put(buyerIndexDone, []byte("1"))
	})
}
