package deploytest

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// The outbox side of the derivation. The store.Outbox methods move one outbox row through
// its delivery states: a strongly consistent GetItem of the row, then, only when the row is
// in the state the method moves it from, one conditional PutItem of the changed row.
// DueNotifications queries the outbox's shards of the due index (GSI2, MSGDUE#). Called
// on a row in any other state, a transition reads and writes nothing, so the generic driving
// of storeCalls (arbitrary arguments in every table) would derive the reads only. Each
// Outbox method is driven instead in the table state where it writes (outboxSteps):
//
//   - ClaimNotification on a pending row that is due;
//   - FinishNotification by the claim's owner on the row it claimed (sending), and on the
//     same row after its lease lapsed and it was marked unknown (the true outcome then
//     replaces unknown);
//   - ExpireNotification on a sending row whose lease has lapsed;
//   - DueNotifications on a table holding due pending rows and a lapsed claim.

// outboxOwner and outboxLease are the claim the steps make.
const (
	outboxOwner = "notifier-deploytest"
	outboxLease = 2 * time.Minute
)

// outboxStep is one Outbox method called in one state of the table; call returns how many
// rows it read (DueNotifications) and its error.
type outboxStep struct {
	state, method string
	table         itemTable
	call          func(ctx context.Context, st *dynamo.Store) (int, error)
}

// outboxSteps sets up, through the store itself, a paid order whose parcel is registered
// (so that its outbox holds pending rows), the same with its first row claimed, and with
// that claim expired, and returns the step that writes in each.
func outboxSteps(t *testing.T) []outboxStep {
	t.Helper()
	ctx := context.Background()
	sc := newScenario(t)
	pending := sc.setup(t)
	sc.ship(t, pending, sc.order, "china-post")
	rows, err := dynamo.New(pending, "orderwire").Notifications(ctx, sc.order.ID)
	if err != nil || len(rows) < 2 {
		t.Fatalf("setting up: the registered parcel's order has outbox rows %v (%v); want at least two pending", rows, err)
	}
	row, at := rows[0], time.Time{}
	for _, r := range rows { // every row due, so that DueNotifications finds pending ones too
		if due := r.DueAt().Add(time.Minute); due.After(at) {
			at = due
		}
	}

	claimedRec := sc.setup(t)
	claimedRec.table = cloneTable(pending.table)
	claimed, err := dynamo.New(claimedRec, "orderwire").ClaimNotification(ctx, row.Ref(), outboxOwner, at, outboxLease)
	if err != nil {
		t.Fatalf("setting up: claiming %s: %v", row.Ref(), err)
	}
	lapsed := claimed.LeaseUntil.Add(time.Second)
	unknownRec := sc.setup(t)
	unknownRec.table = cloneTable(claimedRec.table)
	if err := dynamo.New(unknownRec, "orderwire").ExpireNotification(ctx, row.Ref(), lapsed, "lease lapsed"); err != nil {
		t.Fatalf("setting up: expiring %s: %v", row.Ref(), err)
	}

	sent := claimed
	sent.Status, sent.UpdatedAt = order.NotificationSent, at.Add(time.Second)
	sent.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationSent, MessageID: "probe-message", At: sent.UpdatedAt}}
	finish := func(ctx context.Context, st *dynamo.Store) (int, error) { return 0, st.FinishNotification(ctx, sent) }
	sentRec := sc.setup(t)
	sentRec.table = cloneTable(claimedRec.table)
	if err := dynamo.New(sentRec, "orderwire").FinishNotification(ctx, sent); err != nil {
		t.Fatalf("setting up: finishing %s: %v", row.Ref(), err)
	}
	return []outboxStep{
		{state: "pending row, due", method: "ClaimNotification", table: pending.table,
			call: func(ctx context.Context, st *dynamo.Store) (int, error) {
				_, err := st.ClaimNotification(ctx, row.Ref(), outboxOwner, at, outboxLease)
				return 0, err
			}},
		{state: "row claimed by the owner", method: "FinishNotification", table: claimedRec.table, call: finish},
		{state: "claim lapsed, row marked unknown", method: "FinishNotification", table: unknownRec.table, call: finish},
		{state: "claim lapsed", method: "ExpireNotification", table: claimedRec.table,
			call: func(ctx context.Context, st *dynamo.Store) (int, error) {
				return 0, st.ExpireNotification(ctx, row.Ref(), lapsed, "lease lapsed")
			}},
		{state: "row sent by email", method: "MarkDelivered", table: sentRec.table,
			call: func(ctx context.Context, st *dynamo.Store) (int, error) {
				return 0, st.MarkDelivered(ctx, row.Ref(), "probe-message", lapsed)
			}},
		{state: "pending rows and a lapsed claim", method: "DueNotifications", table: claimedRec.table,
			call: func(ctx context.Context, st *dynamo.Store) (int, error) {
				due, err := st.DueNotifications(ctx, lapsed, 25)
				return len(due), err
			}},
	}
}

// isOutboxMethod reports whether name is a method of store.Outbox, or the outbox row
// write of store.Feedback (MarkDelivered, which writes a row the notifier sent), all driven
// by outboxCalls, not by storeCalls' generic loop.
func isOutboxMethod(name string) bool {
	_, ok := reflect.TypeFor[store.Outbox]().MethodByName(name)
	return ok || name == "MarkDelivered"
}

// outboxCalls returns the DynamoDB requests the named Outbox methods send in the states
// where they write. A step must succeed: a conflict would mean it wrote nothing.
func outboxCalls(t *testing.T, methods []string) map[call]bool {
	t.Helper()
	calls := map[call]bool{}
	for _, s := range outboxSteps(t) {
		if !slices.Contains(methods, s.method) {
			continue
		}
		rec := newRecorder(t)
		rec.table = cloneTable(s.table)
		if _, err := s.call(context.Background(), dynamo.New(rec, "orderwire")); err != nil {
			t.Errorf("store.Outbox.%s (%s) on dynamo.Store: %v", s.method, s.state, err)
		}
		maps.Copy(calls, rec.calls)
	}
	return calls
}

// TestOutboxStatesReachEveryTransition keeps the outbox derivation honest: every
// store.Outbox method has a step, each transition's step writes the row (a PutItem), and
// DueNotifications reads both the pending rows and the lapsed claim from the due index.
func TestOutboxStatesReachEveryTransition(t *testing.T) {
	steps := outboxSteps(t)
	outbox := reflect.TypeFor[store.Outbox]()
	for i := range outbox.NumMethod() {
		name := outbox.Method(i).Name
		if !slices.ContainsFunc(steps, func(s outboxStep) bool { return s.method == name }) {
			t.Errorf("store.Outbox.%s has no step in outboxSteps: its grants would not be derived", name)
		}
	}
	for _, s := range steps {
		rec := newRecorder(t)
		rec.table = cloneTable(s.table)
		n, err := s.call(context.Background(), dynamo.New(rec, "orderwire"))
		if err != nil {
			t.Errorf("%s (%s): %v", s.method, s.state, err)
			continue
		}
		var want call
		switch s.method {
		case "DueNotifications":
			want = call{op: "dynamodb.Query", index: dynamo.DueIndex}
			if n < 2 {
				t.Errorf("%s (%s) read %d rows, want the pending rows and the lapsed claim", s.method, s.state, n)
			}
		case "ClaimNotification": // one conditional update that returns the row
			want = call{op: "dynamodb.UpdateItem"}
		default:
			want = call{op: "dynamodb.PutItem"}
		}
		// A transition to unknown also writes the message_unknown alert: the row's Put is then
		// an item of a TransactWriteItems, authorised by dynamodb:PutItem all the same.
		if !rec.calls[want] && !(want.op == "dynamodb.PutItem" && rec.calls[call{op: "dynamodb.Put"}]) {
			t.Errorf("%s (%s) sent %v, never %+v", s.method, s.state, slices.Collect(maps.Keys(rec.calls)), want)
		}
	}
}
