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

// evidencePartitions are the (partition, sort-key prefix) pairs of order o's retained items.
func evidencePartitions(o order.Order) [][2]string {
	return append([][2]string{{orderPK(o.ID), store.TimelinePrefix}}, rawParts(o)...)
}

// rewrite sets expires_at to until on every item of parts that has none or an earlier one,
// or, for until 0, removes it from all of them. An item deleted meanwhile is skipped.
func (s *Store) rewrite(ctx context.Context, parts [][2]string, until int64) error {
	for _, p := range parts {
		in := &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:   aws.String("PK = :pk AND begins_with(SK, :prefix)"),
			ProjectionExpression:     aws.String("PK, SK, #e"),
			ExpressionAttributeNames: map[string]string{"#e": TTLAttribute},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: p[0]}, ":prefix": &types.AttributeValueMemberS{Value: p[1]}}}
		pages := dynamodb.NewQueryPaginator(s.api, in)
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, it := range page.Items {
				up := &dynamodb.UpdateItemInput{TableName: &s.table, Key: itemKey(str(it["PK"]), str(it["SK"])),
					ExpressionAttributeNames: map[string]string{"#e": TTLAttribute}}
				if until == 0 {
					if _, has := it[TTLAttribute]; !has {
						continue
					}
					up.UpdateExpression = aws.String("REMOVE #e")
					up.ConditionExpression = aws.String("attribute_exists(PK)")
				} else {
					if n, ok := it[TTLAttribute].(*types.AttributeValueMemberN); ok {
						if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil && v >= until {
							continue
						}
					}
					up.UpdateExpression = aws.String("SET #e = :u")
					up.ConditionExpression = aws.String("attribute_exists(PK) AND (attribute_not_exists(#e) OR #e < :u)")
					up.ExpressionAttributeValues = map[string]types.AttributeValue{":u": &types.AttributeValueMemberN{Value: strconv.FormatInt(until, 10)}}
				}
				_, err := s.api.UpdateItem(ctx, up)
				var failed *types.ConditionalCheckFailedException
				if err != nil && !errors.As(err, &failed) {
					return err
				}
			}
		}
	}
	return nil
}

// setExpiry sets it's Put's expires_at, on a copy of the Put and its item (the caller's
// transaction may be sent again, by the slow path or a retry, with other expiries).
func setExpiry(it *types.TransactWriteItem, until int64) {
	put := *it.Put
	put.Item = make(map[string]types.AttributeValue, len(it.Put.Item)+1)
	for k, v := range it.Put.Item {
		put.Item[k] = v
	}
	put.Item[TTLAttribute] = &types.AttributeValueMemberN{Value: strconv.FormatInt(until, 10)}
	it.Put = &put
}

// itemTime is the time attribute name of av (an RFC 3339 string), zero when absent.
func itemTime(av map[string]types.AttributeValue, name string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, str(av[name]))
	return t
}

func later(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}
