package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/orderwire/orderwire/internal/store"
)

// The release part of PurgeExpired: evidence held by a buyer erasure goes once its hold has
// ended (store.HoldEnded: EvidenceHoldUntil passed and no open dispute on the order),
// through store.ReleaseHold, the erasure's own deletion code, so that a second DELETE is not
// needed. Held orders are found by their buyer-side hold items (BUYER#<id> / HOLD#<order>),
// which live in the small buyer partitions rather than among every order's items.

var buyerPrefix = []byte(store.BuyerPK(""))

// purgeHolds releases the holds ended at now, up to orderBatch per Update transaction (each
// decided again inside it), and returns how many items it deleted (each released webhook's
// evidence, and the two hold items). When it released any, it overwrites the file's free
// pages (ScrubFreePages), as the erasure does, since bbolt leaves deleted values there.
func (s *Store) purgeHolds(ctx context.Context, now time.Time) (int, error) {
	total, released := 0, 0
	after := buyerPrefix
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		due, next, err := s.dueHolds(after, now)
		if err != nil {
			return total, err
		}
		if len(due) > 0 {
			n, r, err := s.releaseHolds(ctx, due, now)
			if err != nil {
				return total, err
			}
			total += n
			released += r
		}
		if next == nil {
			break
		}
		after = next
	}
	if released > 0 {
		if _, err := s.ScrubFreePages(ctx); err != nil {
			return total, err
		}
	}
	return total, nil
}

// dueHolds reads, from key after on, up to orderBatch holds ended at now; next is the key
// to continue from, nil when the buyer partitions are done.
func (s *Store) dueHolds(after []byte, now time.Time) (due []store.HoldRecord, next []byte, err error) {
	err = s.db.View(func(tx KVTx) error {
		c := tx.Table().Cursor()
		for k, v := c.Seek(after); k != nil && bytes.HasPrefix(k, buyerPrefix); k, v = c.Next() {
			_, sk, ok := bytes.Cut(k[len(buyerPrefix):], []byte{0})
			if !ok || !bytes.HasPrefix(sk, []byte(store.BuyerHoldPrefix)) {
				continue
			}
			var h store.HoldRecord
			if err := json.Unmarshal(v, &h); err != nil {
				return err
			}
			if now.Before(h.EvidenceHoldUntil) {
				continue
			}
			due = append(due, h)
			if len(due) == orderBatch {
				next = append(append([]byte(nil), k...), 0)
				return nil
			}
		}
		return nil
	})
	return due, next, err
}

// releaseHolds releases the due holds still there, in one Update transaction, and returns
// how many items it deleted and how many holds it released.
func (s *Store) releaseHolds(ctx context.Context, due []store.HoldRecord, now time.Time) (deletedItems, releasedHolds int, err error) {
	n, r := 0, 0
	err = s.db.Update(func(tx KVTx) error {
		n, r = 0, 0
		bs := bucketSteps{tx.Table()}
		for _, h := range due {
			var cur store.HoldRecord
			found, err := read(bs.b, key(store.BuyerPK(h.BuyerID), store.BuyerHoldSK(h.OrderID)), &cur)
			if err != nil {
				return err
			}
			if !found {
				continue // released meanwhile (an erasure run)
			}
			ok, deleted, err := store.ReleaseHold(ctx, bs, cur, now)
			if err != nil {
				return err
			}
			if ok {
				n += deleted + 2
				r++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return n, r, nil
}
