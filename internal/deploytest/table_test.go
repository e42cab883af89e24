package deploytest

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/dynamo"
)

// capturingTables is a hand-written dynamo.TableAPI that keeps what CreateTable asks for
// and reports the table active at once.
type capturingTables struct {
	create *dynamodb.CreateTableInput
	ttl    *dynamodb.UpdateTimeToLiveInput
}

func (c *capturingTables) CreateTable(_ context.Context, in *dynamodb.CreateTableInput, _ ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error) {
	c.create = in
	return &dynamodb.CreateTableOutput{}, nil
}

func (c *capturingTables) DescribeTable(context.Context, *dynamodb.DescribeTableInput, ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	return &dynamodb.DescribeTableOutput{Table: &types.TableDescription{TableStatus: types.TableStatusActive}}, nil
}

func (c *capturingTables) UpdateTimeToLive(_ context.Context, in *dynamodb.UpdateTimeToLiveInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateTimeToLiveOutput, error) {
	c.ttl = in
	return &dynamodb.UpdateTimeToLiveOutput{}, nil
}

// keys renders a key schema the way the template writes it.
func keys(ks []types.KeySchemaElement) []any {
	out := []any{}
	for _, k := range ks {
		out = append(out, map[string]any{"AttributeName": aws.ToString(k.AttributeName), "KeyType": string(k.KeyType)})
	}
	return out
}

// TestTableMatchesCreateTable: the template's table has the attribute definitions, key
// schema, indexes, billing mode, stream and TTL that dynamo.CreateTable creates (taken
// from the call, not restated here), plus what only AWS has: point-in-time recovery,
// encryption, and retention on delete and replacement.
func TestTableMatchesCreateTable(t *testing.T) {
	tm := loadTemplate(t)
	tables := tm.resources("AWS::DynamoDB::Table")
	if len(tables) != 1 {
		t.Fatalf("%d tables, want 1", len(tables))
	}
	var table map[string]any
	for _, tb := range tables {
		table = tb
	}
	c := &capturingTables{}
	if err := dynamo.CreateTable(context.Background(), c, "orderwire"); err != nil {
		t.Fatal(err)
	}
	in := c.create
	attrs := map[string]any{}
	for _, a := range list(get(table, "Properties", "AttributeDefinitions")) {
		attrs[get(a, "AttributeName").(string)] = get(a, "AttributeType")
	}
	wantAttrs := map[string]any{}
	for _, a := range in.AttributeDefinitions {
		wantAttrs[aws.ToString(a.AttributeName)] = string(a.AttributeType)
	}
	indexes := map[string]any{}
	for _, ix := range list(get(table, "Properties", "GlobalSecondaryIndexes")) {
		indexes[get(ix, "IndexName").(string)] = []any{get(ix, "KeySchema"), get(ix, "Projection", "ProjectionType")}
	}
	wantIndexes := map[string]any{}
	for _, ix := range in.GlobalSecondaryIndexes {
		wantIndexes[aws.ToString(ix.IndexName)] = []any{keys(ix.KeySchema), string(ix.Projection.ProjectionType)}
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"AttributeDefinitions", attrs, wantAttrs},
		{"KeySchema", get(table, "Properties", "KeySchema"), keys(in.KeySchema)},
		{"GlobalSecondaryIndexes", indexes, wantIndexes},
		{"BillingMode", get(table, "Properties", "BillingMode"), string(in.BillingMode)},
		{"StreamViewType", get(table, "Properties", "StreamSpecification", "StreamViewType"), string(in.StreamSpecification.StreamViewType)},
		{"TTL attribute", get(table, "Properties", "TimeToLiveSpecification", "AttributeName"), aws.ToString(c.ttl.TimeToLiveSpecification.AttributeName)},
		{"TTL attribute (dynamo.TTLAttribute)", get(table, "Properties", "TimeToLiveSpecification", "AttributeName"), dynamo.TTLAttribute},
		{"TTL enabled", get(table, "Properties", "TimeToLiveSpecification", "Enabled"), "true"},
		{"point-in-time recovery", get(table, "Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"), "true"},
		{"encryption", get(table, "Properties", "SSESpecification", "SSEEnabled"), "true"},
		{"DeletionPolicy", table["DeletionPolicy"], "Retain"},
		{"UpdateReplacePolicy", table["UpdateReplacePolicy"], "Retain"},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("table %s:\n got %v\nwant %v", c.what, c.got, c.want)
		}
	}
	if get(table, "Properties", "TableName") != nil {
		t.Error("TableName is set: a retained table with a fixed name blocks redeploying the stack")
	}
}
