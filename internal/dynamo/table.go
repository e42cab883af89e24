package dynamo

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TTLAttribute holds an item's expiry (unix seconds); DynamoDB deletes expired items.
const TTLAttribute = "expires_at"

// TableAPI is the part of the DynamoDB client CreateTable calls.
type TableAPI interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
	UpdateTimeToLive(ctx context.Context, in *dynamodb.UpdateTimeToLiveInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error)
}

// CreateTable creates the table with the same keys, indexes, stream and TTL as template.yaml,
// and waits until it is active. It is for tests and for `orderwire` against DynamoDB Local;
// on AWS the SAM template owns the table. An existing table is left as it is.
func CreateTable(ctx context.Context, api TableAPI, name string) error {
	str := types.ScalarAttributeTypeS
	attrs := []types.AttributeDefinition{}
	for _, a := range []string{"PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK",
		"GSI4PK", "GSI4SK", "GSI5PK", "GSI5SK", "GSI6PK", "GSI6SK"} {
		attrs = append(attrs, types.AttributeDefinition{AttributeName: aws.String(a), AttributeType: str})
	}
	index := func(name, pk, sk string) types.GlobalSecondaryIndex {
		return types.GlobalSecondaryIndex{
			IndexName:  aws.String(name),
			KeySchema:  keySchema(pk, sk),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}
	}
	// GSI1 unfiled events and every order; GSI2 the due indexes; GSI3-GSI6 the order
	// list's filters (orderlist.go).
	indexes := []types.GlobalSecondaryIndex{index("GSI1", "GSI1PK", "GSI1SK"), index("GSI2", "GSI2PK", "GSI2SK"),
		index("GSI3", "GSI3PK", "GSI3SK"), index("GSI4", "GSI4PK", "GSI4SK"),
		index("GSI5", "GSI5PK", "GSI5SK"), index("GSI6", "GSI6PK", "GSI6SK")}
	_, err := api.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:              aws.String(name),
		AttributeDefinitions:   attrs,
		KeySchema:              keySchema("PK", "SK"),
		BillingMode:            types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: indexes,
		StreamSpecification: &types.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeKeysOnly,
		},
	})
	var inUse *types.ResourceInUseException
	if errors.As(err, &inUse) {
		return nil
	}
	if err != nil {
		return err
	}
	waiter := dynamodb.NewTableExistsWaiter(api)
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return err
	}
	_, err = api.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(TTLAttribute), Enabled: aws.Bool(true),
		},
	})
	return err
}

func keySchema(pk, sk string) []types.KeySchemaElement {
	return []types.KeySchemaElement{
		{AttributeName: aws.String(pk), KeyType: types.KeyTypeHash},
		{AttributeName: aws.String(sk), KeyType: types.KeyTypeRange},
	}
}
