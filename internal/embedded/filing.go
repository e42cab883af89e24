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

// The unfiled-events index mirrors DynamoDB's GSI1 partition UNFILED in the same bucket:
// key "UNFILED\x00<UnfiledSK>", value the dedupe marker's key.
func unfiledIndexKey(source, eventID string, receivedAt time.Time) []byte {
	return key(store.UnfiledIndexPK, store.UnfiledSK(source, eventID, receivedAt))
}

func markerKey(source, eventID string) []byte {
	return key(store.DedupePK(source, eventID), store.DedupeSK)
}

// RecordEvent implements store.Store in one bbolt transaction (shared with concurrent
// writers by group commit). The transaction holds bbolt's single writer lock, so the
// dedupe check, the reads of the order and the references, and the writes cannot
// interleave with another writer: parking and binding are race-free by construction.
func (s *Store) RecordEvent(ctx context.Context, ev order.Event, evidence order.Evidence) (store.Recorded, error) {
	const op = "embedded.RecordEvent"
	if err := ctx.Err(); err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	var res store.Recorded
	err := s.db.Batch(func(tx KVTx) error {
		res = store.Recorded{} // Batch may run this function more than once
		b := tx.Table()
		if b.Get(markerKey(ev.Source, ev.EventID)) != nil {
			res.Duplicate = true
			return nil
		}
		f, cur, err := plan(b, ev)
		if err != nil {
			return err
		}
		evidencePK := store.UnfiledEvidencePK(ev.Source, ev.EventID)
		if f.OrderID != "" {
			evidencePK = store.OrderPK(f.OrderID)
		}
		err = write(b, key(evidencePK, store.EvidenceSK(ev)), evidenceRecord{
			Source: ev.Source, EventID: ev.EventID, ReceivedAt: ev.ReceivedAt.UTC(),
			Body: evidence.Body, Headers: evidence.Headers})
		if err != nil {
			return err
		}
		res, err = file(b, ev, f, cur, evidencePK, ev.ReceivedAt)
		return err
	})
	if err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	return res, nil
}

// plan reads what store.PlanFiling needs for ev: its references' records and its order.
func plan(b KVBucket, ev order.Event) (store.Filing, order.Order, error) {
	refs := map[string]store.RefRecord{}
	for _, r := range store.EventRefs(ev) {
		var rec store.RefRecord
		found, err := read(b, key(store.RefPK(ev.Source, r), store.RefSK), &rec)
		if err != nil {
			return store.Filing{}, order.Order{}, err
		}
		if found {
			refs[r] = rec
		}
	}
	namedFound := order.ValidID(ev.OrderID) && b.Get(orderKey(ev.OrderID)) != nil
	target, _ := store.TargetOrder(ev, refs, namedFound)
	var cur store.OrderRecord
	found := false
	if target != "" {
		var err error
		if found, err = read(b, orderKey(target), &cur); err != nil {
			return store.Filing{}, order.Order{}, err
		}
	}
	return store.PlanFiling(ev, refs, namedFound, found), cur.Order(), nil
}

// file writes what f says for ev, whose evidence is already under evidencePK: the bindings,
// then either the change to order cur (with the filed marker, and the events parked under
// the references it binds, filed too) or the unfiled marker, its index entry and its parked
// copies.
func file(b KVBucket, ev order.Event, f store.Filing, cur order.Order, evidencePK string, now time.Time) (store.Recorded, error) {
	for _, r := range f.Bind {
		k := key(store.RefPK(ev.Source, r), store.RefSK)
		var rec store.RefRecord
		if _, err := read(b, k, &rec); err != nil {
			return store.Recorded{}, err
		}
		rec.Source, rec.Ref, rec.OrderID = ev.Source, r, f.OrderID
		if err := write(b, k, rec); err != nil {
			return store.Recorded{}, err
		}
	}
	marker := markerKey(ev.Source, ev.EventID)
	if f.Unfiled() {
		return store.Recorded{Parked: true, Outcome: order.Outcome{Reason: f.Detail}}, park(b, ev, f, evidencePK)
	}
	if err := write(b, marker, store.FiledMarker(f.OrderID, ev.ReceivedAt)); err != nil {
		return store.Recorded{}, err
	}
	ev.OrderID = f.OrderID
	next, out, err := apply(b, cur, ev, f.Note, now)
	if err != nil {
		return store.Recorded{}, err
	}
	res := store.Recorded{Order: next, Outcome: out}
	for _, r := range f.Drain {
		if err := drainRef(b, ev.Source, r, f.OrderID, now); err != nil {
			return res, err
		}
	}
	return res, nil
}

// park writes the unfiled marker of ev (no expiry), its index entry, its parked copies and
// the seller's event_unfiled alert.
func park(b KVBucket, ev order.Event, f store.Filing, evidencePK string) error {
	rec := store.NewUnfiledPayment(ev, f, evidencePK)
	if err := write(b, markerKey(ev.Source, ev.EventID), store.DedupeRecord{OrderID: f.OrderID, Unfiled: &rec}); err != nil {
		return err
	}
	if err := b.Put(unfiledIndexKey(ev.Source, ev.EventID, ev.ReceivedAt), markerKey(ev.Source, ev.EventID)); err != nil {
		return err
	}
	if err := putNewNotification(b, rec.Alert()); err != nil {
		return err
	}
	for _, pk := range rec.ParkedUnder {
		if err := write(b, key(pk, store.ParkSK(ev)), store.NewEventRecord(ev)); err != nil {
			return err
		}
	}
	for _, r := range f.ParkRefs {
		k := key(store.RefPK(ev.Source, r), store.RefSK)
		var ref store.RefRecord
		if _, err := read(b, k, &ref); err != nil {
			return err
		}
		ref.Source, ref.Ref, ref.Parked = ev.Source, r, ref.Parked+1
		if err := write(b, k, ref); err != nil {
			return err
		}
	}
	return nil
}

// unpark removes an unfiled event's marker state, index entry and parked copies, and
// moves its evidence under order target; it returns the event. ok is false when the event
// is not unfiled (unknown, or filed meanwhile).
func unpark(b KVBucket, source, eventID, target string) (order.Event, bool, error) {
	var m store.DedupeRecord
	found, err := read(b, markerKey(source, eventID), &m)
	if err != nil || !found || m.Unfiled == nil || m.Unfiled.Payment == nil {
		return order.Event{}, false, err
	}
	ev := m.Unfiled.Payment.Event()
	if err := b.Delete(unfiledIndexKey(source, eventID, ev.ReceivedAt)); err != nil {
		return ev, false, err
	}
	for _, pk := range m.Unfiled.ParkedUnder {
		if err := b.Delete(key(pk, store.ParkSK(ev))); err != nil {
			return ev, false, err
		}
	}
	if to := store.OrderPK(target); m.Unfiled.EvidencePK != to {
		from := key(m.Unfiled.EvidencePK, store.EvidenceSK(ev))
		if raw := b.Get(from); raw != nil {
			if err := b.Put(key(to, store.EvidenceSK(ev)), append([]byte(nil), raw...)); err != nil {
				return ev, false, err
			}
			if err := b.Delete(from); err != nil {
				return ev, false, err
			}
		}
	}
	return ev, true, nil
}

// fileUnfiled files the unfiled event (source, eventID) on order target, exactly as if it
// had named that order; ok is false when it is not unfiled.
func fileUnfiled(b KVBucket, source, eventID, target string, now time.Time) (store.Recorded, bool, error) {
	ev, ok, err := unpark(b, source, eventID, target)
	if err != nil || !ok {
		return store.Recorded{}, ok, err
	}
	ev.OrderID = target
	f, cur, err := plan(b, ev)
	if err != nil {
		return store.Recorded{}, true, err
	}
	res, err := file(b, ev, f, cur, store.OrderPK(target), now)
	return res, true, err
}

// drainRef files on order orderID the events parked under reference ref, which the
// caller has just bound to it.
func drainRef(b KVBucket, source, ref, orderID string, now time.Time) error {
	for _, ev := range parkedEvents(b, store.ParkRefPK(source, ref)) {
		if _, _, err := fileUnfiled(b, ev.Source, ev.EventID, orderID, now); err != nil {
			return err
		}
	}
	return nil
}

// parkedEvents lists the events parked in partition pk, by occurred-at.
func parkedEvents(b KVBucket, pk string) []order.Event {
	prefix := key(pk, "")
	var out []order.Event
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var rec store.EventRecord
		if json.Unmarshal(v, &rec) == nil {
			out = append(out, rec.Event())
		}
	}
	return out
}

// apply writes the change ev makes to o, as order.PaymentChange builds it (see
// writeChange); note, when set, is added to the reason on the timeline.
func apply(b KVBucket, o order.Order, ev order.Event, note string, now time.Time) (order.Order, order.Outcome, error) {
	c := order.PaymentChange(o, ev, now)
	c.Entry.Reason = store.WithNote(c.Entry.Reason, note)
	if err := writeChange(b, o.ID, c.Order, c.Changed, &c.Entry, c.Notify, c.BuyerStats...); err != nil {
		return o, c.Outcome, err
	}
	return c.Order, c.Outcome, nil
}

// anyUnder reports whether partition pk holds any item (a read-only look, so that the
// common case of nothing parked costs no commit).
func (s *Store) anyUnder(ctx context.Context, pk string) (bool, error) {
	found := false
	err := s.scan(ctx, key(pk, ""), func([]byte) error { found = true; return errStopScan })
	if err == errStopScan {
		err = nil
	}
	return found, err
}

// ApplyParked implements store.Store: every event parked for the order, in one transaction.
// A read-only look comes first, so that the common case (nothing parked) costs no commit.
func (s *Store) ApplyParked(ctx context.Context, id string, now time.Time) (int, error) {
	const op = "embedded.ApplyParked"
	if parked, err := s.anyUnder(ctx, store.ParkPK(id)); err != nil || !parked {
		return 0, wrap(op, err)
	}
	applied := 0
	err := s.db.Batch(func(tx KVTx) error {
		applied = 0
		b := tx.Table()
		if b.Get(orderKey(id)) == nil {
			return nil // not registered yet: the events keep waiting
		}
		for _, ev := range parkedEvents(b, store.ParkPK(id)) {
			_, ok, err := fileUnfiled(b, ev.Source, ev.EventID, id, now)
			if err != nil {
				return err
			}
			if ok {
				applied++
			}
		}
		return nil
	})
	if err != nil {
		return 0, order.Internal(op, err)
	}
	return applied, nil
}

// AssignEvent implements store.Store in one transaction.
func (s *Store) AssignEvent(ctx context.Context, source, eventID, orderID string, now time.Time) (store.Recorded, error) {
	const op = "embedded.AssignEvent"
	if err := ctx.Err(); err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	var res store.Recorded
	var found bool
	err := s.db.Batch(func(tx KVTx) error {
		res, found = store.Recorded{}, false
		b := tx.Table()
		if b.Get(orderKey(orderID)) == nil {
			return order.Errorf(order.CodeNotFound, op, "order %s not found", orderID)
		}
		var m store.DedupeRecord
		if _, err := read(b, markerKey(source, eventID), &m); err != nil {
			return err
		}
		if m.Unfiled != nil && m.Unfiled.Tracking != nil {
			var err error
			res, err = assignTracking(b, m.Unfiled.Tracking.Event(), orderID, now)
			found = err == nil
			return err
		}
		var err error
		res, found, err = fileUnfiled(b, source, eventID, orderID, now)
		return err
	})
	switch {
	case order.ErrorCode(err) == order.CodeNotFound, order.ErrorCode(err) == order.CodeConflict:
		return store.Recorded{}, err
	case err != nil:
		return store.Recorded{}, order.Internal(op, err)
	case !found:
		return store.Recorded{}, &order.Error{Code: order.CodeNotFound, Op: op, Err: store.ErrNotUnfiled,
			Message: fmt.Sprintf("no unfiled event %s from %s", eventID, source)}
	}
	return res, nil
}

// assignTracking files the unfiled carrier event ev on order id, which must have a parcel
// with its tracking number.
func assignTracking(b KVBucket, ev order.TrackingEvent, id string, now time.Time) (store.Recorded, error) {
	var cur store.OrderRecord
	if _, err := read(b, orderKey(id), &cur); err != nil {
		return store.Recorded{}, err
	}
	if cur.Order().ShipmentFor(ev.TrackingNumber, ev.Carrier) < 0 {
		return store.Recorded{}, &order.Error{Code: order.CodeConflict, Op: "embedded.AssignEvent", Err: store.ErrNoSuchParcel,
			Message: fmt.Sprintf("order %s has no parcel with tracking number %s: register the shipment", id, ev.TrackingNumber)}
	}
	ch, err := fileTracking(b, id, ev, now)
	return store.Recorded{Order: ch.Order, Outcome: ch.Outcome}, err
}

// UnfiledEvents implements store.Store with a range scan of the unfiled-events index.
func (s *Store) UnfiledEvents(ctx context.Context, after string, limit int) ([]store.UnfiledEvent, error) {
	const op = "embedded.UnfiledEvents"
	prefix := key(store.UnfiledIndexPK, "")
	start := key(store.UnfiledIndexPK, after)
	var out []store.UnfiledEvent
	if err := ctx.Err(); err != nil {
		return nil, order.Internal(op, err)
	}
	err := s.db.View(func(tx KVTx) error {
		b := tx.Table()
		c := b.Cursor()
		for k, v := c.Seek(start); k != nil && bytes.HasPrefix(k, prefix) && len(out) < limit; k, v = c.Next() {
			if after != "" && bytes.Equal(k, start) {
				continue
			}
			var m store.DedupeRecord
			if _, err := read(b, v, &m); err != nil {
				return err
			}
			source, eventID, ok := store.ParseUnfiledSK(string(k[len(prefix):]))
			if !ok || m.Unfiled == nil {
				continue
			}
			out = append(out, store.UnfiledEventOf(source, eventID, *m.Unfiled))
		}
		return nil
	})
	return out, wrap(op, err)
}
