package order

import (
	"testing"
	"time"
)

// TestTransitionsEveryPair spells out the whole state machine: every (from, to) pair of
// statuses, allowed or refused. A change to the machine must change this table.
func TestTransitionsEveryPair(t *testing.T) {
	allowed := map[[2]Status]bool{
		{StatusPendingPayment, StatusAwaitingShipment}: true,
		{StatusPendingPayment, StatusTerminated}:       true,
		{StatusAwaitingShipment, StatusShipped}:        true,
		{StatusAwaitingShipment, StatusDelivered}:      true,
		{StatusAwaitingShipment, StatusRefunded}:       true,
		{StatusShipped, StatusDelivered}:               true,
		{StatusShipped, StatusRefunded}:                true,
		{StatusDelivered, StatusShipped}:               true,
		{StatusDelivered, StatusRefunded}:              true,
	}
	pairs := 0
	for _, from := range Statuses {
		for _, to := range Statuses {
			pairs++
			want := allowed[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			o := Order{ID: "o1", Status: from, Version: 3}
			next, err := o.MoveTo(to, time.Unix(100, 0))
			switch {
			case want && (err != nil || next.Status != to || next.Version != 4):
				t.Errorf("MoveTo(%s→%s) = %+v, %v; want status %s version 4", from, to, next, err, to)
			case !want && ErrorCode(err) != CodeConflict:
				t.Errorf("MoveTo(%s→%s) error = %v, want conflict", from, to, err)
			}
		}
	}
	if pairs != 36 {
		t.Fatalf("covered %d pairs, want 36", pairs)
	}
}

func TestFinalStatuses(t *testing.T) {
	for _, s := range Statuses {
		want := s == StatusTerminated || s == StatusRefunded
		if s.Final() != want {
			t.Errorf("%s.Final() = %v, want %v", s, s.Final(), want)
		}
	}
	if Status("paid").Valid() || Status("paid").Final() {
		t.Error("unknown status reported valid or final")
	}
}
