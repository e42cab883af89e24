package dynamo

import (
	"context"
	"errors"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Evidence held by a buyer erasure ends by TTL, with no second DELETE (the embedded store's
// purge does the same with store.ReleaseHold). While an order's hold item
// (ORDER#<id> / EVIDENCE_HOLD) exists, its evidence (the RAW# items of the order and of its
// parcels' tracking numbers, what the erasure deletes) expires no later than the hold's
// EvidenceHoldUntil, and both hold items expire then too; unless the order has an open
// dispute, in which case none of them has an expiry (as retention.go holds every item):
//
//   - PutHold (the erasure) writes the hold items, marks the order's RETAIN item with
//     hold_until, and, when no dispute is open, sets the expiries (clampRaw, holdExpiry).
//   - hold_until on RETAIN fails the fast path's condition of every later write of the
//     order, so each goes through horizon, which reads the hold item: new RAW# items get
//     min(horizon, hold end); a later horizon's rewrite is clamped back; a dispute opening
//     removes the expiries of the hold items as well; a dispute closing (the release after
//     the write) sets them again, to the hold end, which may be past: TTL then deletes at
//     once. A hold item gone (TTL or an erasure re-run) ends the hold: horizon drops
//     hold_until.
//
// An erasure re-run still deletes what is no longer held (store.RunErasure), so a write
// that failed midway is finished by it. Limit: carrier evidence of a tracking number that
// another order also claims is clamped as the erasure deletes it, but that other order's
// later horizon rewrite may extend it again (to its own retention).

// holdKey is the key of order id's hold item in its own partition.
func holdKey(id string) map[string]types.AttributeValue {
	return itemKey(orderPK(id), store.EvidenceHoldSK)
}

// rawParts are the partitions of order o's evidence (RAW#), the order's and its parcels'.
func rawParts(o order.Order) [][2]string {
	var out [][2]string
	for _, pk := range store.EvidencePartitions(o) {
		out = append(out, [2]string{pk, store.EvidencePrefix})
	}
	return out
}

// putHold writes both hold items of h, with expiry until (0: none).
func (s *Store) putHold(ctx context.Context, h store.HoldRecord, until int64) error {
	const op = "dynamo.PutHold"
	byBuyer, err := s.put(holdItem{keyed{buyerPK(h.BuyerID), store.BuyerHoldSK(h.OrderID), "evidence_hold"}, h}, "", nil)
	if err != nil {
		return order.Internal(op, err)
	}
	byOrder, err := s.put(holdItem{keyed{orderPK(h.OrderID), store.EvidenceHoldSK, "evidence_hold"}, h}, "", nil)
	if err != nil {
		return order.Internal(op, err)
	}
	items := []types.TransactWriteItem{byBuyer, byOrder}
	if until > 0 {
		for i := range items {
			setExpiry(&items[i], until)
		}
	}
	_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	return translate(op, err)
}

// PutHold implements store.ErasureSteps: the hold items, the RETAIN mark, then, unless a
// dispute is open, the expiries (see the comment at the top of this file).
func (s erasureSteps) PutHold(ctx context.Context, h store.HoldRecord) error {
	const op = "dynamo.PutHold"
	o, err := s.GetOrder(ctx, h.OrderID)
	if err != nil && order.ErrorCode(err) != order.CodeNotFound {
		return err
	}
	found := err == nil
	until := h.EvidenceHoldUntil.Unix()
	open := found && store.EvidenceHeld(o)
	exp := until
	if open {
		exp = 0
	}
	if err := s.putHold(ctx, h, exp); err != nil {
		return err
	}
	out, err := s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: itemKey(orderPK(h.OrderID), retainSK),
		UpdateExpression:          aws.String("SET hold_until = :h, item_type = :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": num(until), ":t": &types.AttributeValueMemberS{Value: "retention"}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return translate(op, err)
	}
	if open {
		return nil
	}
	// The hold's end, or the retention horizon when that comes first: exactly, so that an
	// erasure re-run that moves the hold later (a later payment event) moves the evidence too.
	var cur retainItem
	if err := unmarshalMap(out.Attributes, &cur); err != nil {
		return order.Internal(op, err)
	}
	target := until
	if cur.Until > 0 && cur.Until < target {
		target = cur.Until
	}
	parts := [][2]string{{orderPK(h.OrderID), store.EvidencePrefix}}
	if found {
		parts = rawParts(o)
	}
	return translate(op, s.clampRaw(ctx, parts, target, true))
}

// readHold decodes the hold item among got (a batchGet's items), if there is one.
func readHold(got []map[string]types.AttributeValue) (*store.HoldRecord, error) {
	for _, it := range got {
		if str(it["SK"]) == store.EvidenceHoldSK {
			var h store.HoldRecord
			if err := unmarshalMap(it, &h); err != nil {
				return nil, err
			}
			return &h, nil
		}
	}
	return nil, nil
}

// holdExpiry sets the expiry of both hold items of h to until, or removes it (until 0).
// An item gone meanwhile stays gone.
func (s *Store) holdExpiry(ctx context.Context, h store.HoldRecord, until int64) error {
	for _, k := range []map[string]types.AttributeValue{itemKey(buyerPK(h.BuyerID), store.BuyerHoldSK(h.OrderID)), holdKey(h.OrderID)} {
		up := &dynamodb.UpdateItemInput{TableName: &s.table, Key: k, ConditionExpression: aws.String("attribute_exists(PK)"),
			ExpressionAttributeNames: map[string]string{"#e": TTLAttribute}, UpdateExpression: aws.String("REMOVE #e")}
		if until > 0 {
			up.UpdateExpression = aws.String("SET #e = :u")
			up.ExpressionAttributeValues = map[string]types.AttributeValue{":u": num(until)}
		}
		_, err := s.api.UpdateItem(ctx, up)
		var failed *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &failed) {
			return err
		}
	}
	return nil
}

// clampRaw sets expires_at to until on every item of parts that has none or a later one
// (exact: on every item whose expiry is not until). An item deleted meanwhile is skipped.
func (s *Store) clampRaw(ctx context.Context, parts [][2]string, until int64, exact bool) error {
	cond := "attribute_exists(PK) AND (attribute_not_exists(#e) OR #e > :u)"
	if exact {
		cond = "attribute_exists(PK) AND (attribute_not_exists(#e) OR #e <> :u)"
	}
	for _, p := range parts {
		pages := dynamodb.NewQueryPaginator(s.api, &dynamodb.QueryInput{TableName: &s.table, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:   aws.String("PK = :pk AND begins_with(SK, :prefix)"),
			ProjectionExpression:     aws.String("PK, SK, #e"),
			ExpressionAttributeNames: map[string]string{"#e": TTLAttribute},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: p[0]}, ":prefix": &types.AttributeValueMemberS{Value: p[1]}}})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, it := range page.Items {
				if n, ok := it[TTLAttribute].(*types.AttributeValueMemberN); ok {
					if v, err := strconv.ParseInt(n.Value, 10, 64); err == nil && (v == until || v < until && !exact) {
						continue
					}
				}
				_, err := s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: itemKey(str(it["PK"]), str(it["SK"])),
					UpdateExpression:          aws.String("SET #e = :u"),
					ConditionExpression:       aws.String(cond),
					ExpressionAttributeNames:  map[string]string{"#e": TTLAttribute},
					ExpressionAttributeValues: map[string]types.AttributeValue{":u": num(until)}})
				var failed *types.ConditionalCheckFailedException
				if err != nil && !errors.As(err, &failed) {
					return err
				}
			}
		}
	}
	return nil
}

func num(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}
