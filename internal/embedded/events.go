package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

type evidenceRecord struct {
	Source     string            `json:"source"`
	EventID    string            `json:"event_id"`
	ReceivedAt time.Time         `json:"received_at"`
	Body       []byte            `json:"body"`
	Headers    map[string]string `json:"headers,omitempty"`
}

// RecordEvent implements store.Store in one bbolt transaction (shared with concurrent
// writers by group commit). The transaction holds bbolt's single writer lock, so the
// dedupe check, the order read and the writes cannot interleave with another writer.
func (s *Store) RecordEvent(ctx context.Context, ev order.Event, evidence order.Evidence) (store.Recorded, error) {
	const op = "embedded.RecordEvent"
	if err := ctx.Err(); err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	var res store.Recorded
	err := s.db.Batch(func(tx *bolt.Tx) error {
		res = store.Recorded{} // Batch may run this function more than once
		b := tx.Bucket(tableBucket)
		dedupe := key(store.DedupePK(ev.Source, ev.EventID), store.DedupeSK)
		if b.Get(dedupe) != nil {
			res.Duplicate = true
			return nil
		}
		if err := write(b, dedupe, store.DedupeRecord{OrderID: ev.OrderID, ExpiresAt: ev.ReceivedAt.Add(store.DedupeTTL).Unix()}); err != nil {
			return err
		}
		err := write(b, key(store.OrderPK(ev.OrderID), store.EvidenceSK(ev)), evidenceRecord{
			Source: ev.Source, EventID: ev.EventID, ReceivedAt: ev.ReceivedAt.UTC(),
			Body: evidence.Body, Headers: evidence.Headers})
		if err != nil {
			return err
		}
		var cur store.OrderRecord
		found, err := read(b, orderKey(ev.OrderID), &cur)
		if err != nil {
			return err
		}
		if !found {
			res.Parked = true
			return write(b, key(store.ParkPK(ev.OrderID), store.ParkSK(ev)), store.NewEventRecord(ev))
		}
		res.Order, res.Outcome, err = apply(b, cur.Order(), ev, ev.ReceivedAt)
		return err
	})
	if err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	return res, nil
}

// apply writes the change ev makes to o, as order.PaymentChange builds it (see writeChange).
func apply(b *bolt.Bucket, o order.Order, ev order.Event, now time.Time) (order.Order, order.Outcome, error) {
	c := order.PaymentChange(o, ev, now)
	if err := writeChange(b, o.ID, c.Order, c.Changed, &c.Entry, c.Notify, c.BuyerStats...); err != nil {
		return o, c.Outcome, err
	}
	return c.Order, c.Outcome, nil
}

// writeChange writes one change to order id: its timeline entry (if any) and, when the
// order changed, the order next (moving it in the due index), its outbox rows and the
// buyer's counters. The caller's transaction has already checked the version it read.
func writeChange(b *bolt.Bucket, id string, next order.Order, changed bool, entry *order.TimelineEntry, notes []order.Notification, stats ...string) error {
	if entry != nil {
		if err := write(b, key(store.OrderPK(id), store.TimelineEntrySK(*entry)), store.EntryRecord(id, *entry)); err != nil {
			return err
		}
	}
	if !changed {
		return nil
	}
	for _, n := range notes {
		if err := putNotification(b, n); err != nil {
			return err
		}
	}
	for _, stat := range stats {
		if err := addBuyerStat(b, next.BuyerID, stat); err != nil {
			return err
		}
	}
	return putOrder(b, next)
}

// ApplyParked implements store.Store: every parked event of the order, in one transaction.
// A read-only look comes first, so that the common case (nothing parked) costs no commit.
func (s *Store) ApplyParked(ctx context.Context, id string, now time.Time) (int, error) {
	const op = "embedded.ApplyParked"
	prefix := key(store.ParkPK(id), "")
	parked := false
	if err := s.scan(ctx, prefix, func([]byte) error { parked = true; return errStopScan }); err != nil && err != errStopScan {
		return 0, order.Internal(op, err)
	}
	if !parked {
		return 0, nil
	}
	applied := 0
	err := s.db.Batch(func(tx *bolt.Tx) error {
		applied = 0
		b := tx.Bucket(tableBucket)
		var cur store.OrderRecord
		found, err := read(b, orderKey(id), &cur)
		if err != nil || !found {
			return err
		}
		o := cur.Order()
		var done [][]byte
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec store.EventRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			if o, _, err = apply(b, o, rec.Event(), now); err != nil {
				return err
			}
			done = append(done, append([]byte(nil), k...))
		}
		for _, k := range done {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		applied = len(done)
		return nil
	})
	if err != nil {
		return 0, order.Internal(op, err)
	}
	return applied, nil
}

// Timeline implements store.Store.
func (s *Store) Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error) {
	var out []order.TimelineEntry
	err := s.scan(ctx, key(store.OrderPK(id), store.TimelinePrefix), func(v []byte) error {
		var r store.TimelineRecord
		err := json.Unmarshal(v, &r)
		out = append(out, r.Entry())
		return err
	})
	return out, wrap("embedded.Timeline", err)
}

// Evidence implements store.Store: the order's own evidence and its parcels' carrier
// evidence (kept under their tracking numbers), oldest received first.
func (s *Store) Evidence(ctx context.Context, id string) ([]store.StoredEvidence, error) {
	prefixes := [][]byte{key(store.OrderPK(id), store.EvidencePrefix)}
	if o, err := s.GetOrder(ctx, id); err == nil {
		for _, sh := range o.Shipments {
			prefixes = append(prefixes, key(store.TrackPK(sh.TrackingNumber), store.EvidencePrefix))
		}
	}
	var out []store.StoredEvidence
	for _, prefix := range prefixes {
		err := s.scan(ctx, prefix, func(v []byte) error {
			var r evidenceRecord
			err := json.Unmarshal(v, &r)
			out = append(out, store.StoredEvidence{Source: r.Source, EventID: r.EventID,
				ReceivedAt: r.ReceivedAt.UTC(), Body: r.Body, Headers: r.Headers})
			return err
		})
		if err != nil {
			return nil, wrap("embedded.Evidence", err)
		}
	}
	store.SortEvidence(out)
	return out, nil
}

// Notifications implements store.Store.
func (s *Store) Notifications(ctx context.Context, id string) ([]order.Notification, error) {
	var out []order.Notification
	err := s.scan(ctx, key(store.OrderPK(id), store.OutboxPrefix), func(v []byte) error {
		var r store.NotificationRecord
		err := json.Unmarshal(v, &r)
		out = append(out, r.Notification())
		return err
	})
	return out, wrap("embedded.Notifications", err)
}

// scan calls fn with every value whose key starts with prefix, in key order.
func (s *Store) scan(ctx context.Context, prefix []byte, fn func(v []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(tableBucket).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// errStopScan ends a scan early without an error.
var errStopScan = errors.New("stop scan")

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return order.Internal(op, err)
}
