package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// SuppressEmail implements store.Feedback with one UpdateItem of the buyer's PROFILE item:
// if_not_exists keeps a suppression already recorded, and the condition that the buyer
// exists (a profile holding only counters is not a buyer) makes an unknown one CodeNotFound.
func (s *Store) SuppressEmail(ctx context.Context, buyerID, reason string, at time.Time) error {
	const op = "dynamo.SuppressEmail"
	value, err := marshal(store.SuppressionRecord{Reason: reason, At: at.UTC()})
	if err != nil {
		return order.Internal(op, err)
	}
	return s.updateBuyer(ctx, op, buyerID, "SET email_suppression = if_not_exists(email_suppression, :v)", value)
}

// CountSoftBounce implements store.Feedback with one UpdateItem (ADD) of the buyer's
// PROFILE item, on condition that the buyer exists.
func (s *Store) CountSoftBounce(ctx context.Context, buyerID string) error {
	return s.updateBuyer(ctx, "dynamo.CountSoftBounce", buyerID, "ADD soft_bounces :v", &types.AttributeValueMemberN{Value: "1"})
}

// updateBuyer applies expr (whose one value is :v) to an existing buyer's PROFILE item.
func (s *Store) updateBuyer(ctx context.Context, op, buyerID, expr string, value types.AttributeValue) error {
	_, err := s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       itemKey(buyerPK(buyerID), profileSK),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("attribute_exists(#name)"),
		ExpressionAttributeNames:  map[string]string{"#name": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": value},
	})
	if err = translate(op, err); order.ErrorCode(err) == order.CodeConflict {
		return order.Errorf(order.CodeNotFound, op, "no buyer %s", buyerID)
	}
	return err
}

// MarkDelivered implements store.Feedback like the outbox transitions: a strongly
// consistent GetItem of the row, then a PutItem of it with the delivery marked, on
// condition that the row is still as read (a notifier finishing the row concurrently wins,
// and the report is tried again). A delivery already marked is written back unchanged.
func (s *Store) MarkDelivered(ctx context.Context, ref order.NotificationRef, messageID string, at time.Time) error {
	const op = "dynamo.MarkDelivered"
	return s.transitionNotification(ctx, op, ref, func(cur order.Notification) (order.Notification, error) {
		return store.Delivered(op, cur, messageID, at)
	})
}
