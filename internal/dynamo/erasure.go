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

// The buyer's order index is one base-table item per order in the buyer's partition
// (BUYER#<id> / ORDER#<order id>), put by SaveOrder in its transaction, so that it is read
// with consistent Queries. The erasure primitives (store.ErasureSteps) below are single
// conditional writes or transactions of deletes, each idempotent.

type buyerOrderItem struct {
	keyed
	store.BuyerOrderRecord
}

type holdItem struct {
	keyed
	store.HoldRecord
}

// BuyerOrders implements store.Store with a consistent Query of the buyer's index items.
func (s *Store) BuyerOrders(ctx context.Context, buyerID, after string, limit int) ([]string, error) {
	return erasureSteps{s}.ErasureIndex(ctx, buyerID, store.BuyerOrderPrefix, after, limit)
}

// EraseBuyer implements store.Store (store.RunErasure over this store's primitives).
func (s *Store) EraseBuyer(ctx context.Context, buyerID string, now time.Time, window time.Duration, batch int) (store.Erasure, error) {
	return store.RunErasure(ctx, erasureSteps{s}, buyerID, now, window, batch)
}

// erasureSteps are the DynamoDB store's store.ErasureSteps.
type erasureSteps struct{ *Store }

func (s erasureSteps) BeginErasure(ctx context.Context, buyerID string, now time.Time) (order.Buyer, bool, error) {
	const op = "dynamo.BeginErasure"
	out, err := s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           &s.table,
		Key:                 itemKey(buyerPK(buyerID), profileSK),
		UpdateExpression:    aws.String("SET erasing_since = if_not_exists(erasing_since, :now)"),
		ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339Nano)}},
		ReturnValues: types.ReturnValueAllNew,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return order.Buyer{}, false, nil
	}
	if err != nil {
		return order.Buyer{}, false, translate(op, err)
	}
	var rec store.BuyerRecord
	if err := unmarshalMap(out.Attributes, &rec); err != nil {
		return order.Buyer{}, false, order.Internal(op, err)
	}
	return rec.Buyer(), true, nil
}

func (s erasureSteps) ErasureIndex(ctx context.Context, buyerID, prefix, after string, limit int) ([]string, error) {
	const op = "dynamo.ErasureIndex"
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: buyerPK(buyerID)}, ":prefix": &types.AttributeValueMemberS{Value: prefix}},
		ConsistentRead:       aws.Bool(true),
		ProjectionExpression: aws.String("SK"),
	}
	if after != "" {
		in.ExclusiveStartKey = itemKey(buyerPK(buyerID), prefix+after)
	}
	var ids []string
	for len(ids) < limit {
		in.Limit = aws.Int32(int32(limit - len(ids)))
		out, err := s.api.Query(ctx, in)
		if err != nil {
			return nil, translate(op, err)
		}
		for _, it := range out.Items {
			if sk, ok := it["SK"].(*types.AttributeValueMemberS); ok {
				ids = append(ids, sk.Value[len(prefix):])
			}
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	return ids, nil
}

var errNotPending = errors.New("not pending")

func (s erasureSteps) SkipRow(ctx context.Context, ref order.NotificationRef, now time.Time) (bool, error) {
	for try := 0; ; try++ {
		err := s.transitionNotification(ctx, "dynamo.SkipRow", ref, func(cur order.Notification) (order.Notification, error) {
			if cur.Status != order.NotificationPending {
				return cur, errNotPending
			}
			cur.Status, cur.Reason, cur.UpdatedAt = order.NotificationSkipped, store.ErasedReason, now.UTC()
			return cur, nil
		})
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, errNotPending), order.ErrorCode(err) == order.CodeNotFound:
			return false, nil
		case order.ErrorCode(err) == order.CodeConflict && try < 5:
			continue // a notifier moved the row meanwhile: look again
		}
		return false, err
	}
}

func (s erasureSteps) DeleteEvidence(ctx context.Context, pk string, match func(store.StoredEvidence) bool) (int, error) {
	const op = "dynamo.DeleteEvidence"
	p := dynamodb.NewQueryPaginator(s.api, &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :prefix)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk}, ":prefix": &types.AttributeValueMemberS{Value: store.EvidencePrefix}},
		ConsistentRead: aws.Bool(true),
		Limit:          aws.Int32(eachEvidencePage),
	})
	var parts []evidenceItem // the parts read so far of the current webhook
	var doomed []string
	deleted := 0
	flush := func(all bool) error {
		for len(doomed) >= 100 || all && len(doomed) > 0 {
			n := min(100, len(doomed))
			if err := s.deleteKeys(ctx, pk, doomed[:n]); err != nil {
				return err
			}
			doomed = doomed[n:]
		}
		return nil
	}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return deleted, translate(op, err)
		}
		var items []evidenceItem
		if err := unmarshalListOfMaps(page.Items, &items); err != nil {
			return deleted, order.Internal(op, err)
		}
		for _, it := range items {
			parts = append(parts, it)
			if len(parts) < parts[0].Parts {
				continue
			}
			got, err := assemble(parts)
			if err != nil {
				return deleted, order.Internal(op, err)
			}
			if len(got) == 1 && match(got[0]) {
				for _, part := range parts {
					doomed = append(doomed, part.SK)
				}
				deleted++
			}
			parts = nil
		}
		if err := flush(false); err != nil {
			return deleted, err
		}
	}
	return deleted, flush(true)
}

// deleteKeys deletes the items (pk, sk) for each of sks (at most 100) in one transaction.
func (s erasureSteps) deleteKeys(ctx context.Context, pk string, sks []string) error {
	items := make([]types.TransactWriteItem, len(sks))
	for i, sk := range sks {
		items[i] = types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table, Key: itemKey(pk, sk)}}
	}
	_, err := s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return translate("dynamo.deleteKeys", err)
}

func (s erasureSteps) UnfiledEvidencePK(ctx context.Context, source, eventID string) (string, bool, error) {
	var m store.DedupeRecord
	err := s.get(ctx, "dynamo.UnfiledEvidencePK", store.DedupePK(source, eventID), store.DedupeSK, &m)
	if order.ErrorCode(err) == order.CodeNotFound {
		return "", false, nil
	}
	if err != nil || m.Unfiled == nil {
		return "", false, err
	}
	return m.Unfiled.EvidencePK, true, nil
}

func (s erasureSteps) DropHold(ctx context.Context, buyerID, orderID string) error {
	_, err := s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: &s.table, Key: itemKey(buyerPK(buyerID), store.BuyerHoldSK(orderID))}},
		{Delete: &types.Delete{TableName: &s.table, Key: itemKey(orderPK(orderID), store.EvidenceHoldSK)}},
	}})
	return translate("dynamo.DropHold", err)
}

func (s erasureSteps) DropBuyerOrder(ctx context.Context, buyerID, orderID string) error {
	return s.deleteKeys(ctx, buyerPK(buyerID), []string{store.BuyerOrderSK(orderID)})
}

func (s erasureSteps) FinishErasure(ctx context.Context, buyerID string) error {
	return s.deleteKeys(ctx, buyerPK(buyerID), []string{profileSK})
}
