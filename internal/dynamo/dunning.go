package dynamo

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// DueIndex is the sparse GSI of orders awaiting payment, keyed DUE#<shard> / <time>#<id>.
const DueIndex = "GSI2"

// DueOrders implements store.Store: one Query per shard of the due index for keys up to
// now, reading only due items (the index projects whole orders, so no GetItem follows).
func (s *Store) DueOrders(ctx context.Context, now time.Time, limit int) ([]order.Order, error) {
	const op = "dynamo.DueOrders"
	var out []order.Order
	upTo := store.SortableTime(now) + "#\xff"
	for shard := 0; shard < store.DueShards && len(out) < limit; shard++ {
		in := &dynamodb.QueryInput{
			TableName:              &s.table,
			IndexName:              aws.String(DueIndex),
			KeyConditionExpression: aws.String("GSI2PK = :pk AND GSI2SK <= :upto"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":   &types.AttributeValueMemberS{Value: "DUE#" + strconv.Itoa(shard)},
				":upto": &types.AttributeValueMemberS{Value: upTo},
			},
			Limit:                  aws.Int32(int32(limit - len(out))),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		}
		for {
			page, err := s.api.Query(ctx, in)
			if err != nil {
				return nil, translate(op, err)
			}
			var recs []store.OrderRecord
			if err := attributevalue.UnmarshalListOfMaps(page.Items, &recs); err != nil {
				return nil, order.Internal(op, err)
			}
			for _, r := range recs {
				out = append(out, r.Order())
			}
			if page.LastEvaluatedKey == nil || len(out) >= limit {
				break
			}
			in.ExclusiveStartKey = page.LastEvaluatedKey
			in.Limit = aws.Int32(int32(limit - len(out)))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NextActionAt.Before(out[j].NextActionAt) })
	return out, nil
}

// ApplyDunning implements store.Store in one TransactWriteItems.
func (s *Store) ApplyDunning(ctx context.Context, ch order.DunningChange) error {
	const op = "dynamo.ApplyDunning"
	prev := ch.Order
	prev.Version--
	items, err := s.changeItems(prev, ch.Order, true, ch.Entry, ch.Notify, ch.BuyerStat)
	if err != nil {
		return order.Internal(op, err)
	}
	_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return translate(op, err)
}
