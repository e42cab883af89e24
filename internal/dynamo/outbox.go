package dynamo

import (
	"context"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// transitionNotification moves outbox row ref by change: a strongly consistent GetItem,
// then a PutItem of the changed row on condition that the row is still as read (status,
// claim count and owner: every transition changes at least one of them, so two notifiers
// that read the same row cannot both write it). A lost race is CodeConflict.
func (s *Store) transitionNotification(ctx context.Context, op string, ref order.NotificationRef, change func(cur order.Notification) (order.Notification, error)) error {
	var rec store.NotificationRecord
	if err := s.get(ctx, op, orderPK(ref.OrderID), store.OutboxRefSK(ref), &rec); err != nil {
		return err
	}
	cur := rec.Notification()
	next, err := change(cur)
	if err != nil {
		return err
	}
	item, err := marshalMap(newOutboxItem(next))
	if err != nil {
		return order.Internal(op, err)
	}
	values := map[string]types.AttributeValue{":status": &types.AttributeValueMemberS{Value: cur.Status}}
	condition := "#status = :status AND " + equalOrAbsent("#attempts", cur.Attempts != 0, ":attempts") +
		" AND " + equalOrAbsent("#owner", cur.Owner != "", ":owner")
	if cur.Attempts != 0 {
		values[":attempts"] = &types.AttributeValueMemberN{Value: strconv.Itoa(cur.Attempts)}
	}
	if cur.Owner != "" {
		values[":owner"] = &types.AttributeValueMemberS{Value: cur.Owner}
	}
	names := map[string]string{"#status": "status", "#attempts": "attempts", "#owner": "owner"}
	if alert, ok := store.UnknownAlert(cur, next, next.UpdatedAt); ok {
		return s.putRowWithAlert(ctx, op, item, condition, names, values, alert)
	}
	_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item, ConditionExpression: aws.String(condition),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	return translate(op, err)
}

// putRowWithAlert writes an outbox row (on its condition) and a seller alert row (if
// absent) in one TransactWriteItems: the alert exists exactly when the transition does.
func (s *Store) putRowWithAlert(ctx context.Context, op string, item map[string]types.AttributeValue, condition string,
	names map[string]string, values map[string]types.AttributeValue, alert order.Notification) error {
	alertPut, err := s.put(newOutboxItem(alert), "attribute_not_exists(PK)", nil)
	if err != nil {
		return order.Internal(op, err)
	}
	_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.table, Item: item, ConditionExpression: aws.String(condition),
			ExpressionAttributeNames: names, ExpressionAttributeValues: values}},
		alertPut,
	}})
	return translate(op, err)
}

// equalOrAbsent is the condition that attribute name (a #placeholder: OWNER is a reserved
// word) equals the value placeholder, or is
// absent when the value read was its zero (omitted) value.
func equalOrAbsent(name string, present bool, placeholder string) string {
	if present {
		return name + " = " + placeholder
	}
	return "attribute_not_exists(" + name + ")"
}

// FinishNotification implements store.Outbox with one conditional PutItem and no read: n
// is the row as claimed (store.Outbox says so), so the row to write is known, and the
// condition (still sending, or unknown after a lapse, under n's owner and claim count) is
// store.Finish's check made by DynamoDB. A missing row fails the condition: CodeConflict.
// An unknown outcome for a row still sending is written in a transaction with its
// message_unknown seller alert (store.UnknownAlert); when the row is no longer sending,
// the plain write follows (no alert: the lapse was alerted).
func (s *Store) FinishNotification(ctx context.Context, n order.Notification) error {
	const op = "dynamo.FinishNotification"
	if n.Owner == "" {
		return order.Errorf(order.CodeConflict, op, "outbox row %s: no owner to finish it", n.Ref())
	}
	item, err := marshalMap(newOutboxItem(store.Finished(n, n)))
	if err != nil {
		return order.Internal(op, err)
	}
	claimed := n
	claimed.Status = order.NotificationSending
	if alert, ok := store.UnknownAlert(claimed, n, n.UpdatedAt); ok {
		values := map[string]types.AttributeValue{
			":sending": &types.AttributeValueMemberS{Value: order.NotificationSending},
			":owner":   &types.AttributeValueMemberS{Value: n.Owner},
		}
		if n.Attempts != 0 {
			values[":attempts"] = &types.AttributeValueMemberN{Value: strconv.Itoa(n.Attempts)}
		}
		err := s.putRowWithAlert(ctx, op, item, "#status = :sending AND #owner = :owner AND "+
			equalOrAbsent("#attempts", n.Attempts != 0, ":attempts"),
			map[string]string{"#status": "status", "#attempts": "attempts", "#owner": "owner"}, values, alert)
		if order.ErrorCode(err) != order.CodeConflict {
			return err
		}
	}
	values := map[string]types.AttributeValue{
		":sending": &types.AttributeValueMemberS{Value: order.NotificationSending},
		":unknown": &types.AttributeValueMemberS{Value: order.NotificationUnknown},
		":owner":   &types.AttributeValueMemberS{Value: n.Owner},
	}
	if n.Attempts != 0 {
		values[":attempts"] = &types.AttributeValueMemberN{Value: strconv.Itoa(n.Attempts)}
	}
	_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		ConditionExpression: aws.String("#status IN (:sending, :unknown) AND #owner = :owner AND " +
			equalOrAbsent("#attempts", n.Attempts != 0, ":attempts")),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#attempts": "attempts", "#owner": "owner"},
		ExpressionAttributeValues: values,
	})
	return translate(op, err)
}

// ExpireNotification implements store.Outbox.
func (s *Store) ExpireNotification(ctx context.Context, ref order.NotificationRef, now time.Time, reason string) error {
	const op = "dynamo.ExpireNotification"
	return s.transitionNotification(ctx, op, ref, func(cur order.Notification) (order.Notification, error) {
		return store.Expire(op, cur, now, reason)
	})
}

// DueNotifications implements store.Outbox: one Query per MSGDUE# shard of GSI2, from
// shard 0 every call (no cursor: several notifiers may share the store, and each run must
// see every due row).
func (s *Store) DueNotifications(ctx context.Context, now time.Time, limit int) ([]order.Notification, error) {
	var out []order.Notification
	err := s.queryDue(ctx, "MSGDUE#", now, limit, nil, func(items []map[string]types.AttributeValue) (int, error) {
		var recs []store.NotificationRecord
		if err := unmarshalListOfMaps(items, &recs); err != nil {
			return 0, err
		}
		for _, r := range recs {
			out = append(out, r.Notification())
		}
		return len(out), nil
	})
	if err != nil {
		return nil, translate("dynamo.DueNotifications", err)
	}
	return out, nil
}

// SetPreferences implements store.Store with one UpdateItem of the buyer's PROFILE item,
// on condition that the buyer exists (a profile holding only counters is not a buyer).
func (s *Store) SetPreferences(ctx context.Context, buyerID string, p order.Preferences) error {
	const op = "dynamo.SetPreferences"
	value, err := marshal(store.NewPreferencesRecord(p))
	if err != nil {
		return order.Internal(op, err)
	}
	_, err = s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       itemKey(buyerPK(buyerID), profileSK),
		UpdateExpression:          aws.String("SET preferences = :p"),
		ConditionExpression:       aws.String("attribute_exists(#name)"),
		ExpressionAttributeNames:  map[string]string{"#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": value},
	})
	if err = translate(op, err); order.ErrorCode(err) == order.CodeConflict {
		return order.Errorf(order.CodeNotFound, op, "no buyer %s", buyerID)
	}
	return err
}
