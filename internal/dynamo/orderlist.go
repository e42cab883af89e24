package dynamo

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The order list's index partitions (store.ListAllPK and the others) live in global
// secondary indexes of the order items (projection ALL, so a Query returns the orders):
//
//	GSI1  ORDERS                         every order (GSI1's other partition is UNFILED)
//	GSI3  STATUS#<status>                every order
//	GSI4  PAYSTATUS#<payment status>     every order
//	GSI5  ATTENTION#dispute_response     orders with a dispute needing a response (sparse)
//	GSI6  ATTENTION#<other kind>         orders needing a refund, with a parcel problem, or
//	                                     paid and unshipped (sparse; at most one of the three,
//	                                     order.StandingAttention), and outbox rows with a
//	                                     message problem (ATTENTION#message_problem)
//
// An item is in each index at most once, hence one index per partition family; the keys are
// attributes of the order item, so every Put of the order moves it in all of them, in the
// same write, with no extra item.
const (
	ListIndex      = "GSI1"
	StatusIndex    = "GSI3"
	PaymentIndex   = "GSI4"
	DisputeIndex   = "GSI5"
	AttentionIndex = "GSI6"
)

// listKeys are the order item's order list index keys.
type listKeys struct {
	GSI1PK string `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK string `dynamodbav:"GSI1SK,omitempty"`
	GSI3PK string `dynamodbav:"GSI3PK,omitempty"`
	GSI3SK string `dynamodbav:"GSI3SK,omitempty"`
	GSI4PK string `dynamodbav:"GSI4PK,omitempty"`
	GSI4SK string `dynamodbav:"GSI4SK,omitempty"`
	GSI5PK string `dynamodbav:"GSI5PK,omitempty"`
	GSI5SK string `dynamodbav:"GSI5SK,omitempty"`
	GSI6PK string `dynamodbav:"GSI6PK,omitempty"`
	GSI6SK string `dynamodbav:"GSI6SK,omitempty"`
}

// listIndexOf is the index holding partition pk.
func listIndexOf(pk string) string {
	switch {
	case pk == store.ListAllPK:
		return ListIndex
	case strings.HasPrefix(pk, "STATUS#"):
		return StatusIndex
	case strings.HasPrefix(pk, "PAYSTATUS#"):
		return PaymentIndex
	case pk == store.AttentionPK(order.AttentionDispute):
		return DisputeIndex
	}
	return AttentionIndex
}

func orderListKeys(o order.Order) listKeys {
	var k listKeys
	for _, e := range store.OrderListKeys(o) {
		switch listIndexOf(e.PK) {
		case ListIndex:
			k.GSI1PK, k.GSI1SK = e.PK, e.SK
		case StatusIndex:
			k.GSI3PK, k.GSI3SK = e.PK, e.SK
		case PaymentIndex:
			k.GSI4PK, k.GSI4SK = e.PK, e.SK
		case DisputeIndex:
			k.GSI5PK, k.GSI5SK = e.PK, e.SK
		default:
			if k.GSI6PK == "" { // StandingAttention keeps the others apart; the first wins
				k.GSI6PK, k.GSI6SK = e.PK, e.SK
			}
		}
	}
	return k
}

// ListOrders implements store.OrderLister (store.RunListOrders): Queries of the indexes
// above, never a Scan. The unfiltered list is one Query of Limit+1 items per page.
func (s *Store) ListOrders(ctx context.Context, q store.OrderQuery) (store.OrderPage, error) {
	return store.RunListOrders(ctx, listSource{s}, q)
}

type listSource struct{ s *Store }

// ListIndex implements store.ListSource: Query pages of the partition's index until limit
// entries (the sort key bounds in the key condition). The message partition holds outbox
// rows: their orders come in BatchGetItem calls.
func (ls listSource) ListIndex(ctx context.Context, pk string, desc bool, after, bound string, limit int) ([]store.ListEntry, error) {
	const op = "dynamo.ListOrders"
	index := listIndexOf(pk)
	pkAttr, skAttr := index+"PK", index+"SK"
	cond, values, empty := listKeyCondition(pkAttr, skAttr, pk, desc, after, bound)
	if empty {
		return nil, nil
	}
	in := &dynamodb.QueryInput{
		TableName: &ls.s.table, IndexName: aws.String(index),
		KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: values,
		ScanIndexForward: aws.Bool(!desc),
	}
	extra := 0
	if after != "" && bound != "" {
		extra = 1 // BETWEEN returns after itself, if it is an item
	}
	var items []map[string]types.AttributeValue
	for {
		in.Limit = aws.Int32(int32(limit - len(items) + extra))
		page, err := ls.s.api.Query(ctx, in)
		if err != nil {
			return nil, translate(op, err)
		}
		for _, it := range page.Items {
			if str(it[skAttr]) != after && len(items) < limit {
				items = append(items, it)
			}
		}
		if page.LastEvaluatedKey == nil || len(items) >= limit {
			break
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
	if pk == store.AttentionPK(order.AttentionMessage) {
		return ls.rowEntries(ctx, items, skAttr)
	}
	out := make([]store.ListEntry, 0, len(items))
	for _, it := range items {
		var rec store.OrderRecord
		if err := unmarshalMap(it, &rec); err != nil {
			return nil, order.Internal(op, err)
		}
		out = append(out, store.ListEntry{SK: str(it[skAttr]), Order: rec.Order()})
	}
	return out, nil
}

// listKeyCondition is the key condition of one Query of a list partition: pk, and sort keys
// past after (exclusive) up to bound (inclusive), in the reading direction. empty is true
// when no key can match.
func listKeyCondition(pkAttr, skAttr, pk string, desc bool, after, bound string) (cond string, values map[string]types.AttributeValue, empty bool) {
	values = map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}
	cond = pkAttr + " = :pk"
	low, high := after, bound // the key condition's range, ascending
	if desc {
		low, high = bound, after
	}
	switch {
	case after != "" && bound != "":
		if low > high {
			return "", nil, true
		}
		cond += " AND " + skAttr + " BETWEEN :low AND :high" // after itself is dropped below
		values[":low"] = &types.AttributeValueMemberS{Value: low}
		values[":high"] = &types.AttributeValueMemberS{Value: high}
	case after != "" && desc:
		cond += " AND " + skAttr + " < :a"
		values[":a"] = &types.AttributeValueMemberS{Value: after}
	case after != "":
		cond += " AND " + skAttr + " > :a"
		values[":a"] = &types.AttributeValueMemberS{Value: after}
	case bound != "" && desc:
		cond += " AND " + skAttr + " >= :b"
		values[":b"] = &types.AttributeValueMemberS{Value: bound}
	case bound != "":
		cond += " AND " + skAttr + " <= :b"
		values[":b"] = &types.AttributeValueMemberS{Value: bound}
	}
	return cond, values, false
}

// rowEntries are the entries of outbox row items, each with its order (read consistently).
func (ls listSource) rowEntries(ctx context.Context, items []map[string]types.AttributeValue, skAttr string) ([]store.ListEntry, error) {
	const op = "dynamo.ListOrders"
	ids := make([]string, 0, len(items))
	for _, it := range items {
		ids = append(ids, str(it["order_id"]))
	}
	orders, err := ls.orders(ctx, ids)
	if err != nil {
		return nil, translate(op, err)
	}
	out := make([]store.ListEntry, 0, len(items))
	for _, it := range items {
		if o, ok := orders[str(it["order_id"])]; ok {
			out = append(out, store.ListEntry{SK: str(it[skAttr]), Order: o})
		}
	}
	return out, nil
}

// orders reads the orders with the given ids (repeats allowed), 100 keys per BatchGetItem.
func (ls listSource) orders(ctx context.Context, ids []string) (map[string]order.Order, error) {
	out := map[string]order.Order{}
	var keys []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, itemKey(orderPK(id), metaSK))
		}
	}
	for len(keys) > 0 {
		n := min(len(keys), 100)
		got, err := ls.s.batchGet(ctx, keys[:n])
		if err != nil {
			return nil, err
		}
		keys = keys[n:]
		var recs []store.OrderRecord
		if err := unmarshalListOfMaps(got, &recs); err != nil {
			return nil, err
		}
		for _, r := range recs {
			out[r.ID] = r.Order()
		}
	}
	return out, nil
}

// ListBuyerOrders implements store.ListSource: the buyer's order index items (BuyerOrders),
// then their orders.
func (ls listSource) ListBuyerOrders(ctx context.Context, buyerID string) ([]order.Order, error) {
	var ids []string
	for after := ""; ; {
		page, err := ls.s.BuyerOrders(ctx, buyerID, after, 100)
		if err != nil {
			return nil, err
		}
		ids = append(ids, page...)
		if len(page) < 100 {
			break
		}
		after = page[len(page)-1]
	}
	byID, err := ls.orders(ctx, ids)
	if err != nil {
		return nil, translate("dynamo.ListOrders", err)
	}
	out := make([]order.Order, 0, len(byID))
	for _, id := range ids {
		if o, ok := byID[id]; ok {
			out = append(out, o)
		}
	}
	return out, nil
}

func (ls listSource) Notifications(ctx context.Context, id string) ([]order.Notification, error) {
	return ls.s.Notifications(ctx, id)
}
