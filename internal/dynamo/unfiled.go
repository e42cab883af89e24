package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// fileUnfiled files the unfiled event (source, eventID) on order target, as if it had named
// it: the marker becomes a filed one (only if still unfiled: that makes filing happen
// once, whichever of its parked copies is found first), the copies go, the evidence moves
// to the order, and the order changes. ok is false when the event is not unfiled.
//
// seen holds the events filed earlier in the same chain of drains (nil for none): an
// event is filed at most once per chain, whatever a drain's Query still shows.
func (s *Store) fileUnfiled(ctx context.Context, source, eventID, target string, now time.Time, seen map[string]bool) (store.Recorded, bool, error) {
	if seen == nil {
		seen = map[string]bool{}
	}
	if seen[source+"#"+eventID] {
		return store.Recorded{}, false, nil
	}
	seen[source+"#"+eventID] = true
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var m dedupeItem
		err := s.get(ctx, "dynamo.fileUnfiled", store.DedupePK(source, eventID), store.DedupeSK, &m)
		if order.ErrorCode(err) == order.CodeNotFound || (err == nil && (m.Unfiled == nil || m.Unfiled.Payment == nil)) {
			return store.Recorded{}, false, nil
		}
		if err != nil {
			return store.Recorded{}, false, err
		}
		ev := m.Unfiled.Payment.Event()
		ev.OrderID = target
		f, refs, cur, err := s.plan(ctx, ev, target)
		if err != nil {
			return store.Recorded{}, true, err
		}
		var items []types.TransactWriteItem
		for _, pk := range m.Unfiled.ParkedUnder {
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: itemKey(pk, store.ParkSK(ev))}})
		}
		moved, err := s.moveEvidence(ctx, m.Unfiled.EvidencePK, orderPK(target), store.EvidenceSK(ev))
		if err != nil {
			return store.Recorded{}, true, err
		}
		marker, rest, res, err := s.filingItems(ev, f, refs, cur, orderPK(target), now)
		if err != nil {
			return store.Recorded{}, true, err
		}
		marker.Put.ConditionExpression = aws.String("attribute_exists(unfiled)")
		err = s.transact(ctx, append(append(append([]types.TransactWriteItem{marker}, items...), moved...), rest...))
		switch {
		case errors.Is(err, errDuplicate):
			return store.Recorded{}, false, nil // filed by someone else meanwhile
		case order.ErrorCode(err) == order.CodeConflict:
			continue
		case err != nil:
			return store.Recorded{}, true, err
		}
		s.bindings.remember(ev.Source, f.Bind, f.OrderID)
		return res, true, s.drain(ctx, ev.Source, f.Drain, f.OrderID, now, seen)
	}
	return store.Recorded{}, true, order.Errorf(order.CodeConflict, "dynamo.fileUnfiled", "event %s kept conflicting; try again", eventID)
}

// moveEvidence returns the writes that move one webhook's evidence parts (sort keys
// sk#NNN) from partition from to partition to; none when they are the same.
func (s *Store) moveEvidence(ctx context.Context, from, to, sk string) ([]types.TransactWriteItem, error) {
	if from == to || from == "" {
		return nil, nil
	}
	var parts []evidenceItem
	if err := s.queryAll(ctx, from, sk+"#", &parts); err != nil {
		return nil, err
	}
	var items []types.TransactWriteItem
	for _, p := range parts {
		oldKey := itemKey(p.PK, p.SK)
		p.PK = to
		put, err := s.put(p, "", nil)
		if err != nil {
			return nil, err
		}
		items = append(items, put, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: oldKey}})
	}
	return items, nil
}

// drain files on order orderID the events parked under the references refs of source,
// which the caller has just bound to it.
func (s *Store) drain(ctx context.Context, source string, refs []string, orderID string, now time.Time, seen map[string]bool) error {
	for _, r := range refs {
		var parked []parkItem
		if err := s.queryAll(ctx, store.ParkRefPK(source, r), "", &parked); err != nil {
			return translate("dynamo.drain", err)
		}
		for _, p := range parked {
			if _, _, err := s.fileUnfiled(ctx, p.Source, p.EventID, orderID, now, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// ApplyParked implements store.Store: one consistent Query of the parking, then per event
// the filing of fileUnfiled.
func (s *Store) ApplyParked(ctx context.Context, id string, now time.Time) (int, error) {
	const op = "dynamo.ApplyParked"
	var parked []parkItem
	if err := s.queryAll(ctx, store.ParkPK(id), "", &parked); err != nil {
		return 0, translate(op, err)
	}
	if len(parked) == 0 {
		return 0, nil
	}
	if _, found, err := s.readOrder(ctx, id); err != nil || !found {
		return 0, translate(op, err) // not registered yet: the events keep waiting
	}
	applied := 0
	for _, p := range parked {
		_, ok, err := s.fileUnfiled(ctx, p.Source, p.EventID, id, now, nil)
		if err != nil {
			return applied, translate(op, err)
		}
		if ok {
			applied++
		}
	}
	return applied, nil
}

// AssignEvent implements store.Store.
func (s *Store) AssignEvent(ctx context.Context, source, eventID, orderID string, now time.Time) (store.Recorded, error) {
	const op = "dynamo.AssignEvent"
	if _, found, err := s.readOrder(ctx, orderID); err != nil || !found {
		if err == nil {
			err = order.Errorf(order.CodeNotFound, op, "order %s not found", orderID)
		}
		return store.Recorded{}, err
	}
	var m dedupeItem
	if err := s.get(ctx, op, store.DedupePK(source, eventID), store.DedupeSK, &m); err == nil && m.Unfiled != nil && m.Unfiled.Tracking != nil {
		res, err := s.assignTracking(ctx, m.Unfiled.Tracking.Event(), orderID, now)
		if c := order.ErrorCode(err); c == order.CodeConflict || c == order.CodeNotFound {
			return store.Recorded{}, err
		}
		return res, translate(op, err)
	}
	res, ok, err := s.fileUnfiled(ctx, source, eventID, orderID, now, nil)
	if err != nil {
		return store.Recorded{}, translate(op, err)
	}
	if !ok {
		return store.Recorded{}, &order.Error{Code: order.CodeNotFound, Op: op, Err: store.ErrNotUnfiled,
			Message: "no unfiled event " + eventID + " from " + source}
	}
	return res, nil
}

// UnfiledEvents implements store.Store with one Query of GSI1 partition UNFILED (an index
// read: an event unfiled a moment ago may show up a moment later).
func (s *Store) UnfiledEvents(ctx context.Context, after string, limit int) ([]store.UnfiledEvent, error) {
	const op = "dynamo.UnfiledEvents"
	in := &dynamodb.QueryInput{
		TableName: &s.table, IndexName: aws.String("GSI1"),
		KeyConditionExpression: aws.String("GSI1PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: store.UnfiledIndexPK}},
		Limit: aws.Int32(int32(limit)),
	}
	if after != "" {
		in.KeyConditionExpression = aws.String("GSI1PK = :pk AND GSI1SK > :after")
		in.ExpressionAttributeValues[":after"] = &types.AttributeValueMemberS{Value: after}
	}
	out, err := s.api.Query(ctx, in)
	if err != nil {
		return nil, translate(op, err)
	}
	var items []dedupeItem
	if err := unmarshalListOfMaps(out.Items, &items); err != nil {
		return nil, order.Internal(op, err)
	}
	list := make([]store.UnfiledEvent, 0, len(items))
	for _, it := range items {
		source, eventID, ok := store.ParseUnfiledSK(it.GSI1SK)
		if ok && it.Unfiled != nil {
			list = append(list, store.UnfiledEventOf(source, eventID, *it.Unfiled))
		}
	}
	return list, nil
}
