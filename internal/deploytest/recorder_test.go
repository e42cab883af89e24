package deploytest

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/dynamo"
)

// recordingDynamo is a hand-written dynamo.API that records the operations the store
// performs. Reads are answered from table (PK → SK → item): GetItem by key, Query by
// partition and sort-key prefix, in sort-key order, in one page; a Query of an index X by
// its keys (queryIndex), in index-key order, up to Limit.
// While keep is set, every item a transaction or a PutItem puts is stored in table (that is
// how a state is set up); otherwise writes only are recorded. Conditions are not evaluated:
// every write succeeds, except that the next conflicts writes (transactions, PutItem,
// UpdateItem) are refused as DynamoDB refuses a failed condition (another writer won the
// race). An API method it does not implement panics through the nil embedded interface.
type recordingDynamo struct {
	dynamo.API
	t         *testing.T
	table     itemTable
	keep      bool
	conflicts int
	calls     map[call]bool
}

// itemTable is a table's items: partition key → sort key → item.
type itemTable = map[string]map[string]map[string]types.AttributeValue

// call is one kind of request the store sends: the SDK operation, or for a transaction the
// kind of one of its items ("dynamodb.Put"), and the index a Query reads ("" for the table
// itself). IAM authorises each on its own resource: the table's ARN, or the index's.
type call struct{ op, index string }

func newRecorder(t *testing.T) *recordingDynamo {
	return &recordingDynamo{t: t, table: itemTable{}, calls: map[call]bool{}}
}

func str(av types.AttributeValue) string {
	s, _ := av.(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

func (r *recordingDynamo) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.calls[call{op: "dynamodb.GetItem"}] = true
	return &dynamodb.GetItemOutput{Item: r.table[str(in.Key["PK"])][str(in.Key["SK"])]}, nil
}

// BatchGetItem answers each key from table, as GetItem does (consistent reads, one page).
func (r *recordingDynamo) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	r.calls[call{op: "dynamodb.BatchGetItem"}] = true
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for table, ka := range in.RequestItems {
		for _, k := range ka.Keys {
			if item := r.table[str(k["PK"])][str(k["SK"])]; item != nil {
				out.Responses[table] = append(out.Responses[table], item)
			}
		}
	}
	return out, nil
}

func (r *recordingDynamo) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	index := aws.ToString(in.IndexName)
	r.calls[call{op: "dynamodb.Query", index: index}] = true
	if index != "" {
		return r.queryIndex(index, in), nil
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

// queryIndex answers a Query of index by its keys (<index>PK, <index>SK): one partition,
// index sort keys within the key condition's range, in index-key order (reversed when
// ScanIndexForward is false), up to Limit. The conditions it knows are those the store
// writes: the due indexes (<= :upto), the unfiled-events listing (> :after) and the order
// list (dynamo/orderlist.go: <, >, <=, >= or BETWEEN).
func (r *recordingDynamo) queryIndex(index string, in *dynamodb.QueryInput) *dynamodb.QueryOutput {
	pkAttr, skAttr := index+"PK", index+"SK"
	v := func(name string) string { return str(in.ExpressionAttributeValues[name]) }
	pk := v(":pk")
	inRange := func(string) bool { return true }
	switch cond := aws.ToString(in.KeyConditionExpression); strings.TrimPrefix(cond, pkAttr+" = :pk") {
	case "":
	case " AND " + skAttr + " <= :upto": // the due indexes
		inRange = func(sk string) bool { return sk <= v(":upto") }
	case " AND " + skAttr + " > :after": // the unfiled-events listing
		inRange = func(sk string) bool { return sk > v(":after") }
	case " AND " + skAttr + " < :a":
		inRange = func(sk string) bool { return sk < v(":a") }
	case " AND " + skAttr + " > :a":
		inRange = func(sk string) bool { return sk > v(":a") }
	case " AND " + skAttr + " <= :b":
		inRange = func(sk string) bool { return sk <= v(":b") }
	case " AND " + skAttr + " >= :b":
		inRange = func(sk string) bool { return sk >= v(":b") }
	case " AND " + skAttr + " BETWEEN :low AND :high":
		inRange = func(sk string) bool { return v(":low") <= sk && sk <= v(":high") }
	default:
		r.t.Errorf("recordingDynamo cannot answer the key condition %q on index %s: teach it", cond, index)
	}
	var items []map[string]types.AttributeValue
	for _, partition := range r.table {
		for _, item := range partition {
			if sk := str(item[skAttr]); str(item[pkAttr]) == pk && sk != "" && inRange(sk) {
				items = append(items, item)
			}
		}
	}
	slices.SortFunc(items, func(a, b map[string]types.AttributeValue) int { return strings.Compare(str(a[skAttr]), str(b[skAttr])) })
	if in.ScanIndexForward != nil && !*in.ScanIndexForward {
		slices.Reverse(items)
	}
	if in.Limit != nil && len(items) > int(*in.Limit) {
		items = items[:*in.Limit]
	}
	return &dynamodb.QueryOutput{Items: items}
}

// TransactWriteItems records the kind of each item: the name of its one non-nil field.
// While conflicts is above zero it then cancels the transaction, as DynamoDB does when a
// condition fails, and writes nothing.
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
			r.calls[call{op: "dynamodb." + kind}] = true
		}
	}
	if r.conflicts > 0 { // IAM authorises every item before any condition is evaluated
		r.conflicts--
		return nil, &types.TransactionCanceledException{Message: aws.String("Transaction cancelled"),
			CancellationReasons: []types.CancellationReason{{Code: aws.String("ConditionalCheckFailed")}}}
	}
	for _, item := range in.TransactItems {
		if r.keep && item.Put != nil {
			r.put(item.Put.Item)
		}
		if u := item.Update; r.keep && u != nil {
			if next, ok := r.updated(u.Key, aws.ToString(u.UpdateExpression), u.ExpressionAttributeNames, u.ExpressionAttributeValues); ok {
				r.put(next)
			}
		}
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// PutItem records a single-item Put (an outbox row's transition) and, while keep is set,
// stores the item. While conflicts is above zero it refuses the write instead, as
// DynamoDB does when the condition fails.
func (r *recordingDynamo) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.calls[call{op: "dynamodb.PutItem"}] = true
	if r.conflicts > 0 {
		r.conflicts--
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	}
	if r.keep {
		r.put(in.Item)
	}
	return &dynamodb.PutItemOutput{}, nil
}

// UpdateItem records a single-item Update (a buyer's preferences, an outbox row's claim).
// An update of SET and ADD clauses only (updated) is applied: the item it makes is
// returned (as ReturnValues ALL_NEW would) and, while keep is set, stored; other updates
// change nothing. While conflicts is above zero it refuses the write.
func (r *recordingDynamo) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.calls[call{op: "dynamodb.UpdateItem"}] = true
	if r.conflicts > 0 {
		r.conflicts--
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("The conditional request failed")}
	}
	next, ok := r.updated(in.Key, aws.ToString(in.UpdateExpression), in.ExpressionAttributeNames, in.ExpressionAttributeValues)
	if !ok {
		return &dynamodb.UpdateItemOutput{}, nil
	}
	if r.keep {
		r.put(next)
	}
	return &dynamodb.UpdateItemOutput{Attributes: next}, nil
}

// updated is the item under key after expr, a new map (items are replaced whole), when expr
// is made of "SET a = :v, ..." and "ADD a :v, ..." clauses only (ADD of a number or a
// string set); ok is false for any other expression (functions, REMOVE), left unapplied.
func (r *recordingDynamo) updated(key map[string]types.AttributeValue, expr string, names map[string]string,
	values map[string]types.AttributeValue) (map[string]types.AttributeValue, bool) {
	next := maps.Clone(r.table[str(key["PK"])][str(key["SK"])])
	if next == nil {
		next = maps.Clone(key)
	}
	attr := func(name string) string {
		if n, ok := names[name]; ok {
			return n
		}
		return name
	}
	fields := strings.Fields(strings.ReplaceAll(expr, ",", " , "))
	clause := ""
	for i := 0; i < len(fields); i++ {
		switch f := fields[i]; {
		case f == "SET" || f == "ADD":
			clause = f
		case f == ",":
		case clause == "SET" && i+2 < len(fields) && fields[i+1] == "=" && values[fields[i+2]] != nil:
			next[attr(f)] = values[fields[i+2]]
			i += 2
		case clause == "ADD" && i+1 < len(fields) && values[fields[i+1]] != nil:
			sum, ok := added(next[attr(f)], values[fields[i+1]])
			if !ok {
				return nil, false
			}
			next[attr(f)] = sum
			i++
		default:
			return nil, false
		}
	}
	return next, true
}

// added is ADD's result: a number plus a number, or the union of two string sets.
func added(cur, v types.AttributeValue) (types.AttributeValue, bool) {
	switch v := v.(type) {
	case *types.AttributeValueMemberN:
		n, _ := cur.(*types.AttributeValueMemberN)
		a, b := 0, 0
		if n != nil {
			a, _ = strconv.Atoi(n.Value)
		}
		b, _ = strconv.Atoi(v.Value)
		return &types.AttributeValueMemberN{Value: strconv.Itoa(a + b)}, true
	case *types.AttributeValueMemberSS:
		set, _ := cur.(*types.AttributeValueMemberSS)
		var union []string
		if set != nil {
			union = slices.Clone(set.Value)
		}
		for _, x := range v.Value {
			if !slices.Contains(union, x) {
				union = append(union, x)
			}
		}
		return &types.AttributeValueMemberSS{Value: union}, true
	}
	return nil, false
}

// put stores item in table under its keys, replacing what was there.
func (r *recordingDynamo) put(item map[string]types.AttributeValue) {
	pk, sk := str(item["PK"]), str(item["SK"])
	if r.table[pk] == nil {
		r.table[pk] = map[string]map[string]types.AttributeValue{}
	}
	r.table[pk][sk] = item
}

// cloneTable copies table's partitions, so that a state built on it leaves it as it was
// (items are replaced whole by every write, never changed in place).
func cloneTable(table itemTable) itemTable {
	out := make(itemTable, len(table))
	for pk, partition := range table {
		out[pk] = maps.Clone(partition)
	}
	return out
}
