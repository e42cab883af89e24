// Package dynamo is the store.Store adapter for AWS: one DynamoDB table, the item layout of
// ARCHITECTURE.md (PK/SK strings; GSI1 for unfiled events and the order list, GSI2 for due
// reminders and outbox rows, GSI3-GSI6 for the order list's filters: orderlist.go).
//
// Every write that must be atomic is one TransactWriteItems call; optimistic locking is a
// condition on the order item's version. A get is one strongly consistent GetItem.
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

// API is the part of the DynamoDB client the store calls.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// Store implements the store port; the compiler checks it here, not only the conformance suite.
var _ store.Store = (*Store)(nil)

// Store is the DynamoDB store. It is safe for concurrent use.
type Store struct {
	api      API
	table    string
	bindings *bindingCache
	claims   *claimCache // tracking numbers' claims (claimcache.go)
	due      *dueCursor  // where the last due-index read stopped
	// retention is what the expiries the store writes follow (SetRetention).
	retention store.Retention
}

// New returns a store on the named table, which must exist with the layout CreateTable makes.
func New(api API, table string) *Store {
	return &Store{api: api, table: table, bindings: &bindingCache{}, claims: &claimCache{}, due: &dueCursor{}, retention: store.DefaultRetention()}
}

// API returns the client the store calls.
func (s *Store) API() API { return s.api }

// Table returns the name of the store's table.
func (s *Store) Table() string { return s.table }

// Close implements store.Store; the SDK client holds nothing that needs closing.
func (s *Store) Close() error { return nil }

// GetOrder implements store.Store.
func (s *Store) GetOrder(ctx context.Context, id string) (order.Order, error) {
	var it store.OrderRecord
	if err := s.get(ctx, "dynamo.GetOrder", orderPK(id), metaSK, &it); err != nil {
		return order.Order{}, err
	}
	return it.Order(), nil
}

// GetBuyer implements store.Store.
func (s *Store) GetBuyer(ctx context.Context, id string) (order.Buyer, error) {
	var it store.BuyerRecord
	if err := s.get(ctx, "dynamo.GetBuyer", buyerPK(id), profileSK, &it); err != nil {
		return order.Buyer{}, err
	}
	if it.ErasingSince != nil {
		return order.Buyer{}, order.Errorf(order.CodeNotFound, "dynamo.GetBuyer", "buyer being erased")
	}
	return it.Buyer(), nil
}

// SaveOrder implements store.Store in one TransactWriteItems call: a conditional Put of the
// order item, an Update of the buyer's contact attributes (other buyer attributes stay) and
// a Put of the buyer's order index item (BuyerOrders).
func (s *Store) SaveOrder(ctx context.Context, o order.Order, b order.Buyer) error {
	const op = "dynamo.SaveOrder"
	item, err := marshalMap(newOrderItem(o))
	if err != nil {
		return order.Internal(op, err)
	}
	put := &types.Put{TableName: &s.table, Item: item}
	if o.Version == 1 {
		put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.ConditionExpression = aws.String("version = :prev")
		put.ExpressionAttributeValues = map[string]types.AttributeValue{
			":prev": &types.AttributeValueMemberN{Value: strconv.FormatInt(o.Version-1, 10)},
		}
	}
	index, err := s.put(buyerOrderItem{keyed{buyerPK(b.ID), store.BuyerOrderSK(o.ID), "buyer_order"},
		store.BuyerOrderRecord{OrderID: o.ID}}, "", nil)
	if err != nil {
		return order.Internal(op, err)
	}
	_, err = s.api.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		TransactItems: []types.TransactWriteItem{{Put: put}, {Update: s.buyerContactUpdate(b)}, index},
	})
	return translate(op, err)
}

func (s *Store) get(ctx context.Context, op, pk, sk string, into any) error {
	out, err := s.api.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            itemKey(pk, sk),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return translate(op, err)
	}
	if out.Item == nil {
		return order.Errorf(order.CodeNotFound, op, "not found")
	}
	if err := unmarshalMap(out.Item, into); err != nil {
		return order.Internal(op, err)
	}
	return nil
}

// translate maps DynamoDB failures to the store's codes: a failed condition, or a
// transaction that collided with another one on the same item, is a conflict the caller
// resolves by re-reading; everything else is internal.
func translate(op string, err error) error {
	if err == nil {
		return nil
	}
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) {
		for _, r := range canceled.CancellationReasons {
			if code := aws.ToString(r.Code); code == "ConditionalCheckFailed" || code == "TransactionConflict" {
				return &order.Error{Code: order.CodeConflict, Op: op, Message: "changed since it was read", Err: err}
			}
		}
	}
	var condFailed *types.ConditionalCheckFailedException
	var txConflict *types.TransactionConflictException
	if errors.As(err, &condFailed) || errors.As(err, &txConflict) {
		return &order.Error{Code: order.CodeConflict, Op: op, Message: "changed since it was read", Err: err}
	}
	return order.Internal(op, err)
}
