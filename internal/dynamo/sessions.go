package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// sessionItem is a console session's revocation, SESSION#<id> / REVOKED. Its expires_at
// (store.SessionRevokedRecord) is the table's TTL attribute, so DynamoDB deletes it some
// time after the signed-out cookie has expired.
type sessionItem struct {
	keyed
	store.SessionRevokedRecord
}

// RevokeSession records that console session id is signed out until until (the cookie's
// expiry), in one PutItem that replaces any earlier revocation of it. A bad id is
// CodeInvalid.
func (s *Store) RevokeSession(ctx context.Context, id string, until time.Time) error {
	const op = "dynamo.RevokeSession"
	if err := store.CheckSessionID(op, id); err != nil {
		return err
	}
	item, err := marshalMap(sessionItem{keyed{store.SessionPK(id), store.RevokedSK, "session_revoked"},
		store.SessionRevokedRecord{ExpiresAt: until.Unix()}})
	if err != nil {
		return order.Internal(op, err)
	}
	_, err = s.api.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item})
	return translate(op, err)
}

// SessionRevoked reports whether console session id is revoked at now, in one strongly
// consistent GetItem: the item exists and its expires_at is after now (TTL deletes late,
// so an item past it is ignored). An unknown id is false, a bad one CodeInvalid.
func (s *Store) SessionRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	const op = "dynamo.SessionRevoked"
	if err := store.CheckSessionID(op, id); err != nil {
		return false, err
	}
	out, err := s.api.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table,
		Key: itemKey(store.SessionPK(id), store.RevokedSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, translate(op, err)
	}
	if out.Item == nil {
		return false, nil
	}
	var rec store.SessionRevokedRecord
	if err := unmarshalMap(out.Item, &rec); err != nil {
		return false, order.Internal(op, err)
	}
	return rec.Revoked(now), nil
}
