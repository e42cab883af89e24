package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

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

// RecordTrackingEvent implements store.Store in one bbolt transaction: the dedupe marker,
// the evidence, then either order.NewTrackingChange on the order order.FileTracking picks,
// or the event parked under its tracking number with FileTracking's reason.
func (s *Store) RecordTrackingEvent(ctx context.Context, ev order.TrackingEvent, evidence order.Evidence) (store.Recorded, error) {
	const op = "embedded.RecordTrackingEvent"
	if err := ctx.Err(); err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	var res store.Recorded
	err := s.db.Batch(func(tx KVTx) error {
		res = store.Recorded{}
		b := tx.Table()
		dedupe := key(store.TrackingMarkerPK(ev), store.DedupeSK)
		if b.Get(dedupe) != nil {
			res.Duplicate = true
			return nil
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
		id, unfiled := order.FileTracking(ev, store.Claims(claims))
		if id == "" {
			res.Parked, res.Outcome.Reason = true, unfiled
			return parkTracking(b, store.NewUnfiledTracking(ev, unfiled, len(claims)))
		}
		if err := write(b, dedupe, store.FiledMarker(id, ev.ReceivedAt)); err != nil {
			return err
		}
		ch, err := applyTracking(b, id, ev, ev.ReceivedAt)
		res.Order, res.Outcome = ch.Order, ch.Outcome
		return err
	})
	if err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	return res, nil
}

// parkTracking keeps a carrier event unfiled: its marker (no expiry) with the record, its
// index entry, its copy under the tracking number and the seller's event_unfiled alert.
func parkTracking(b KVBucket, u store.UnfiledRecord) error {
	ev := u.Tracking.Event()
	marker := key(store.TrackingMarkerPK(ev), store.DedupeSK)
	if err := write(b, marker, store.DedupeRecord{Unfiled: &u}); err != nil {
		return err
	}
	source := store.TrackingDedupeSource(ev.Source)
	if err := b.Put(unfiledIndexKey(source, ev.EventID, ev.ReceivedAt), marker); err != nil {
		return err
	}
	if err := putNewNotification(b, u.Alert()); err != nil { // once: a re-park finds it
		return err
	}
	return write(b, key(store.ParkTrackPK(ev.TrackingNumber), store.ParkTrackingSK(ev)), *u.Tracking)
}

// fileTracking files the parked carrier event ev on order id: the change, the filed
// marker, and the parked copy and index entry gone.
func fileTracking(b KVBucket, id string, ev order.TrackingEvent, now time.Time) (order.TrackingChange, error) {
	ch, err := applyTracking(b, id, ev, now)
	if err != nil {
		return ch, err
	}
	if err := write(b, key(store.TrackingMarkerPK(ev), store.DedupeSK), store.FiledMarker(id, ev.ReceivedAt)); err != nil {
		return ch, err
	}
	if err := b.Delete(unfiledIndexKey(store.TrackingDedupeSource(ev.Source), ev.EventID, ev.ReceivedAt)); err != nil {
		return ch, err
	}
	return ch, b.Delete(key(store.ParkTrackPK(ev.TrackingNumber), store.ParkTrackingSK(ev)))
}

// applyTracking persists order.NewTrackingChange of ev on order id: the timeline entry and,
// when it changes the order, the order and its outbox rows.
func applyTracking(b KVBucket, id string, ev order.TrackingEvent, now time.Time) (order.TrackingChange, error) {
	var cur store.OrderRecord
	found, err := read(b, orderKey(id), &cur)
	if err != nil {
		return order.TrackingChange{}, err
	}
	if !found {
		return order.TrackingChange{}, fmt.Errorf("order %s of a tracking claim is missing", id)
	}
	ch := order.NewTrackingChange(cur.Order(), ev, now)
	return ch, writeChange(b, id, ch.Order, ch.Changed, &ch.Entry, ch.Notify, ch.Outcome.BuyerStat)
}

func readClaims(b KVBucket, number string) ([]store.ClaimRecord, error) {
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

// ApplyParkedTracking implements store.Store, looking (read-only) before it writes. Every
// parked event order.FileTracking files is applied and unparked in one transaction; one it
// does not file stays parked, its reason brought up to date.
func (s *Store) ApplyParkedTracking(ctx context.Context, number string, now time.Time) (int, error) {
	const op = "embedded.ApplyParkedTracking"
	prefix := key(store.ParkTrackPK(number), "")
	if parked, err := s.anyUnder(ctx, store.ParkTrackPK(number)); err != nil || !parked {
		return 0, wrap(op, err)
	}
	applied := 0
	err := s.db.Batch(func(tx KVTx) error {
		applied = 0
		b := tx.Table()
		claims, err := readClaims(b, number)
		if err != nil || len(claims) == 0 {
			return err
		}
		var recs []store.TrackingEventRecord
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var rec store.TrackingEventRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			recs = append(recs, rec)
		}
		for _, rec := range recs { // occurred-at order: the keys sort by it
			ev := rec.Event()
			id, unfiled := order.FileTracking(ev, store.Claims(claims))
			if id == "" {
				if unfiled != rec.Reason {
					if err := parkTracking(b, store.NewUnfiledTracking(ev, unfiled, len(claims))); err != nil {
						return err
					}
				}
				continue
			}
			if _, err := fileTracking(b, id, ev, now); err != nil {
				return err
			}
			applied++
		}
		return nil
	})
	if err != nil {
		return 0, order.Internal(op, err)
	}
	return applied, nil
}
