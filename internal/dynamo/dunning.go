package dynamo

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	var out []order.Order
	err := s.queryDue(ctx, "DUE#", now, limit, s.due, func(items []map[string]types.AttributeValue) (int, error) {
		var recs []store.OrderRecord
		if err := unmarshalListOfMaps(items, &recs); err != nil {
			return 0, err
		}
		for _, r := range recs {
			out = append(out, r.Order())
		}
		return len(out), nil
	})
	if err != nil {
		return nil, translate("dynamo.DueOrders", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NextActionAt.Before(out[j].NextActionAt) })
	return out, nil
}

// queryDue queries the shards <prefix>0..<prefix>7 of the due index (GSI2) for keys up to
// now, handing each page to take, which returns how many items it holds in all, until
// limit are held. With a cursor (DueOrders), it starts at the shard where the previous call
// with the same now stopped, so draining the index batch by batch reads each shard's end
// once; without one (nil), at shard 0.
func (s *Store) queryDue(ctx context.Context, prefix string, now time.Time, limit int, cursor *dueCursor, take func([]map[string]types.AttributeValue) (int, error)) error {
	upTo := store.SortableTime(now) + "#\xff"
	held := 0
	shard := cursor.start(prefix, now)
	for ; shard < store.DueShards && held < limit; shard++ {
		in := &dynamodb.QueryInput{
			TableName:              &s.table,
			IndexName:              aws.String(DueIndex),
			KeyConditionExpression: aws.String("GSI2PK = :pk AND GSI2SK <= :upto"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":   &types.AttributeValueMemberS{Value: prefix + strconv.Itoa(shard)},
				":upto": &types.AttributeValueMemberS{Value: upTo},
			},
			Limit:                  aws.Int32(int32(limit - held)),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		}
		for {
			page, err := s.api.Query(ctx, in)
			if err != nil {
				return err
			}
			if held, err = take(page.Items); err != nil {
				return order.Internal("dynamo.queryDue", err)
			}
			if page.LastEvaluatedKey == nil {
				break
			}
			if held >= limit { // this shard may hold more: the next call starts here
				cursor.stop(prefix, now, shard)
				return nil
			}
			in.ExclusiveStartKey = page.LastEvaluatedKey
			in.Limit = aws.Int32(int32(limit - held))
		}
	}
	cursor.stop(prefix, now, shard)
	return nil
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
	err = s.transactRetained(ctx, items)
	return translate(op, err)
}
