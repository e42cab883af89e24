package deploytest

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/seller"
)

// allowedActions is every IAM action any function may be granted. Adding one is a design
// decision: say why next to it.
var allowedActions = map[string]bool{
	"logs:CreateLogStream":          true, // a function writes its own log group
	"logs:PutLogEvents":             true,
	"dynamodb:GetItem":              true, // dynamo.Store reads one item (ConsistentRead)
	"dynamodb:Query":                true, // dynamo.Store reads one partition of the table
	"dynamodb:PutItem":              true, // the items of a TransactWriteItems ...
	"dynamodb:UpdateItem":           true,
	"dynamodb:DeleteItem":           true,
	"dynamodb:ConditionCheckItem":   true,
	"secretsmanager:GetSecretValue": true, // secrets.Fetch at cold start
}

// callActions maps each SDK operation the code performs to the IAM action that authorises
// it. TransactWriteItems has no action of its own: each of its items needs the action of
// the matching single-item call (AWS: "Using IAM with DynamoDB transactions").
var callActions = map[string]string{
	"dynamodb.GetItem":              "dynamodb:GetItem",
	"dynamodb.Query":                "dynamodb:Query",
	"dynamodb.Put":                  "dynamodb:PutItem",
	"dynamodb.Update":               "dynamodb:UpdateItem",
	"dynamodb.Delete":               "dynamodb:DeleteItem",
	"dynamodb.ConditionCheck":       "dynamodb:ConditionCheckItem",
	"secretsmanager.GetSecretValue": "secretsmanager:GetSecretValue",
}

// recordingDynamo is a hand-written dynamo.API that records the operations the store
// performs and answers as an empty table would. An API method it does not implement
// panics through the nil embedded interface, which sellerAPINeeds reports.
type recordingDynamo struct {
	dynamo.API
	calls   map[string]bool
	indexes []string // IndexName of every Query
}

func (r *recordingDynamo) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	r.calls["dynamodb.GetItem"] = true
	return &dynamodb.GetItemOutput{}, nil
}

func (r *recordingDynamo) Query(_ context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	r.calls["dynamodb.Query"] = true
	if in.IndexName != nil {
		r.indexes = append(r.indexes, *in.IndexName)
	}
	return &dynamodb.QueryOutput{}, nil
}

func (r *recordingDynamo) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	r.calls["dynamodb.TransactWriteItems"] = true
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// transactionKinds returns the kinds of TransactWriteItem (Put, Update, Delete,
// ConditionCheck) that the dynamo package's source builds anywhere. Which of them one
// transaction holds depends on stored data an empty fake table cannot produce, so every
// function that runs transactions is granted every kind the package uses.
func transactionKinds(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(root + "/internal/dynamo/*.go")
	if err != nil {
		t.Fatal(err)
	}
	isItem := func(e ast.Expr) bool {
		sel, ok := e.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "TransactWriteItem"
	}
	kinds := map[string]bool{}
	addKeys := func(lit *ast.CompositeLit) {
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				kinds[fmt.Sprint(kv.Key)] = true
			}
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			switch typ := lit.Type.(type) {
			case *ast.SelectorExpr: // types.TransactWriteItem{Put: ...}
				if isItem(typ) {
					addKeys(lit)
				}
			case *ast.ArrayType: // []types.TransactWriteItem{{Put: ...}}
				for _, e := range lit.Elts {
					if inner, ok := e.(*ast.CompositeLit); ok && inner.Type == nil && isItem(typ.Elt) {
						addKeys(inner)
					}
				}
			}
			return true
		})
	}
	if len(kinds) == 0 {
		t.Fatal("found no TransactWriteItem in internal/dynamo: has the store changed shape?")
	}
	return slices.Sorted(maps.Keys(kinds))
}

// sellerAPINeeds returns the IAM actions the seller-api code needs. Its store is the
// dynamo.Store behind seller.Orders: every seller.Orders method is called (by reflection,
// with plausible arguments) against the recorder; Secrets Manager's need comes from
// secrets.API. A method added to dynamo.API or secrets.API fails the test until it is
// recorded here and granted in template.yaml.
func sellerAPINeeds(t *testing.T) []string {
	t.Helper()
	known := map[reflect.Type][]string{
		reflect.TypeFor[dynamo.API]():  {"GetItem", "TransactWriteItems", "Query"},
		reflect.TypeFor[secrets.API](): {"GetSecretValue"},
	}
	for typ, methods := range known {
		for i := range typ.NumMethod() {
			if name := typ.Method(i).Name; !slices.Contains(methods, name) {
				t.Errorf("%s has method %s: record it in recordingDynamo and grant its IAM action", typ, name)
			}
		}
	}
	rec := &recordingDynamo{calls: map[string]bool{}}
	st := reflect.ValueOf(dynamo.New(rec, "orderwire"))
	orders := reflect.TypeFor[seller.Orders]()
	for i := range orders.NumMethod() {
		m := orders.Method(i)
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("seller.Orders.%s on dynamo.Store: %v (an SDK call recordingDynamo does not know?)", m.Name, p)
				}
			}()
			st.MethodByName(m.Name).Call(plausibleArgs(t, m.Type))
		}()
	}
	if len(rec.indexes) > 0 {
		t.Errorf("seller-api queries indexes %v: grant them on their index ARNs and teach checkStatement", rec.indexes)
	}
	calls := slices.Sorted(maps.Keys(rec.calls))
	if rec.calls["dynamodb.TransactWriteItems"] {
		calls = slices.DeleteFunc(calls, func(c string) bool { return c == "dynamodb.TransactWriteItems" })
		for _, kind := range transactionKinds(t) {
			calls = append(calls, "dynamodb."+kind)
		}
	}
	need := []string{"secretsmanager:GetSecretValue"}
	for _, call := range calls {
		action, ok := callActions[call]
		if !ok {
			t.Errorf("no IAM action known for %s", call)
		}
		need = append(need, action)
	}
	return need
}

// plausibleArgs returns arguments for a method of type fn: a context, an order id, a valid
// order and buyer, the current time, and zero values for anything else.
func plausibleArgs(t *testing.T, fn reflect.Type) []reflect.Value {
	t.Helper()
	now := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	buyer := order.Buyer{ID: "buyer-1", Name: "Ana Souza", Email: "ana@example.com", Locale: "pt-BR",
		TimeZone: "America/Sao_Paulo", Country: "BR"}
	o, err := order.New("ord-1", order.Terms{Buyer: buyer, AmountMinor: 12990, Currency: "BRL",
		PaymentDueAt: now.Add(72 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	byType := map[reflect.Type]any{
		reflect.TypeFor[context.Context](): context.Background(),
		reflect.TypeFor[string]():          "ord-1",
		reflect.TypeFor[order.Order]():     o,
		reflect.TypeFor[order.Buyer]():     buyer,
		reflect.TypeFor[time.Time]():       now,
	}
	args := make([]reflect.Value, fn.NumIn())
	for i := range args {
		if v, ok := byType[fn.In(i)]; ok {
			args[i] = reflect.ValueOf(v)
		} else {
			args[i] = reflect.Zero(fn.In(i))
		}
	}
	return args
}

// statements returns every permission statement of a role's inline policies.
func statements(role map[string]any) []any {
	var out []any
	for _, p := range list(get(role, "Properties", "Policies")) {
		out = append(out, list(get(p, "PolicyDocument", "Statement"))...)
	}
	return out
}

// TestIAMLeastPrivilege: every function has a role of its own defined in the template (so
// SAM adds no managed policy); roles trust Lambda only and carry no managed policies;
// every statement allows only actions on the allow-list, on resources of this stack named
// exactly: DynamoDB actions on the table ARN (no index or stream), Secrets Manager on the
// secret, CloudWatch Logs on the function's own log group, which has a retention.
func TestIAMLeastPrivilege(t *testing.T) {
	tm := loadTemplate(t)
	roles := tm.resources("AWS::IAM::Role")
	for _, typ := range []string{"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group"} {
		if len(tm.resources(typ)) > 0 {
			t.Errorf("%s resources are not allowed: grant through the function's role", typ)
		}
	}
	owner := map[string]string{}
	for id, fn := range tm.functions() {
		roleID, attr := getAttOf(get(fn, "Properties", "Role"))
		if roles[roleID] == nil || attr != "Arn" {
			t.Errorf("%s: Role must be !GetAtt <a role of this template>.Arn", id)
			continue
		}
		if get(fn, "Properties", "Policies") != nil {
			t.Errorf("%s: SAM Policies are not allowed: write the statements in its role", id)
		}
		if other, dup := owner[roleID]; dup {
			t.Errorf("%s shares role %s with %s", id, roleID, other)
		}
		owner[roleID] = id
		logGroup := refTo(get(fn, "Properties", "LoggingConfig", "LogGroup"))
		if g := tm.resources("AWS::Logs::LogGroup")[logGroup]; g == nil || get(g, "Properties", "RetentionInDays") == nil {
			t.Errorf("%s: LoggingConfig.LogGroup must !Ref a log group of this template with RetentionInDays", id)
		}
		for _, st := range statements(roles[roleID]) {
			checkStatement(t, tm, roleID, logGroup, st)
		}
	}
	for id, role := range roles {
		if owner[id] == "" {
			t.Errorf("role %s is used by no function", id)
		}
		if get(role, "Properties", "ManagedPolicyArns") != nil {
			t.Errorf("role %s: managed policies are not allowed", id)
		}
		trust := list(get(role, "Properties", "AssumeRolePolicyDocument", "Statement"))
		want := []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}
		if !reflect.DeepEqual(trust, want) {
			t.Errorf("role %s: trust policy %v, want Lambda only", id, trust)
		}
	}
}

func checkStatement(t *testing.T, tm template, roleID, logGroup string, st any) {
	t.Helper()
	where := fmt.Sprintf("role %s, statement %v", roleID, get(st, "Sid"))
	for _, forbidden := range []string{"NotAction", "NotResource", "NotPrincipal"} {
		if get(st, forbidden) != nil {
			t.Errorf("%s: %s is not allowed", where, forbidden)
		}
	}
	if get(st, "Effect") != "Allow" {
		t.Errorf("%s: Effect %v, want Allow", where, get(st, "Effect"))
	}
	resources := list(get(st, "Resource"))
	if len(resources) == 0 {
		t.Errorf("%s: no Resource", where)
	}
	for _, a := range list(get(st, "Action")) {
		action, _ := a.(string)
		if strings.Contains(action, "*") || !allowedActions[action] {
			t.Errorf("%s: action %v is not on the allow-list", where, a)
			continue
		}
		service, _, _ := strings.Cut(action, ":")
		for _, r := range resources {
			id, attr := getAttOf(r)
			ok := false
			switch service {
			case "dynamodb":
				ok = tm.resources("AWS::DynamoDB::Table")[id] != nil && attr == "Arn"
			case "logs":
				ok = id == logGroup && attr == "Arn"
			case "secretsmanager":
				ok = tm.resources("AWS::SecretsManager::Secret")[refTo(r)] != nil
			}
			if !ok {
				t.Errorf("%s: %s on %v: want exactly this stack's %s resource", where, action, r, service)
			}
		}
	}
	if strings.Contains(fmt.Sprint(get(st, "Action"), get(st, "Resource")), "*") {
		t.Errorf("%s: a wildcard appears in %v %v", where, get(st, "Action"), get(st, "Resource"))
	}
}

// TestSellerAPIGrantsWhatItCalls: the seller-api role grants exactly what its code calls
// (DynamoDB and Secrets Manager, derived from the code) plus its own logs: nothing missing,
// nothing more.
func TestSellerAPIGrantsWhatItCalls(t *testing.T) {
	tm := loadTemplate(t)
	_, fn := tm.function(t, "seller-api")
	roleID, _ := getAttOf(get(fn, "Properties", "Role"))
	var granted []string
	for _, st := range statements(tm.resources("AWS::IAM::Role")[roleID]) {
		for _, a := range list(get(st, "Action")) {
			granted = append(granted, fmt.Sprint(a))
		}
	}
	want := append(sellerAPINeeds(t), "logs:CreateLogStream", "logs:PutLogEvents")
	slices.Sort(granted)
	slices.Sort(want)
	if !slices.Equal(granted, want) {
		t.Errorf("seller-api is granted\n  %v\nits code needs\n  %v", granted, want)
	}
	for _, a := range want {
		if !allowedActions[a] {
			t.Errorf("the code needs %s, which is not on the allow-list", a)
		}
	}
}
