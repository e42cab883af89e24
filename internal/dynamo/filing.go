package dynamo

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// RecordEvent implements store.Store. A payment event costs two round trips: one
// consistent BatchGetItem of the order it names (or, for an event that names only payment
// references, the order they are bound to, from the process's binding cache) together with
// its references' records, then one TransactWriteItems whose first item is the conditional
// dedupe marker. An event that names only references not yet in the cache costs one more
// GetItem (of the order they turned out to be bound to). A duplicate writes nothing (the
// transaction is cancelled as a whole).
func (s *Store) RecordEvent(ctx context.Context, ev order.Event, evidence order.Evidence) (store.Recorded, error) {
	const op = "dynamo.RecordEvent"
	for attempt := 0; attempt < maxAttempts; attempt++ {
		f, refs, cur, err := s.plan(ctx, ev, s.bindings.target(ev))
		if err != nil {
			return store.Recorded{}, translate(op, err)
		}
		evidencePK := store.UnfiledEvidencePK(ev.Source, ev.EventID)
		if f.OrderID != "" {
			evidencePK = orderPK(f.OrderID)
		}
		evidenceItems, err := s.evidenceItems(evidencePK, store.EvidenceSK(ev), ev.Source, ev.EventID, ev.ReceivedAt, evidence)
		if err != nil {
			return store.Recorded{}, order.Internal(op, err)
		}
		marker, rest, res, err := s.filingItems(ev, f, refs, cur, evidencePK, ev.ReceivedAt)
		if err != nil {
			return store.Recorded{}, order.Internal(op, err)
		}
		marker.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
		items := append(append([]types.TransactWriteItem{marker}, evidenceItems...), rest...)
		err = s.transact(ctx, items)
		switch {
		case errors.Is(err, errDuplicate):
			return store.Recorded{Duplicate: true}, nil
		case order.ErrorCode(err) == order.CodeConflict:
			continue // the order or a reference changed since it was read
		case err != nil:
			return store.Recorded{}, translate(op, err)
		}
		s.bindings.remember(ev.Source, f.Bind, f.OrderID)
		return res, s.drain(ctx, ev.Source, f.Drain, f.OrderID, ev.ReceivedAt, map[string]bool{ev.Source + "#" + ev.EventID: true})
	}
	return store.Recorded{}, order.Errorf(order.CodeConflict, op, "event %s kept conflicting; try again", ev.EventID)
}

// plan reads, in one consistent BatchGetItem, the records of ev's references and the META
// item of order guess (the order ev names — always, when it names a valid one — or a
// cached guess for one that names only references), then the order the references turned
// out to be bound to if that was not the guess; and hands them to store.PlanFiling.
func (s *Store) plan(ctx context.Context, ev order.Event, guess string) (store.Filing, map[string]store.RefRecord, order.Order, error) {
	keys := []map[string]types.AttributeValue{}
	if guess != "" {
		keys = append(keys, itemKey(orderPK(guess), metaSK))
	}
	for _, r := range store.EventRefs(ev) {
		keys = append(keys, itemKey(store.RefPK(ev.Source, r), store.RefSK))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return store.Filing{}, nil, order.Order{}, err
	}
	refs := map[string]store.RefRecord{}
	var cur order.Order
	found := false
	for _, it := range items {
		switch {
		case str(it["SK"]) == metaSK:
			var rec store.OrderRecord
			if err := unmarshalMap(it, &rec); err != nil {
				return store.Filing{}, nil, order.Order{}, err
			}
			cur, found = rec.Order(), true
		default:
			var rec store.RefRecord
			if err := unmarshalMap(it, &rec); err != nil {
				return store.Filing{}, nil, order.Order{}, err
			}
			refs[rec.Ref] = rec
		}
	}
	namedFound := found && guess == ev.OrderID // the guess is the named order whenever ev names one
	target, _ := store.TargetOrder(ev, refs, namedFound)
	if target != "" && target != guess {
		if cur, found, err = s.readOrder(ctx, target); err != nil {
			return store.Filing{}, nil, order.Order{}, err
		}
	}
	return store.PlanFiling(ev, refs, namedFound, found), refs, cur, nil
}

// batchGet reads keys (at most 100) consistently, following unprocessed keys.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	for len(keys) > 0 {
		res, err := s.api.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			s.table: {Keys: keys, ConsistentRead: aws.Bool(true)}}})
		if err != nil {
			return nil, err
		}
		out = append(out, res.Responses[s.table]...)
		keys = res.UnprocessedKeys[s.table].Keys
	}
	return out, nil
}

func str(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

// filingItems are the writes of f for ev, except its evidence: the dedupe marker (first,
// returned apart so that the caller sets its condition), then the bindings, then either
// the order change or the parked copies.
func (s *Store) filingItems(ev order.Event, f store.Filing, refs map[string]store.RefRecord, cur order.Order, evidencePK string, now time.Time) (types.TransactWriteItem, []types.TransactWriteItem, store.Recorded, error) {
	var items []types.TransactWriteItem
	for _, r := range f.Bind {
		prev, had := refs[r]
		cond, values := "attribute_not_exists(PK)", map[string]types.AttributeValue(nil)
		if had { // unchanged since it was read: still unbound, nothing parked meanwhile
			cond = "attribute_not_exists(order_id) AND attribute_not_exists(parked)"
			if prev.Parked > 0 {
				cond = "attribute_not_exists(order_id) AND parked = :p"
				values = map[string]types.AttributeValue{":p": &types.AttributeValueMemberN{Value: strconv.FormatInt(prev.Parked, 10)}}
			}
		}
		put, err := s.put(refItem{PK: store.RefPK(ev.Source, r), SK: store.RefSK, Type: "payment_ref",
			RefRecord: store.RefRecord{Source: ev.Source, Ref: r, OrderID: f.OrderID, Parked: prev.Parked}}, cond, values)
		if err != nil {
			return types.TransactWriteItem{}, nil, store.Recorded{}, err
		}
		items = append(items, put)
	}
	if f.Unfiled() {
		marker, park, err := s.parkItems(ev, f, evidencePK)
		return marker, append(items, park...), store.Recorded{Parked: true, Outcome: order.Outcome{Reason: f.Detail}}, err
	}
	marker, err := s.put(dedupeItem{PK: store.DedupePK(ev.Source, ev.EventID), SK: store.DedupeSK, Type: "dedupe",
		DedupeRecord: store.FiledMarker(f.OrderID, ev.ReceivedAt)}, "", nil)
	if err != nil {
		return marker, nil, store.Recorded{}, err
	}
	ev.OrderID = f.OrderID
	change, next, out, err := s.applyItems(cur, ev, f.Note, now)
	return marker, append(items, change...), store.Recorded{Order: next, Outcome: out}, err
}

// parkItems are the unfiled marker of ev (no expiry, in the unfiled index), the seller's
// event_unfiled alert and its parked copies, each conditional on the reason it waits still
// holding.
func (s *Store) parkItems(ev order.Event, f store.Filing, evidencePK string) (types.TransactWriteItem, []types.TransactWriteItem, error) {
	rec := store.NewUnfiledPayment(ev, f, evidencePK)
	marker, err := s.put(dedupeItem{PK: store.DedupePK(ev.Source, ev.EventID), SK: store.DedupeSK, Type: "dedupe",
		GSI1PK: store.UnfiledIndexPK, GSI1SK: store.UnfiledSK(ev.Source, ev.EventID, ev.ReceivedAt),
		DedupeRecord: store.DedupeRecord{OrderID: f.OrderID, Unfiled: &rec}}, "", nil)
	if err != nil {
		return marker, nil, err
	}
	// The seller's event_unfiled alert: written once, as the marker's condition (absent)
	// makes the whole write happen once.
	alert, err := s.put(newOutboxItem(rec.Alert()), "", nil)
	if err != nil {
		return marker, nil, err
	}
	items := []types.TransactWriteItem{alert}
	for _, pk := range rec.ParkedUnder {
		put, err := s.put(newParkItem(pk, ev), "", nil)
		if err != nil {
			return marker, nil, err
		}
		items = append(items, put)
	}
	if f.Why == store.WhyOrderNotRegistered { // park only while the order is still absent
		items = append(items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: itemKey(orderPK(f.OrderID), metaSK),
			ConditionExpression: aws.String("attribute_not_exists(PK)"),
		}})
	}
	for _, r := range f.ParkRefs { // park only while the reference is still unbound
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: itemKey(store.RefPK(ev.Source, r), store.RefSK),
			UpdateExpression:         aws.String("SET parked = if_not_exists(parked, :zero) + :one, #src = :src, #ref = :ref, item_type = :type"),
			ConditionExpression:      aws.String("attribute_not_exists(order_id)"),
			ExpressionAttributeNames: map[string]string{"#src": "source", "#ref": "ref"},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":zero": &types.AttributeValueMemberN{Value: "0"}, ":one": &types.AttributeValueMemberN{Value: "1"},
				":src": &types.AttributeValueMemberS{Value: ev.Source}, ":ref": &types.AttributeValueMemberS{Value: r},
				":type": &types.AttributeValueMemberS{Value: "payment_ref"},
			},
		}})
	}
	return marker, items, nil
}

// dedupePut is the dedupe marker of a carrier event (see RecordTrackingEvent).
func (s *Store) dedupePut(ev order.Event) (types.TransactWriteItem, error) {
	item, err := marshalMap(dedupeItem{
		PK: store.DedupePK(ev.Source, ev.EventID), SK: store.DedupeSK, Type: "dedupe",
		DedupeRecord: store.FiledMarker(ev.OrderID, ev.ReceivedAt),
	})
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.table, Item: item, ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}, err
}
