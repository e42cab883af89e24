package reminder_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/memstore"
	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// sweeps is a reminder.Metrics that keeps every run's counts.
type sweeps []metrics.Sweep

func (s *sweeps) SweepFinished(m metrics.Sweep) { *s = append(*s, m) }

func (s sweeps) total() metrics.Sweep {
	var t metrics.Sweep
	for _, m := range s {
		t.Due += m.Due
		t.Reminders += m.Reminders
		t.FinalNotices += m.FinalNotices
		t.Terminated += m.Terminated
		t.DisputesDue += m.DisputesDue
		t.LostRaces += m.LostRaces
	}
	return t
}

// TestMetricsCountEveryRun: an order never paid, swept every 30 minutes for 8 days, is
// reminded three times, given a final notice and terminated; Metrics sees one count per
// run, adding up to what the runs reported.
func TestMetricsCountEveryRun(t *testing.T) {
	s, err := memstore.New(memstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, s)
	var got sweeps
	w.sweep.Metrics = &got
	w.register("o-never", "b-never", "Europe/Lisbon")
	end := created.Add(8 * 24 * time.Hour)
	rep := w.runUntil(end, 30*time.Minute)
	runs := int(end.Sub(created)/(30*time.Minute)) + 1
	if len(got) != runs {
		t.Fatalf("%d counts, want one per run (%d)", len(got), runs)
	}
	want := metrics.Sweep{Due: got.total().Due, Reminders: 3, FinalNotices: 1, Terminated: 1}
	if tot := got.total(); tot != want || rep.Reminders != 3 || rep.FinalNotices != 1 || rep.Terminated != 1 || tot.Due < 5 {
		t.Fatalf("counted %+v, reported %+v; want %+v with at least 5 due entries", tot, rep, want)
	}
}

// brokenStore fails the due-index read.
type brokenStore struct{ reminder.Store }

func (brokenStore) DueOrders(context.Context, time.Time, int) ([]order.Order, error) {
	return nil, errors.New("the index is unreachable")
}

// TestMetricsCountFailedRuns: a run that fails is counted too (with what it did).
func TestMetricsCountFailedRuns(t *testing.T) {
	var got sweeps
	sw := &reminder.Sweeper{Store: brokenStore{}, Policy: reminder.DefaultPolicy(), Metrics: &got}
	if _, err := sw.Run(context.Background(), created); err == nil {
		t.Fatal("Run over a broken store: no error")
	}
	if len(got) != 1 || got[0] != (metrics.Sweep{}) {
		t.Fatalf("counted %+v, want one empty run", got)
	}
}
