package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// AddShipment implements store.Store in one bbolt transaction.
func (s *Store) AddShipment(ctx context.Context, ch order.ShipmentChange) error {
	const op = "embedded.AddShipment"
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	o, sh := ch.Order, ch.Shipment
	err := s.db.Batch(func(tx *bolt.Tx) error {
		b := tx.Bucket(tableBucket)
		var cur store.OrderRecord
		found, err := read(b, orderKey(o.ID), &cur)
		if err != nil {
			return err
		}
		if !found || cur.Version != o.Version-1 {
			return order.Errorf(order.CodeConflict, op, "order %s changed since it was read", o.ID)
		}
		claimKey := key(store.TrackPK(sh.TrackingNumber), store.ClaimSK(sh.Carrier))
		var claim store.ClaimRecord
		if held, err := read(b, claimKey, &claim); err != nil {
			return err
		} else if held && claim.OrderID != o.ID {
			return &order.Error{Code: order.CodeConflict, Op: op, Err: store.ErrTrackingTaken,
				Message: fmt.Sprintf("%s %s is registered to another order", sh.Carrier, sh.TrackingNumber)}
		}
		writes := []struct {
			k []byte
			v any
		}{
			{claimKey, store.ClaimRecord{OrderID: o.ID, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber}},
			{key(store.TrackPK(sh.TrackingNumber), store.ClaimedSK), struct{}{}},
			{key(store.OrderPK(o.ID), store.TimelineEntrySK(ch.Entry)), store.EntryRecord(o.ID, ch.Entry)},
		}
		for _, w := range writes {
			if err := write(b, w.k, w.v); err != nil {
				return err
			}
		}
		for _, n := range ch.Notify {
			if err := putNotification(b, n); err != nil {
				return err
			}
		}
		return putOrder(b, o)
	})
	if err != nil && order.ErrorCode(err) != order.CodeConflict {
		return order.Internal(op, err)
	}
	return err
}

// RecordTrackingEvent implements store.Store in one bbolt transaction.
func (s *Store) RecordTrackingEvent(ctx context.Context, ev order.TrackingEvent, evidence order.Evidence) (store.Recorded, error) {
	const op = "embedded.RecordTrackingEvent"
	if err := ctx.Err(); err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	var res store.Recorded
	err := s.db.Batch(func(tx *bolt.Tx) error {
		res = store.Recorded{}
		b := tx.Bucket(tableBucket)
		dedupe := key(store.DedupePK(store.TrackingDedupeSource(ev.Source), ev.EventID), store.DedupeSK)
		if b.Get(dedupe) != nil {
			res.Duplicate = true
			return nil
		}
		if err := write(b, dedupe, store.DedupeRecord{ExpiresAt: ev.ReceivedAt.Add(store.DedupeTTL).Unix()}); err != nil {
			return err
		}
		err := write(b, key(store.TrackPK(ev.TrackingNumber), store.TrackingEvidenceSK(ev)), evidenceRecord{
			Source: ev.Source, EventID: ev.EventID, ReceivedAt: ev.ReceivedAt.UTC(), Body: evidence.Body, Headers: evidence.Headers})
		if err != nil {
			return err
		}
		claims, err := readClaims(b, ev.TrackingNumber)
		if err != nil {
			return err
		}
		if len(claims) == 0 {
			res.Parked = true
			return write(b, key(store.ParkTrackPK(ev.TrackingNumber), store.ParkTrackingSK(ev)), store.NewTrackingEventRecord(ev))
		}
		claim, ok := store.PickClaim(claims, ev.Carrier)
		if !ok {
			res.Outcome.Reason = fmt.Sprintf("ambiguous: %d orders registered %s with other carriers", len(claims), ev.TrackingNumber)
			return nil
		}
		res.Order, res.Outcome, err = applyTracking(b, claim.OrderID, ev, ev.ReceivedAt)
		return err
	})
	if err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	return res, nil
}

// applyTracking writes ev's effect on order id: the timeline entry and, when it changes the
// order, the order and its outbox rows.
func applyTracking(b *bolt.Bucket, id string, ev order.TrackingEvent, now time.Time) (order.Order, order.Outcome, error) {
	var cur store.OrderRecord
	if _, err := read(b, orderKey(id), &cur); err != nil {
		return order.Order{}, order.Outcome{}, err
	}
	o := cur.Order()
	next, out := order.ApplyTracking(o, ev, now)
	entry := ev.Entry(out.Applied, out.Reason)
	if err := writeChange(b, id, next, out.Applied, &entry, out.TrackingNotifications(next, ev, now), out.BuyerStat); err != nil || !out.Applied {
		return o, out, err
	}
	return next, out, nil
}

func readClaims(b *bolt.Bucket, number string) ([]store.ClaimRecord, error) {
	prefix := key(store.TrackPK(number), store.ClaimPrefix)
	var claims []store.ClaimRecord
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r store.ClaimRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, err
		}
		claims = append(claims, r)
	}
	return claims, nil
}

// ApplyParkedTracking implements store.Store, looking (read-only) before it writes.
func (s *Store) ApplyParkedTracking(ctx context.Context, number string, now time.Time) (int, error) {
	const op = "embedded.ApplyParkedTracking"
	prefix := key(store.ParkTrackPK(number), "")
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
		claims, err := readClaims(b, number)
		if err != nil || len(claims) == 0 {
			return err
		}
		var done [][]byte
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec store.TrackingEventRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			ev := rec.Event()
			if claim, ok := store.PickClaim(claims, ev.Carrier); ok {
				if _, _, err := applyTracking(b, claim.OrderID, ev, now); err != nil {
					return err
				}
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
