package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// dedupePrefix starts the key of every dedupe marker ("HOOK#<source>#<event id>\x00-").
var dedupePrefix = []byte(store.DedupePK("", "")[:len("HOOK#")])

// purgeBatch bounds one purge transaction, so that a large backlog never holds the single
// bbolt writer for long.
const purgeBatch = 1000

// PurgeExpired deletes what has expired at now, as DynamoDB's TTL does for the table, and
// returns how many items (unfiled events counted once each) it deleted. `orderwire serve`
// runs it hourly. It deletes, in bounded transactions:
//   - the dedupe markers of filed events whose ExpiresAt is at or before now: a provider
//     retries an event for days at most (store.DedupeTTL is well past every retry window),
//     so an expired marker only takes space;
//   - the unfiled events past the store's Options.Retention (store.Retention.UnfiledExpiry):
//     marker, index entry, parked copies and evidence together;
//   - the timeline and evidence of each order past its evidence retention, counted from its
//     last event, unless store.EvidenceHeld (an open dispute); the order and its outbox rows
//     stay;
//   - the evidence held by a buyer erasure whose hold has ended (purgeHolds): the order's
//     RAW# items and its parcels', as the erasure deletes them, and both hold items;
//   - the console session revocations whose until has passed (purgeSessions).
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	const op = "embedded.PurgeExpired"
	total, err := s.purgeMarkers(ctx, now)
	if err != nil {
		return total, order.Internal(op, err)
	}
	n, err := s.purgeUnfiled(ctx, now)
	total += n
	if err != nil {
		return total, order.Internal(op, err)
	}
	n, err = s.purgeEvidence(ctx, now)
	total += n
	if err != nil {
		return total, order.Internal(op, err)
	}
	n, err = s.purgeHolds(ctx, now)
	total += n
	if err != nil {
		return total, order.Internal(op, err)
	}
	n, err = s.purgeSessions(ctx, now)
	total += n
	if err != nil {
		return total, err
	}
	return total, nil
}

// purgeMarkers deletes the expired dedupe markers of filed events.
func (s *Store) purgeMarkers(ctx context.Context, now time.Time) (int, error) {
	return s.purgePrefix(ctx, dedupePrefix, func(v []byte) (bool, error) {
		var rec store.DedupeRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return false, err
		}
		return rec.Unfiled == nil && rec.ExpiresAt <= now.Unix(), nil // an unfiled event's: purgeUnfiled
	})
}

// purgePrefix deletes the items under prefix that expired says are expired, purgeBatch at a
// time (one read, then one write per batch), and returns how many it deleted (part of
// PurgeExpired). An error from expired stops it.
func (s *Store) purgePrefix(ctx context.Context, prefix []byte, expired func(v []byte) (bool, error)) (int, error) {
	const op = "embedded.PurgeExpired"
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, order.Internal(op, err)
		}
		var keys [][]byte
		err := s.db.View(func(tx KVTx) error {
			c := tx.Table().Cursor()
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(keys) < purgeBatch; k, v = c.Next() {
				gone, err := expired(v)
				if err != nil {
					return err
				}
				if gone {
					keys = append(keys, bytes.Clone(k))
				}
			}
			return nil
		})
		if err != nil {
			return total, order.Internal(op, err)
		}
		if len(keys) == 0 {
			return total, nil
		}
		err = s.db.Update(func(tx KVTx) error {
			b := tx.Table()
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return total, order.Internal(op, err)
		}
		total += len(keys)
		if len(keys) < purgeBatch {
			return total, nil
		}
	}
}
