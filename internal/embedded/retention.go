package embedded

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/orderwire/orderwire/internal/store"
)

// The retention part of PurgeExpired (store.Retention): unfiled events, and the evidence
// and timelines of orders whose last event is old enough. Each pass reads first (a View,
// no commit when nothing is due) and then deletes in Update transactions that decide
// again, so that an event arriving meanwhile is never deleted with the old ones.

// orderBatch bounds how many orders one retention transaction decides and deletes.
const orderBatch = 100

var unfiledIndexPrefix = key(store.UnfiledIndexPK, "")

// sortableLayout is store.SortableTime's layout.
const sortableLayout = "2006-01-02T15:04:05.000000000Z"

// purgeUnfiled deletes the unfiled events whose store.Retention.UnfiledExpiry is at or
// before now: marker, index entry, parked copies and evidence, one event at a time within
// transactions of up to purgeBatch events. It returns how many events it deleted.
func (s *Store) purgeUnfiled(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var markers [][]byte
		err := s.db.View(func(tx KVTx) error {
			c := tx.Table().Cursor()
			for k, v := c.Seek(unfiledIndexPrefix); k != nil && bytes.HasPrefix(k, unfiledIndexPrefix) && len(markers) < purgeBatch; k, v = c.Next() {
				// The index is in received-at order: the first entry not yet due ends the pass.
				at, err := time.Parse(sortableLayout, string(k[len(unfiledIndexPrefix):][:min(len(sortableLayout), len(k)-len(unfiledIndexPrefix))]))
				if err != nil || s.retention.UnfiledExpiry(at).After(now) {
					break
				}
				markers = append(markers, append([]byte(nil), v...))
			}
			return nil
		})
		if err != nil || len(markers) == 0 {
			return total, err
		}
		deleted := 0
		err = s.db.Update(func(tx KVTx) error {
			deleted = 0
			b := tx.Table()
			for _, mk := range markers {
				var m store.DedupeRecord
				found, err := read(b, mk, &m)
				if err != nil {
					return err
				}
				if !found || m.Unfiled == nil {
					continue // filed meanwhile
				}
				it, ok := m.Unfiled.Items()
				if !ok || s.retention.UnfiledExpiry(it.ReceivedAt).After(now) {
					continue
				}
				for _, k := range append([]store.ItemKey{it.Marker, it.Index, it.Evidence}, it.Parked...) {
					if err := b.Delete(key(k.PK, k.SK)); err != nil {
						return err
					}
				}
				deleted++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += deleted
		if len(markers) < purgeBatch {
			return total, nil
		}
	}
}

var orderPrefix = []byte(store.OrderPK(""))

// purgeEvidence deletes the timeline (EVT#) and evidence (RAW#) of every order whose last
// event (lastEvent) is older than the evidence retention and that holds none
// (store.EvidenceHeld), and the carrier evidence of its parcels when every order claiming
// the tracking number is in the same case. The order itself, its outbox rows (which hold
// no message contents) and its claims stay. It returns how many items it deleted.
func (s *Store) purgeEvidence(ctx context.Context, now time.Time) (int, error) {
	total := 0
	after := orderPrefix
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var due []string
		var next []byte
		err := s.db.View(func(tx KVTx) error {
			b := tx.Table()
			c := b.Cursor()
			for k, _ := c.Seek(after); k != nil && bytes.HasPrefix(k, orderPrefix); k, _ = c.Next() {
				id, sk, ok := bytes.Cut(k[len(orderPrefix):], []byte{0})
				if !ok || string(sk) != store.MetaSK {
					continue
				}
				next = append(key(store.OrderPK(string(id)), store.MetaSK), 0)
				expired, err := s.expired(b, string(id), now)
				if err != nil {
					return err
				}
				if expired {
					due = append(due, string(id))
					if len(due) == orderBatch {
						return nil
					}
				}
			}
			next = nil
			return nil
		})
		if err != nil {
			return total, err
		}
		if len(due) > 0 {
			err = s.db.Update(func(tx KVTx) error {
				b := tx.Table()
				for _, id := range due {
					n, err := s.deleteEvidence(b, id, now)
					if err != nil {
						return err
					}
					total += n
				}
				return nil
			})
			if err != nil {
				return total, err
			}
		}
		if next == nil {
			return total, nil
		}
		after = next
	}
}

// expired reports whether order id's evidence and timeline are past retention: it has
// items to delete, none is held, and its last event is old enough.
func (s *Store) expired(b KVBucket, id string, now time.Time) (bool, error) {
	var rec store.OrderRecord
	found, err := read(b, orderKey(id), &rec)
	if err != nil || !found || store.EvidenceHeld(rec.Order()) {
		return false, err
	}
	last, seen, err := lastEvent(b, rec)
	if err != nil || !seen {
		return false, err
	}
	return !s.retention.EvidenceExpiry(last).After(now), nil
}

// lastEvent is the time of order rec's last event: the latest of its timeline entries'
// occurred-at and its own and its parcels' evidence's received-at. Both are the leading time
// of the items' sort keys, so it reads one key per family (the last) and decodes nothing.
// seen is false when the order has no such item.
func lastEvent(b KVBucket, rec store.OrderRecord) (last time.Time, seen bool, err error) {
	families := [][]byte{key(store.OrderPK(rec.ID), store.TimelinePrefix)}
	for _, pk := range store.EvidencePartitions(rec.Order()) {
		families = append(families, key(pk, store.EvidencePrefix))
	}
	c := b.Cursor()
	for _, p := range families {
		k := lastWithPrefix(c, p)
		if k == nil {
			continue
		}
		seen = true
		rest := k[len(p):]
		t, err := time.Parse(sortableLayout, string(rest[:min(len(rest), len(sortableLayout))]))
		if err != nil {
			return last, seen, fmt.Errorf("key %q: %w", k, err)
		}
		if t.After(last) {
			last = t
		}
	}
	return last, seen, nil
}

// lastWithPrefix is the last key that starts with p, or nil.
func lastWithPrefix(c KVCursor, p []byte) []byte {
	end := append([]byte(nil), p...)
	end[len(end)-1]++ // p ends with '#': the first key after every key with prefix p
	k, _ := c.Seek(end)
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, p) {
		return nil
	}
	return k
}

// deleteEvidence deletes order id's timeline and evidence if it is still expired (decided
// again inside the writing transaction), and each parcel's carrier evidence when every
// order claiming that tracking number is expired too. It returns how many items it deleted.
func (s *Store) deleteEvidence(b KVBucket, id string, now time.Time) (int, error) {
	expired, err := s.expired(b, id, now)
	if err != nil || !expired {
		return 0, err
	}
	var rec store.OrderRecord
	if _, err := read(b, orderKey(id), &rec); err != nil {
		return 0, err
	}
	prefixes := [][]byte{key(store.OrderPK(id), store.TimelinePrefix), key(store.OrderPK(id), store.EvidencePrefix)}
	for _, sh := range rec.Shipments {
		claims, err := readClaims(b, sh.TrackingNumber)
		if err != nil {
			return 0, err
		}
		all := true
		for _, c := range claims {
			if c.OrderID == id {
				continue
			}
			if all, err = s.expired(b, c.OrderID, now); err != nil {
				return 0, err
			} else if !all {
				break
			}
		}
		if all {
			prefixes = append(prefixes, key(store.TrackPK(sh.TrackingNumber), store.EvidencePrefix))
		}
	}
	var doomed [][]byte
	for _, p := range prefixes {
		c := b.Cursor()
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			doomed = append(doomed, append([]byte(nil), k...))
		}
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(doomed), nil
}
