package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// keyed is a shared record stored under a key of the table.
type keyed struct {
	PK   string `dynamodbav:"PK"`
	SK   string `dynamodbav:"SK"`
	Type string `dynamodbav:"item_type"`
}

type claimItem struct {
	keyed
	store.ClaimRecord
}

type parkedTrackingItem struct {
	keyed
	store.TrackingEventRecord
}

func (s *Store) put(item any, condition string, values map[string]types.AttributeValue) (types.TransactWriteItem, error) {
	av, err := marshalMap(item)
	put := &types.Put{TableName: &s.table, Item: av}
	if condition != "" {
		put.ConditionExpression, put.ExpressionAttributeValues = aws.String(condition), values
	}
	return types.TransactWriteItem{Put: put}, err
}

// AddShipment implements store.Store in one TransactWriteItems: the order (version
// condition), the claim (absent, or already this order's), the claimed marker, the timeline
// entry and the outbox rows.
func (s *Store) AddShipment(ctx context.Context, ch order.ShipmentChange) error {
	const op = "dynamo.AddShipment"
	o, sh := ch.Order, ch.Shipment
	orderPut, err := s.put(newOrderItem(o), "version = :prev", map[string]types.AttributeValue{
		":prev": &types.AttributeValueMemberN{Value: strconv.FormatInt(o.Version-1, 10)}})
	if err != nil {
		return order.Internal(op, err)
	}
	claim, err := s.put(claimItem{keyed{store.TrackPK(sh.TrackingNumber), store.ClaimSK(sh.Carrier), "tracking_claim"},
		store.ClaimRecord{OrderID: o.ID, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber}},
		"attribute_not_exists(PK) OR order_id = :oid", map[string]types.AttributeValue{":oid": &types.AttributeValueMemberS{Value: o.ID}})
	if err != nil {
		return order.Internal(op, err)
	}
	marker := s.claimedMarker(sh.TrackingNumber, sh.Carrier)
	entry, err := s.put(struct {
		keyed
		store.TimelineRecord
	}{keyed{orderPK(o.ID), store.TimelineEntrySK(ch.Entry), "timeline"}, store.EntryRecord(o.ID, ch.Entry)}, "", nil)
	if err != nil {
		return order.Internal(op, err)
	}
	items := []types.TransactWriteItem{orderPut, claim, marker, entry}
	for _, n := range ch.Notify {
		row, err := s.put(newOutboxItem(n), "", nil)
		if err != nil {
			return order.Internal(op, err)
		}
		items = append(items, row)
	}
	err = s.transactRetained(ctx, items)
	s.claims.forget(sh.TrackingNumber) // this process knows they changed
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && len(canceled.CancellationReasons) > 1 &&
		aws.ToString(canceled.CancellationReasons[1].Code) == "ConditionalCheckFailed" {
		return &order.Error{Code: order.CodeConflict, Op: op, Err: store.ErrTrackingTaken,
			Message: fmt.Sprintf("%s %s is registered to another order", sh.Carrier, sh.TrackingNumber)}
	}
	return translate(op, err)
}

// RecordTrackingEvent implements store.Store: the tracking number's claims (a consistent
// Query, unless this process remembers them: claimcache.go), then either a GetItem of the
// order order.FileTracking picks and one transaction persisting order.NewTrackingChange
// (three round trips, two with the claims remembered), or one transaction parking the event
// with FileTracking's reason (two, one). Parking is conditional on no claim having appeared
// that would file the event (none at all, or one with the event's carrier), so an event
// racing a registration is parked before it or filed after it, never left behind; with
// remembered claims the transaction also proves they are still all there are when the
// filing depends on it, and a failed proof forgets them and starts again from the Query.
func (s *Store) RecordTrackingEvent(ctx context.Context, ev order.TrackingEvent, evidence order.Evidence) (store.Recorded, error) {
	const op = "dynamo.RecordTrackingEvent"
	evidenceItems, err := s.evidenceItems(store.TrackPK(ev.TrackingNumber), store.TrackingEvidenceSK(ev), ev.Source, ev.EventID, ev.ReceivedAt, evidence)
	if err != nil {
		return store.Recorded{}, order.Internal(op, err)
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		claims, cached, err := s.claimsOf(ctx, ev.TrackingNumber)
		if err != nil {
			return store.Recorded{}, translate(op, err)
		}
		var items []types.TransactWriteItem
		var res store.Recorded
		if id, unfiled := order.FileTracking(ev, store.Claims(claims)); id == "" {
			parkItems, err := s.parkTrackingItems(ev, unfiled, len(claims))
			if err != nil {
				return store.Recorded{}, order.Internal(op, err)
			}
			items = append(parkItems[:1:1], append(evidenceItems, parkItems[1:]...)...) // the marker first
			res.Parked, res.Outcome.Reason = true, unfiled
		} else {
			dedupe, err := s.dedupePut(order.Event{Source: store.TrackingDedupeSource(ev.Source), EventID: ev.EventID,
				OrderID: id, ReceivedAt: ev.ReceivedAt})
			if err != nil {
				return store.Recorded{}, order.Internal(op, err)
			}
			applyItems, ch, err := s.trackingItems(ctx, id, ev, ev.ReceivedAt)
			if err != nil {
				return store.Recorded{}, translate(op, err)
			}
			items = append(append([]types.TransactWriteItem{dedupe}, evidenceItems...), applyItems...)
			res.Order, res.Outcome = ch.Order, ch.Outcome
		}
		if guard, ok := s.claimsGuard(ev, claims); cached && ok {
			items = append(items, guard)
		}
		err = s.transact(ctx, items)
		switch {
		case errors.Is(err, errDuplicate):
			return store.Recorded{Duplicate: true}, nil
		case order.ErrorCode(err) == order.CodeConflict:
			s.claims.forget(ev.TrackingNumber)
			continue
		case err != nil:
			return store.Recorded{}, translate(op, err)
		}
		return res, nil
	}
	return store.Recorded{}, order.Errorf(order.CodeConflict, op, "tracking number %s kept changing; try again", ev.TrackingNumber)
}

// parkTrackingItems parks ev under its tracking number with the reason, on the condition
// that no claim that would file it has appeared since the claims (claims of them) were read:
// with none, the number's claimed marker must still be absent; with several, the claim of
// the event's carrier must be.
//
// The first item is the event's unfiled marker (no expiry, in the unfiled index), on the
// condition that it does not exist yet (a duplicate); the seller's event_unfiled alert is
// among the others.
func (s *Store) parkTrackingItems(ev order.TrackingEvent, reason string, claims int) ([]types.TransactWriteItem, error) {
	u := store.NewUnfiledTracking(ev, reason, claims)
	marker, err := s.unfiledTrackingMarker(ev, u, "attribute_not_exists(PK)")
	if err != nil {
		return nil, err
	}
	park, err := s.put(parkedTrackingItem{keyed{store.ParkTrackPK(ev.TrackingNumber), store.ParkTrackingSK(ev), "parked_tracking"}, *u.Tracking}, "", nil)
	if err != nil {
		return nil, err
	}
	alert, err := s.put(newOutboxItem(u.Alert()), "", nil) // once: the marker must be absent
	if err != nil {
		return nil, err
	}
	guard := store.ClaimedSK
	if claims > 0 {
		guard = store.ClaimSK(ev.Carrier)
	}
	return []types.TransactWriteItem{marker, park, alert, {ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: itemKey(store.TrackPK(ev.TrackingNumber), guard),
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}}, nil
}

// unfiledTrackingMarker is the Put of carrier event ev's unfiled marker, under condition.
func (s *Store) unfiledTrackingMarker(ev order.TrackingEvent, u store.UnfiledRecord, condition string) (types.TransactWriteItem, error) {
	source := store.TrackingDedupeSource(ev.Source)
	return s.put(dedupeItem{PK: store.TrackingMarkerPK(ev), SK: store.DedupeSK, Type: "dedupe",
		GSI1PK: store.UnfiledIndexPK, GSI1SK: store.UnfiledSK(source, ev.EventID, ev.ReceivedAt),
		DedupeRecord: store.DedupeRecord{Unfiled: &u}}, condition, nil)
}

// filedTrackingItems are the writes that file parked carrier event ev on order id: the
// parked copy deleted (first: only if still there, so a parked event is filed once), its
// marker filed (out of the unfiled index), and the change.
func (s *Store) filedTrackingItems(ctx context.Context, id string, ev order.TrackingEvent, now time.Time) ([]types.TransactWriteItem, order.TrackingChange, error) {
	unpark := types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table,
		Key: itemKey(store.ParkTrackPK(ev.TrackingNumber), store.ParkTrackingSK(ev)), ConditionExpression: aws.String("attribute_exists(PK)")}}
	marker, err := s.put(dedupeItem{PK: store.TrackingMarkerPK(ev), SK: store.DedupeSK, Type: "dedupe",
		DedupeRecord: store.FiledMarker(id, ev.ReceivedAt)}, "", nil)
	if err != nil {
		return nil, order.TrackingChange{}, err
	}
	items, ch, err := s.trackingItems(ctx, id, ev, now)
	return append([]types.TransactWriteItem{unpark, marker}, items...), ch, err
}

// trackingItems reads order id and returns the writes that persist order.NewTrackingChange
// of ev on it (as applyItems does for payment events).
func (s *Store) trackingItems(ctx context.Context, id string, ev order.TrackingEvent, now time.Time) ([]types.TransactWriteItem, order.TrackingChange, error) {
	cur, found, err := s.readOrder(ctx, id)
	if err != nil || !found {
		return nil, order.TrackingChange{}, errors.Join(err, fmt.Errorf("order %s of a tracking claim is missing", id))
	}
	ch := order.NewTrackingChange(cur, ev, now)
	items, err := s.changeItems(cur, ch.Order, ch.Changed, &ch.Entry, ch.Notify, ch.Outcome.BuyerStat)
	return items, ch, err
}

// ApplyParkedTracking implements store.Store: one consistent Query of the parking and one
// of the claims, then per parked event order.FileTracking decides: a filed event is applied
// in a transaction that also deletes it (only if still there); an unfiled one stays parked,
// its reason brought up to date when the claims changed it (one conditional update).
func (s *Store) ApplyParkedTracking(ctx context.Context, number string, now time.Time) (int, error) {
	const op = "dynamo.ApplyParkedTracking"
	var parked []parkedTrackingItem
	if err := s.queryAll(ctx, store.ParkTrackPK(number), "", &parked); err != nil {
		return 0, translate(op, err)
	}
	if len(parked) == 0 {
		return 0, nil
	}
	var claims []store.ClaimRecord
	if err := s.queryAll(ctx, store.TrackPK(number), store.ClaimPrefix, &claims); err != nil {
		return 0, translate(op, err)
	}
	applied := 0
	for _, p := range parked {
		ev := p.Event()
		id, unfiled := order.FileTracking(ev, store.Claims(claims))
		if id == "" {
			if err := s.setParkedReason(ctx, p, unfiled, len(claims)); err != nil {
				return applied, translate(op, err)
			}
			continue
		}
		done, err := s.retryTransact(ctx, func() ([]types.TransactWriteItem, error) {
			items, _, err := s.filedTrackingItems(ctx, id, ev, now)
			return items, err
		})
		if err != nil {
			return applied, translate(op, err)
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

// setParkedReason records why parked event p is still unfiled, if that changed; a parking
// someone else has filed meanwhile is left alone.
//
// The parked copy and the event's unfiled marker change together, each only if still there.
func (s *Store) setParkedReason(ctx context.Context, p parkedTrackingItem, reason string, claims int) error {
	if p.Reason == reason {
		return nil
	}
	ev := p.Event()
	u := store.NewUnfiledTracking(ev, reason, claims)
	marker, err := s.unfiledTrackingMarker(ev, u, "attribute_exists(unfiled)")
	if err != nil {
		return err
	}
	err = s.transact(ctx, []types.TransactWriteItem{{Update: &types.Update{TableName: &s.table, Key: itemKey(p.PK, p.SK),
		UpdateExpression:          aws.String("SET reason = :r"),
		ConditionExpression:       aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":r": &types.AttributeValueMemberS{Value: reason}}}}, marker})
	if errors.Is(err, errDuplicate) || order.ErrorCode(err) == order.CodeConflict {
		return nil // filed by someone else meanwhile
	}
	return err
}

// assignTracking files the unfiled carrier event ev on order id, which must have a parcel
// with its tracking number.
func (s *Store) assignTracking(ctx context.Context, ev order.TrackingEvent, id string, now time.Time) (store.Recorded, error) {
	const op = "dynamo.AssignEvent"
	cur, _, err := s.readOrder(ctx, id)
	if err != nil {
		return store.Recorded{}, err
	}
	if cur.ShipmentFor(ev.TrackingNumber, ev.Carrier) < 0 {
		return store.Recorded{}, &order.Error{Code: order.CodeConflict, Op: op, Err: store.ErrNoSuchParcel,
			Message: fmt.Sprintf("order %s has no parcel with tracking number %s: register the shipment", id, ev.TrackingNumber)}
	}
	var res store.Recorded
	done, err := s.retryTransact(ctx, func() ([]types.TransactWriteItem, error) {
		items, ch, err := s.filedTrackingItems(ctx, id, ev, now)
		res = store.Recorded{Order: ch.Order, Outcome: ch.Outcome}
		return items, err
	})
	if err == nil && !done {
		err = &order.Error{Code: order.CodeNotFound, Op: op, Err: store.ErrNotUnfiled, Message: "the event was filed meanwhile"}
	}
	return res, err
}

// retryTransact builds and runs a transaction until it commits (true), its first item's
// condition fails (false: someone else did the work), or the attempts run out.
func (s *Store) retryTransact(ctx context.Context, build func() ([]types.TransactWriteItem, error)) (bool, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		items, err := build()
		if err != nil {
			return false, err
		}
		err = s.transact(ctx, items)
		switch {
		case errors.Is(err, errDuplicate):
			return false, nil
		case order.ErrorCode(err) == order.CodeConflict:
			continue
		}
		return err == nil, err
	}
	return false, order.Errorf(order.CodeConflict, "dynamo.retryTransact", "kept conflicting; try again")
}
