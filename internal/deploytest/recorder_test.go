package deploytest

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/dynamo"
)

// recordingDynamo is a hand-written dynamo.API that records the operations the store
// performs. Reads are answered from table (PK → SK → item): GetItem by key, Query by
// partition and sort-key prefix, in sort-key order, in one page. While keep is set, every
// item a transaction Puts is stored in table (that is how a state is set up); otherwise
// writes only are recorded. Conditions are not evaluated: every write succeeds. An API
// method it does not implement panics through the nil embedded interface.
type recordingDynamo struct {
	dynamo.API
	t       *testing.T
	table   map[string]map[string]map[string]types.AttributeValue
	keep    bool
	calls   map[string]bool // "dynamodb.GetItem", "dynamodb.Query", "dynamodb.Put", ...
	indexes []string        // IndexName of every Query
}

func newRecorder(t *testing.T) *recordingDynamo {
	return &recordingDynamo{t: t, table: map[string]map[string]map[string]types.AttributeValue{}, calls: map[string]bool{}}
}

func str(av types.AttributeValue) string {
	s, _ := av.(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

func (r *recordingDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.calls["dynamodb.GetItem"] = true
	return &dynamodb.GetItemOutput{Item: r.table[str(in.Key["PK"])][str(in.Key["SK"])]}, nil
}

func (r *recordingDynamo) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	r.calls["dynamodb.Query"] = true
	if in.IndexName != nil {
		r.indexes = append(r.indexes, *in.IndexName)
	}
	switch cond := aws.ToString(in.KeyConditionExpression); cond {
	case "PK = :pk", "PK = :pk AND begins_with(SK, :prefix)":
	default:
		r.t.Errorf("recordingDynamo cannot answer the key condition %q: teach it", cond)
	}
	partition := r.table[str(in.ExpressionAttributeValues[":pk"])]
	prefix := str(in.ExpressionAttributeValues[":prefix"])
	out := &dynamodb.QueryOutput{}
	for _, sk := range slices.Sorted(maps.Keys(partition)) {
		if strings.HasPrefix(sk, prefix) {
			out.Items = append(out.Items, partition[sk])
		}
	}
	return out, nil
}

// TransactWriteItems records the kind of each item: the name of its one non-nil field.
func (r *recordingDynamo) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	for _, item := range in.TransactItems {
		v := reflect.ValueOf(item)
		var kinds []string
		for i := range v.NumField() {
			if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
				kinds = append(kinds, v.Type().Field(i).Name)
			}
		}
		if len(kinds) != 1 {
			r.t.Errorf("a TransactWriteItem with kinds %v, want exactly one", kinds)
		}
		for _, kind := range kinds {
			r.calls["dynamodb."+kind] = true
		}
		if r.keep && item.Put != nil {
			pk, sk := str(item.Put.Item["PK"]), str(item.Put.Item["SK"])
			if r.table[pk] == nil {
				r.table[pk] = map[string]map[string]types.AttributeValue{}
			}
			r.table[pk][sk] = item.Put.Item
		}
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}
