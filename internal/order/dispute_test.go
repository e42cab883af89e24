package order

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// statusEvent is a dispute event of dp_1 that says status, reason and respond-by (minutes
// after t0; negative for none).
func statusEvent(id string, kind EventKind, status, reason string, respondBy, minutes int) Event {
	e := dispute(id, "dp_1", kind, "", minutes)
	e.DisputeStatus, e.DisputeReason = status, reason
	if respondBy >= 0 {
		e.RespondBy = t0.Add(time.Duration(respondBy) * time.Minute)
	}
	return e
}

func TestDisputeStatusFollowsTheLatestEventUntilItEnds(t *testing.T) {
	pay := at("pay", KindPaymentSucceeded, 5000, 1)
	o, changes := arrive(pendingOrder(), pay,
		statusEvent("open", KindDisputeOpened, DisputeNeedsResponse, "fraudulent", 1000, 5),
		statusEvent("review", KindDisputeUpdated, DisputeUnderReview, "", -1, 10))
	d := o.Disputes[0]
	if o.Dispute != DisputeOpen || d.Status != DisputeUnderReview || d.Reason != "fraudulent" ||
		!d.RespondBy.Equal(t0.Add(1000*time.Minute)) || d.Provider != "stripe" || !changes[2].Outcome.Applied {
		t.Fatalf("after review: %q %+v (%+v)", o.Dispute, d, changes[2].Outcome)
	}
	// A later request for more evidence moves it back and brings a new deadline.
	o, _ = arrive(o, statusEvent("again", KindDisputeUpdated, DisputeNeedsResponse, "product_not_received", 2000, 15))
	if d = o.Disputes[0]; d.Status != DisputeNeedsResponse || d.Reason != "product_not_received" || !d.RespondBy.Equal(t0.Add(2000*time.Minute)) {
		t.Fatalf("after second request: %+v", d)
	}
	// Lost ends it: neither a later update nor a later won reopens or clears it.
	o, changes = arrive(o, statusEvent("lost", KindDisputeClosed, DisputeLost, "", -1, 20),
		statusEvent("late", KindDisputeUpdated, DisputeUnderReview, "", 3000, 25),
		statusEvent("won", KindDisputeClosed, DisputeWon, "", -1, 30))
	if d = o.Disputes[0]; o.Dispute != DisputeLost || d.Status != DisputeLost || !d.UpdatedAt.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("after the close: %q %+v", o.Dispute, d)
	}
	if got := stats(changes); !reflect.DeepEqual(got, []string{StatDisputesLost}) {
		t.Fatalf("stats = %v, want disputes_lost once", got)
	}
}

func TestEndedDisputeDoesNotReopenFromAnEarlierEventArrivingLate(t *testing.T) {
	o, _ := arrive(pendingOrder(), statusEvent("closed", KindDisputeClosed, DisputeClosed, "", -1, 20),
		statusEvent("open", KindDisputeOpened, DisputeNeedsResponse, "general", 500, 5))
	d := o.Disputes[0]
	if o.Dispute != DisputeClosed || d.Status != DisputeClosed || d.Reason != "general" ||
		!d.RespondBy.Equal(t0.Add(500*time.Minute)) || !d.OpenedAt.Equal(t0.Add(5*time.Minute)) {
		t.Fatalf("dispute = %q %+v, want closed, opened at +5m", o.Dispute, d)
	}
}

func TestDisputeSummary(t *testing.T) {
	cases := []struct {
		statuses []string
		want     string
	}{
		{nil, ""},
		{[]string{DisputeClosed}, DisputeClosed},
		{[]string{DisputeClosed, DisputeWon}, DisputeWon},
		{[]string{DisputeWon, DisputeLost, DisputeClosed}, DisputeLost},
		{[]string{DisputeLost, DisputeUnderReview}, DisputeOpen},
		{[]string{DisputeNeedsResponse, DisputeWon}, DisputeOpen},
	}
	for _, c := range cases {
		var ledger []LedgerEntry
		for i, s := range c.statuses {
			ledger = append(ledger, LedgerEntry{Source: "paypal", EventID: s, Kind: KindDisputeUpdated,
				OccurredAt: t0.Add(time.Duration(i) * time.Minute), DisputeID: "PP-D-" + s, DisputeStatus: s})
		}
		if got := FoldLedger(ledger).Dispute; got != c.want {
			t.Errorf("statuses %v: summary %q, want %q", c.statuses, got, c.want)
		}
	}
}

func TestDisputeEventsWithoutStatusKeepTheOldMeaning(t *testing.T) {
	// Events recorded before DisputeStatus existed: opened is needs_response, a close its outcome.
	o, _ := arrive(pendingOrder(), dispute("open", "dp_1", KindDisputeOpened, "", 5))
	if o.Disputes[0].Status != DisputeNeedsResponse || o.Dispute != DisputeOpen {
		t.Fatalf("opened without status: %+v", o.Disputes)
	}
	o, _ = arrive(o, dispute("upd", "dp_1", KindDisputeUpdated, "", 6))
	if o.Disputes[0].Status != DisputeNeedsResponse {
		t.Fatalf("an update without status changed the status: %+v", o.Disputes)
	}
	o, _ = arrive(o, dispute("won", "dp_1", KindDisputeClosed, DisputeWon, 7))
	if o.Disputes[0].Status != DisputeWon || o.Dispute != DisputeWon {
		t.Fatalf("closed won without status: %+v", o.Disputes)
	}
}

func TestDisputeEventsThatAreRefused(t *testing.T) {
	for name, e := range map[string]Event{
		"unknown status":         statusEvent("x", KindDisputeUpdated, "pending", "", -1, 5),
		"closed, status open":    statusEvent("y", KindDisputeClosed, DisputeUnderReview, "", -1, 5),
		"closed, no outcome":     dispute("z", "dp_1", KindDisputeClosed, "", 5),
		"closed, outcome closed": dispute("w", "dp_1", KindDisputeClosed, DisputeClosed, 5),
	} {
		c := PaymentChange(pendingOrder(), e, t0)
		if c.Changed || c.Outcome.Applied || c.Outcome.Reason == "" {
			t.Errorf("%s: %+v, want refused with a reason", name, c.Outcome)
		}
	}
	c := PaymentChange(pendingOrder(), statusEvent("v", KindDisputeUpdated, "pending", "", -1, 5), t0)
	if !strings.Contains(c.Outcome.Reason, `unknown dispute status "pending"`) {
		t.Fatalf("reason = %q", c.Outcome.Reason)
	}
}

func TestSameDisputeIDFromTwoProvidersIsTwoDisputes(t *testing.T) {
	a := statusEvent("a", KindDisputeOpened, DisputeNeedsResponse, "", -1, 5)
	b := statusEvent("b", KindDisputeClosed, DisputeLost, "", -1, 6)
	b.Source = "standard"
	o, _ := arrive(pendingOrder(), a, b)
	if len(o.Disputes) != 2 || o.Disputes[0].Provider != "stripe" || o.Disputes[1].Provider != "standard" ||
		o.Disputes[0].Status != DisputeNeedsResponse || o.Dispute != DisputeOpen {
		t.Fatalf("disputes = %+v", o.Disputes)
	}
}

func TestRespondByAloneIsAChange(t *testing.T) {
	o, _ := arrive(pendingOrder(), statusEvent("open", KindDisputeOpened, DisputeNeedsResponse, "", 100, 5))
	o, changes := arrive(o, statusEvent("ext", KindDisputeUpdated, DisputeNeedsResponse, "", 200, 6))
	if !changes[0].Outcome.Applied || !o.Disputes[0].RespondBy.Equal(t0.Add(200*time.Minute)) {
		t.Fatalf("deadline moved: %+v %+v", changes[0].Outcome, o.Disputes)
	}
	// The same facts again (a later event saying nothing new) only move UpdatedAt.
	o, changes = arrive(o, statusEvent("same", KindDisputeUpdated, DisputeNeedsResponse, "", 200, 7))
	if !changes[0].Changed || !o.Disputes[0].UpdatedAt.Equal(t0.Add(7*time.Minute)) {
		t.Fatalf("same facts: %+v %+v", changes[0].Outcome, o.Disputes)
	}
}
