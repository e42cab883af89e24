package deploytest

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
)

// The sweep side of the derivation. A function that hands the store to a reminder.Sweeper
// needs what Sweeper.Run sends through dynamo.Store: DueOrders queries the due index, and
// each due order's step is one ApplyDunning transaction whose items depend on the step
// (the order always; a timeline entry and an outbox row when a message goes out; the
// buyer's counter when the order is terminated); a step that loses a race re-reads the
// order (GetOrder) and decides again. sweepStates sets up a table where each of those
// happens, and sweepCalls runs the real Sweeper over it.

// sweepState is one run of the sweep: the instant it runs as of, and how many of its
// transactions another writer wins first.
type sweepState struct {
	name      string
	at        time.Time
	conflicts int
}

// sweepCreated is when the state's order is registered: 10:00 in Lisbon (UTC+0 in
// November), so no step falls in the quiet hours; payment is due a week later.
var sweepCreated = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// sweepSetup returns a table holding one unpaid order, registered through seller.Service
// (which puts it in the due index), and the runs of the sweep over it.
func sweepSetup(t *testing.T) (*recordingDynamo, []sweepState) {
	t.Helper()
	setup := newRecorder(t)
	setup.keep = true
	svc := &seller.Service{Orders: dynamo.New(setup, "orderwire"), Now: func() time.Time { return sweepCreated }}
	due := sweepCreated.Add(7 * 24 * time.Hour)
	_, _, err := svc.PutOrder(context.Background(), "ord-unpaid", order.Terms{
		Buyer: order.Buyer{ID: "buyer-unpaid", Name: "Rui Sousa", Email: "rui@example.com", Locale: "pt-PT",
			TimeZone: "Europe/Lisbon", Country: "PT"},
		AmountMinor: 5000, Currency: "EUR", PaymentDueAt: due})
	if err != nil {
		t.Fatalf("setting up: %v", err)
	}
	if item := setup.table[store.OrderPK("ord-unpaid")][store.MetaSK]; item == nil || str(item[dynamo.DueIndex+"PK"]) == "" {
		t.Fatal("setting up: the registered order is not in the due index")
	}
	return setup, []sweepState{
		{name: "first reminder due", at: sweepCreated.Add(61 * time.Minute)},
		{name: "final notice due", at: due.Add(-23 * time.Hour)},
		{name: "past the due date", at: due.Add(time.Minute)},
		{name: "another writer wins the race", at: sweepCreated.Add(61 * time.Minute), conflicts: 1},
	}
}

// sweepCalls returns the DynamoDB requests Sweeper.Run (the default policy) sends through a
// dynamo.Store over recordingDynamo in every sweep state, and the sum of the runs' reports.
func sweepCalls(t *testing.T) (map[call]bool, reminder.Report) {
	t.Helper()
	setup, states := sweepSetup(t)
	calls := map[call]bool{}
	var total reminder.Report
	for _, s := range states {
		rec := newRecorder(t)
		rec.table, rec.conflicts = setup.table, s.conflicts
		sw := &reminder.Sweeper{Store: dynamo.New(rec, "orderwire"), Policy: reminder.DefaultPolicy()}
		rep, err := sw.Run(context.Background(), s.at)
		if err != nil {
			t.Errorf("sweep state %q: %v", s.name, err)
		}
		if rep.Due == 0 {
			t.Errorf("sweep state %q: nothing due", s.name)
		}
		total.Due += rep.Due
		total.Reminders += rep.Reminders
		total.FinalNotices += rep.FinalNotices
		total.Terminated += rep.Terminated
		total.Lost += rep.Lost
		maps.Copy(calls, rec.calls)
	}
	return calls, total
}

// TestSweepStatesReachEveryOutcome keeps the sweep derivation honest: over its states the
// sweep sends a reminder, a final notice, terminates an order and loses a race, so every
// request Sweeper.Run can send (the due-index Query, the transaction's Put and Update items,
// the re-reading GetItem) is among the derived grants.
func TestSweepStatesReachEveryOutcome(t *testing.T) {
	calls, rep := sweepCalls(t)
	for what, n := range map[string]int{"reminder": rep.Reminders, "final notice": rep.FinalNotices,
		"termination": rep.Terminated, "lost race": rep.Lost} {
		if n == 0 {
			t.Errorf("no sweep state reaches a %s", what)
		}
	}
	for _, want := range []call{{op: "dynamodb.Query", index: dynamo.DueIndex}, {op: "dynamodb.Put"},
		{op: "dynamodb.Update"}, {op: "dynamodb.GetItem"}} {
		if !calls[want] {
			t.Errorf("the sweep states never send %+v", want)
		}
	}
}
