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

// maxAttempts bounds the read-apply-write loop when concurrent writers keep changing the order.
const maxAttempts = 8

// errDuplicate reports that the dedupe marker already existed.
var errDuplicate = errors.New("duplicate event")

// applyItems are the writes of the change ev makes to cur, as order.PaymentChange builds it
// (see changeItems); note, when set, is added to the reason on the timeline.
func (s *Store) applyItems(cur order.Order, ev order.Event, note string, now time.Time) ([]types.TransactWriteItem, order.Order, order.Outcome, error) {
	c := order.PaymentChange(cur, ev, now)
	c.Entry.Reason = store.WithNote(c.Entry.Reason, note)
	items, err := s.changeItems(cur, c.Order, c.Changed, &c.Entry, c.Notify, c.BuyerStats...)
	return items, c.Order, c.Outcome, err
}

// changeItems are the writes of one change to order cur: its timeline entry (if any), then
// either the changed order next (conditioned on cur's version) with its outbox rows and the
// buyer's counters (one update), or, when nothing changed, a check that the order is still
// cur's version (the "not applied" decision was made on it).
func (s *Store) changeItems(cur, next order.Order, changed bool, entry *order.TimelineEntry, notes []order.Notification, stats ...string) ([]types.TransactWriteItem, error) {
	var items []types.TransactWriteItem
	if entry != nil {
		put, err := s.put(struct {
			keyed
			store.TimelineRecord
		}{keyed{orderPK(cur.ID), store.TimelineEntrySK(*entry), "timeline"}, store.EntryRecord(cur.ID, *entry)}, "", nil)
		if err != nil {
			return nil, err
		}
		items = append(items, put)
	}
	version := map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(cur.Version, 10)}}
	if !changed {
		return append(items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.table, Key: itemKey(orderPK(cur.ID), metaSK),
			ConditionExpression: aws.String("version = :v"), ExpressionAttributeValues: version,
		}}), nil
	}
	orderPut, err := s.put(newOrderItem(next), "version = :v", version)
	if err != nil {
		return nil, err
	}
	items = append(items, orderPut)
	for _, n := range notes {
		row, err := s.put(newOutboxItem(n), "", nil)
		if err != nil {
			return nil, err
		}
		items = append(items, row)
	}
	if update, ok := s.buyerStatUpdate(next.BuyerID, stats...); ok {
		items = append(items, update)
	}
	return items, nil
}

// transact runs one transaction. A failed condition on the FIRST item (the dedupe marker or
// the parked item) is errDuplicate; any other failed condition or a collision with another
// transaction is a conflict; anything else is returned as is.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) error {
	err := s.transactRetained(ctx, items)
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && len(canceled.CancellationReasons) > 0 &&
		aws.ToString(canceled.CancellationReasons[0].Code) == "ConditionalCheckFailed" {
		return errDuplicate
	}
	return translate("dynamo.transact", err)
}

// readOrder is a consistent GetItem of the order; found is false when it does not exist.
func (s *Store) readOrder(ctx context.Context, id string) (order.Order, bool, error) {
	o, err := s.GetOrder(ctx, id)
	if order.ErrorCode(err) == order.CodeNotFound {
		return order.Order{}, false, nil
	}
	return o, err == nil, err
}

// queryAll reads every item of partition pk whose sort key starts with prefix, strongly
// consistent, in sort-key order, following pagination.
func (s *Store) queryAll(ctx context.Context, pk, prefix string, into any) error {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		ConsistentRead:            aws.Bool(true),
	}
	if prefix != "" {
		in.KeyConditionExpression = aws.String("PK = :pk AND begins_with(SK, :prefix)")
		in.ExpressionAttributeValues[":prefix"] = &types.AttributeValueMemberS{Value: prefix}
	}
	var all []map[string]types.AttributeValue
	p := dynamodb.NewQueryPaginator(s.api, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		all = append(all, page.Items...)
	}
	return unmarshalListOfMaps(all, into)
}

// Timeline implements store.Store.
func (s *Store) Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error) {
	var items []store.TimelineRecord
	if err := s.queryAll(ctx, orderPK(id), store.TimelinePrefix, &items); err != nil {
		return nil, translate("dynamo.Timeline", err)
	}
	out := make([]order.TimelineEntry, 0, len(items))
	for _, it := range items {
		out = append(out, it.Entry())
	}
	return out, nil
}

// Notifications implements store.Store.
func (s *Store) Notifications(ctx context.Context, id string) ([]order.Notification, error) {
	var items []store.NotificationRecord
	if err := s.queryAll(ctx, orderPK(id), store.OutboxPrefix, &items); err != nil {
		return nil, translate("dynamo.Notifications", err)
	}
	out := make([]order.Notification, 0, len(items))
	for _, it := range items {
		out = append(out, it.Notification())
	}
	return out, nil
}
