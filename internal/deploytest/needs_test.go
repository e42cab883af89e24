package deploytest

import (
	"context"
	"fmt"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
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

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/store"
)

// The grants of a function are derived from its code in three steps:
//
//  1. functionUses (uses_test.go) reads functions/<name>/*.go: which httpapi.Config fields
//     it sets (Orders: the store behind seller.Service; Events: the store as
//     httpapi.EventRecorder; Tracking: the store as httpapi.TrackingRecorder; Preferences:
//     the store as httpapi.PreferenceStore), whether it hands the store to a
//     reminder.Sweeper (the sweep) or to a notifier (notifier.Config.Store's interface),
//     which secrets lambdaenv loads for it (Load, LoadWithAPITokens: its own;
//     LoadUnsubscribeSigner: the unsubscribe-link keys; LoadTable: none), and which AWS
//     wrapper packages it imports (the notifier's SES and SNS senders: awsWrappers);
//  2. storeCalls drives every method of those interfaces on a real dynamo.Store over
//     recordingDynamo, in every state of the table the store branches on (empty; an order
//     registered with payment events parked for it; a parcel registered, after carrier
//     events were parked for its number or not; a number claimed by two orders), with every
//     kind of payment event and of carrier event, the order id and the tracking number, so
//     that each branch that writes a different kind of item runs: parked, applied, recorded
//     but not applied, ambiguous, unparked (trackingstates_test.go); the store.Outbox
//     methods are driven in the states where each writes: a pending row, a claimed row, a
//     lapsed claim (outboxstates_test.go); the sweep is driven by running
//     reminder.Sweeper.Run itself in tables where it reminds, sends a final notice,
//     terminates and loses a race (sweepstates_test.go);
//  3. callActions turns the recorded operations into IAM actions, each on the resource it
//     reads: the table, or the index a Query names ("index/GSI2"). A TransactWriteItems is
//     recorded as the kinds of its items (Put, Update, Delete, ConditionCheck), which is
//     what IAM authorises; a PutItem or UpdateItem as itself.
//
// TestDrivenPathsReachEveryTransactionKind keeps step 2 honest: driving the whole
// store.Store must reach every kind of item the dynamo package's source builds and every
// single-item operation it calls, so a new branch the scenarios miss fails that test
// instead of silently granting too little. What is not the code's own call is not derived
// from the recorder: the AWS wrappers' permissions are an explicit table checked against
// their API interfaces (wrappers_test.go), and what Lambda does with the function's role for
// a stream event source follows from that source (stream_test.go).

// scenario is the order and the events the store is driven with.
type scenario struct {
	order  order.Order
	buyer  order.Buyer
	now    time.Time
	events []order.Event // one of each kind, applied or not to the registered order
	// tracking are the carrier events about trackingNumber (trackingstates_test.go).
	tracking []order.TrackingEvent
}

// scenarioCharge is the payment reference the scenario's payment events name.
const scenarioCharge = "ch_scenario"

func newScenario(t *testing.T) scenario {
	t.Helper()
	now := time.Date(2026, 11, 12, 9, 0, 0, 0, time.UTC)
	buyer := order.Buyer{ID: "buyer-1", Name: "Ana Souza", Email: "ana@example.com", Locale: "pt-BR",
		TimeZone: "America/Sao_Paulo", Country: "BR"}
	o, err := order.New("ord-1", order.Terms{Buyer: buyer, AmountMinor: 12990, Currency: "BRL",
		PaymentDueAt: now.Add(72 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	sc := scenario{order: o, buyer: buyer, now: now, tracking: trackingEvents(now)}
	for i, ev := range []order.Event{
		{Kind: order.KindPaymentSucceeded, AmountMinor: 12990, Currency: "BRL"}, // applied
		{Kind: order.KindPaymentSucceeded, AmountMinor: 12990, Currency: "USD"}, // anomaly: not applied
		{Kind: order.KindPaymentFailed}, {Kind: order.KindPaymentPending}, {Kind: order.KindPaymentCanceled},
		{Kind: order.KindRefunded, AmountMinor: 12990, Currency: "BRL"},
		{Kind: order.KindDisputeOpened}, {Kind: order.KindDisputeClosed, DisputeOutcome: "won"},
		{Kind: order.KindFraudWarning}, {Kind: order.KindIgnored},
	} {
		ev.Source, ev.EventID, ev.Type, ev.OrderID = "stripe", fmt.Sprintf("evt_%02d", i), string(ev.Kind), o.ID
		ev.Refs = []string{scenarioCharge}
		ev.OccurredAt, ev.ReceivedAt = now.Add(time.Duration(i)*time.Second), now.Add(time.Minute)
		sc.events = append(sc.events, ev)
	}
	return sc
}

// states returns the tables the interfaces are driven on: empty, the order registered with
// every scenario payment event parked for it, and the carrier states of trackingStates
// (each set up through the store itself).
func (sc scenario) states(t *testing.T) map[string]*recordingDynamo {
	t.Helper()
	setup := newRecorder(t)
	setup.keep = true
	st := dynamo.New(setup, "orderwire")
	ctx := context.Background()
	// A refund naming only a charge the scenario events name too, parked under it: binding
	// that reference files it (the drain), in every call that binds.
	byRef := order.Event{Source: "stripe", EventID: "evt_by_ref", Type: "charge.refunded", Kind: order.KindRefunded,
		AmountMinor: 100, Currency: "BRL", Refs: []string{scenarioCharge}, OccurredAt: sc.now, ReceivedAt: sc.now}
	if res, err := st.RecordEvent(ctx, byRef, order.Evidence{Body: []byte(`{}`)}); err != nil || !res.Parked {
		t.Fatalf("setting up: RecordEvent by reference = %+v, %v; want parked", res, err)
	}
	// The recorder keeps Puts only: store the reference's record as the parking Update leaves it.
	setup.put(map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: store.RefPK("stripe", scenarioCharge)}, "SK": &types.AttributeValueMemberS{Value: store.RefSK},
		"source": &types.AttributeValueMemberS{Value: "stripe"}, "ref": &types.AttributeValueMemberS{Value: scenarioCharge},
		"parked": &types.AttributeValueMemberN{Value: "1"}})
	for _, ev := range sc.events {
		if res, err := st.RecordEvent(ctx, ev, order.Evidence{Body: []byte(`{}`)}); err != nil || !res.Parked {
			t.Fatalf("setting up: RecordEvent = %+v, %v; want parked", res, err)
		}
	}
	if err := st.SaveOrder(ctx, sc.order, sc.buyer); err != nil {
		t.Fatal(err)
	}
	if len(setup.table[store.ParkPK(sc.order.ID)]) != len(sc.events) || setup.table[store.OrderPK(sc.order.ID)][store.MetaSK] == nil {
		t.Fatal("setting up: the parked events or the order item are not where the store keys say")
	}
	registered := newRecorder(t)
	registered.table = setup.table
	states := map[string]*recordingDynamo{"empty": newRecorder(t), "registered with parked events": registered}
	maps.Copy(states, sc.trackingStates(t))
	return states
}

// argSets returns the argument lists a method of type fn is called with: a context, the
// order, its buyer, the time, some evidence and a limit; every value a parameter varies over (a
// string is the order id, then the tracking number; an order.Event each payment event; an
// order.TrackingEvent each carrier event), one list per combination; zero values for
// anything else.
func (sc scenario) argSets(fn reflect.Type) [][]reflect.Value {
	of := func(vs ...any) []reflect.Value {
		out := make([]reflect.Value, len(vs))
		for i, v := range vs {
			out[i] = reflect.ValueOf(v)
		}
		return out
	}
	values := map[reflect.Type][]reflect.Value{
		reflect.TypeFor[context.Context](): of(context.Background()),
		reflect.TypeFor[string]():          of(sc.order.ID, trackingNumber),
		reflect.TypeFor[order.Order]():     of(sc.order),
		reflect.TypeFor[order.Buyer]():     of(sc.buyer),
		reflect.TypeFor[time.Time]():       of(sc.now),
		reflect.TypeFor[int]():             of(25), // DueOrders' limit: zero would read nothing
		reflect.TypeFor[order.Evidence](): of(order.Evidence{Body: []byte(`{"id":"evt"}`),
			Headers: map[string]string{"stripe-signature": "t=1,v1=00"}}),
		reflect.TypeFor[func(store.StoredEvidence) error](): of(func(store.StoredEvidence) error { return nil }), // EachEvidence
		// ListOrders: each index it can read (store.RunListOrders' plans) and a bounded read.
		reflect.TypeFor[store.OrderQuery](): of(store.OrderQuery{}, store.OrderQuery{Status: sc.order.Status},
			store.OrderQuery{PaymentStatus: order.PaymentPaid, UpdatedSince: sc.now}, store.OrderQuery{BuyerID: sc.buyer.ID},
			store.OrderQuery{Attention: "any", Now: sc.now}),
	}
	for _, ev := range sc.events {
		values[reflect.TypeFor[order.Event]()] = append(values[reflect.TypeFor[order.Event]()], reflect.ValueOf(ev))
	}
	for _, ev := range sc.tracking {
		values[reflect.TypeFor[order.TrackingEvent]()] = append(values[reflect.TypeFor[order.TrackingEvent]()], reflect.ValueOf(ev))
	}
	sets := [][]reflect.Value{make([]reflect.Value, fn.NumIn())}
	for i := range fn.NumIn() {
		vs := values[fn.In(i)]
		if len(vs) == 0 {
			vs = []reflect.Value{reflect.Zero(fn.In(i))}
		}
		var next [][]reflect.Value
		for _, set := range sets {
			for _, v := range vs {
				args := slices.Clone(set)
				args[i] = v
				next = append(next, args)
			}
		}
		sets = next
	}
	return sets
}

// storeCalls returns the DynamoDB operations (transactions as the kinds of their items)
// that a dynamo.Store performs when every method of the interfaces is called on it, in
// every state, with every argument set. A call must succeed or find nothing: an error
// would hide the writes after it. The methods of store.Outbox write only in states of their
// own, where outboxCalls drives them (outboxstates_test.go).
func storeCalls(t *testing.T, interfaces ...reflect.Type) map[call]bool {
	t.Helper()
	sc := newScenario(t)
	calls := map[call]bool{}
	var outbox []string
	for state, rec := range sc.states(t) {
		st := reflect.ValueOf(dynamo.New(rec, "orderwire"))
		for _, iface := range interfaces {
			for i := range iface.NumMethod() {
				m := iface.Method(i)
				if isOutboxMethod(m.Name) {
					if !slices.Contains(outbox, m.Name) {
						outbox = append(outbox, m.Name)
					}
					continue
				}
				for _, args := range sc.argSets(m.Type) {
					callMethod(t, fmt.Sprintf("%s.%s (table %s)", iface, m.Name, state), st.MethodByName(m.Name), args)
				}
			}
		}
		maps.Copy(calls, rec.calls)
	}
	if len(outbox) > 0 {
		maps.Copy(calls, outboxCalls(t, outbox))
	}
	return calls
}

func callMethod(t *testing.T, what string, method reflect.Value, args []reflect.Value) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s on dynamo.Store: %v (an SDK call recordingDynamo does not know?)", what, p)
		}
	}()
	out := method.Call(args)
	if err, _ := out[len(out)-1].Interface().(error); err != nil && order.ErrorCode(err) != order.CodeNotFound {
		t.Errorf("%s on dynamo.Store: %v", what, err)
	}
}

// grantOf names the permission a recorded call needs: its IAM action on the table, or on
// the index it queries ("dynamodb:Query on index/GSI2"), as TestFunctionsGrantWhatTheyCall
// reads the template's statements.
func grantOf(t *testing.T, name string, c call) string {
	t.Helper()
	action, ok := callActions[c.op]
	if !ok {
		t.Errorf("functions/%s: no IAM action known for %s", name, c.op)
	}
	if c.index != "" {
		return action + " on index/" + c.index
	}
	return action + " on table"
}

// functionNeeds returns the permissions functions/<name>'s code needs (besides its logs and
// its event sources: eventSourceNeeds), as "<action> on <resource>": the table, an index
// ("index/GSI2"), its secrets, and what the AWS wrappers it imports call (awsWrappers). A
// method added to dynamo.API or secrets.API fails the test until it is recorded here and
// granted in template.yaml.
func functionNeeds(t *testing.T, name string) []string {
	t.Helper()
	known := map[reflect.Type][]string{
		reflect.TypeFor[dynamo.API]():  {"GetItem", "BatchGetItem", "TransactWriteItems", "Query", "PutItem", "UpdateItem"},
		reflect.TypeFor[secrets.API](): {"GetSecretValue"},
	}
	for typ, methods := range known {
		for i := range typ.NumMethod() {
			if m := typ.Method(i).Name; !slices.Contains(methods, m) {
				t.Errorf("%s has method %s: record it in recordingDynamo and grant its IAM action", typ, m)
			}
		}
	}
	u := functionUses(t, name)
	var need []string
	if u.secret {
		need = append(need, callActions["secretsmanager.GetSecretValue"]+" on secret")
	}
	if u.unsubscribeKeys {
		need = append(need, callActions["secretsmanager.GetSecretValue"]+" on unsubscribe secret")
	}
	need = append(need, wrapperNeeds(u)...)
	calls := map[call]bool{}
	if len(u.interfaces) > 0 {
		maps.Copy(calls, storeCalls(t, u.interfaces...))
	}
	if u.sweep {
		swept, _ := sweepCalls(t)
		maps.Copy(calls, swept)
	}
	for c := range calls {
		need = append(need, grantOf(t, name, c))
	}
	slices.Sort(need)
	return slices.Compact(need) // a transaction's Put item and a PutItem need the same grant
}

// transactionKinds returns the kinds of TransactWriteItem (Put, Update, Delete,
// ConditionCheck) that the dynamo package's source builds anywhere.
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

// apiOperations returns the dynamo.API methods that the dynamo package's source calls
// anywhere (s.api.PutItem(...)), TransactWriteItems aside (transactionKinds covers it).
func apiOperations(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(root + "/internal/dynamo/*.go")
	if err != nil {
		t.Fatal(err)
	}
	api := reflect.TypeFor[dynamo.API]()
	ops := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ce, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := ce.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "api" {
				if _, isAPI := api.MethodByName(sel.Sel.Name); isAPI && sel.Sel.Name != "TransactWriteItems" {
					ops[sel.Sel.Name] = true
				}
			}
			return true
		})
	}
	if len(ops) == 0 {
		t.Fatal("found no s.api call in internal/dynamo: has the store changed shape?")
	}
	return slices.Sorted(maps.Keys(ops))
}

// TestDrivenPathsReachEveryTransactionKind: driving every store.Store method over the
// scenarios (and the Outbox methods over their states) reaches every kind of transaction
// item the dynamo package builds and every single-item operation it calls (GetItem, Query,
// PutItem, UpdateItem), so the per-function derivation cannot miss one because a branch
// never ran.
func TestDrivenPathsReachEveryTransactionKind(t *testing.T) {
	calls := storeCalls(t, reflect.TypeFor[store.Store]())
	for _, kind := range transactionKinds(t) {
		if !calls[call{op: "dynamodb." + kind}] {
			t.Errorf("the dynamo package builds %s items, but no driven path sends one: extend the scenarios", kind)
		}
	}
	for _, op := range apiOperations(t) {
		if !slices.ContainsFunc(slices.Collect(maps.Keys(calls)), func(c call) bool { return c.op == "dynamodb."+op }) {
			t.Errorf("the dynamo package calls %s, but no driven path sends one: extend the scenarios", op)
		}
	}
}
