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

// ClaimNotification implements store.Outbox in one conditional UpdateItem and no read: the
// row becomes sending, under owner, until now+lease, with one more attempt and its due-index
// key moved to the lease's end, on condition that it is pending and due. Due is checked on
// the row's own due-index key (GSI2SK, store.OutboxDueSK: the sortable due time first),
// compared with now as queryDue does, so the check is store.Claim's made by DynamoDB. The
// claimed row comes back with the write (ReturnValues ALL_NEW); when the condition fails,
// the row as it was (ReturnValuesOnConditionCheckFailure ALL_OLD) says whether it is
// missing (CodeNotFound) or why it is not claimable (CodeConflict).
func (s *Store) ClaimNotification(ctx context.Context, ref order.NotificationRef, owner string, now time.Time, lease time.Duration) (order.Notification, error) {
	const op = "dynamo.ClaimNotification"
	until := now.Add(lease).UTC()
	leaseAt, err1 := marshal(until)
	nowAt, err2 := marshal(now.UTC())
	if err := errors.Join(err1, err2); err != nil {
		return order.Notification{}, order.Internal(op, err)
	}
	sending := order.Notification{OrderID: ref.OrderID, Kind: ref.Kind, Seq: ref.Seq,
		Status: order.NotificationSending, LeaseUntil: until}
	out, err := s.api.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table,
		Key:       itemKey(orderPK(ref.OrderID), store.OutboxRefSK(ref)),
		UpdateExpression: aws.String("SET #status = :sending, #owner = :owner, lease_until = :lease, " +
			"updated_at = :now, GSI2SK = :due ADD #attempts :one"),
		ConditionExpression:      aws.String("#status = :pending AND GSI2SK <= :upto"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#owner": "owner", "#attempts": "attempts"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":sending": &types.AttributeValueMemberS{Value: order.NotificationSending},
			":pending": &types.AttributeValueMemberS{Value: order.NotificationPending},
			":owner":   &types.AttributeValueMemberS{Value: owner},
			":lease":   leaseAt,
			":now":     nowAt,
			":due":     &types.AttributeValueMemberS{Value: store.OutboxDueSK(sending)},
			":upto":    &types.AttributeValueMemberS{Value: store.SortableTime(now) + "#\xff"},
			":one":     &types.AttributeValueMemberN{Value: strconv.Itoa(1)},
		},
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return order.Notification{}, s.unclaimable(op, ref, failed.Item, owner, now, lease)
	}
	if err != nil {
		return order.Notification{}, translate(op, err)
	}
	var rec store.NotificationRecord
	if err := unmarshalMap(out.Attributes, &rec); err != nil {
		return order.Notification{}, order.Internal(op, err)
	}
	return rec.Notification(), nil
}

// unclaimable is the error of a claim whose condition failed on row item as it was: none
// is CodeNotFound; otherwise store.Claim's CodeConflict saying why (or a plain conflict if
// the row read as claimable, which a row changed in between can).
func (s *Store) unclaimable(op string, ref order.NotificationRef, item map[string]types.AttributeValue, owner string, now time.Time, lease time.Duration) error {
	if len(item) == 0 {
		return order.Errorf(order.CodeNotFound, op, "no outbox row %s", ref)
	}
	var rec store.NotificationRecord
	if err := unmarshalMap(item, &rec); err != nil {
		return order.Internal(op, err)
	}
	if _, err := store.Claim(op, rec.Notification(), owner, now, lease); err != nil {
		return err
	}
	return order.Errorf(order.CodeConflict, op, "outbox row %s changed while it was claimed", ref)
}
