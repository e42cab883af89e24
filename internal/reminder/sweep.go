package reminder

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/metrics"
	"github.com/orderwire/orderwire/internal/order"
)

// Store is what the sweep needs (store.Store satisfies it).
type Store interface {
	DueOrders(ctx context.Context, now time.Time, limit int) ([]order.Order, error)
	GetOrder(ctx context.Context, id string) (order.Order, error)
	ApplyDunning(ctx context.Context, ch order.DunningChange) error
}

// Sweeper runs the reminder sweep. It keeps no state between runs: the due index is the
// work list, so a run that times out is resumed by the next one, and overlapping runs are
// safe because every step is a version-checked write (the loser re-reads and finds the
// step done).
type Sweeper struct {
	Store  Store
	Policy Policy
	// Batch is how many due orders one index read returns; zero means 100.
	Batch int
	// Metrics, when set, counts each run's Report, a run that ends in an error included
	// (what it did before the error was done).
	Metrics Metrics
}

// Metrics counts sweep runs (metrics.Recorder satisfies it).
type Metrics interface {
	SweepFinished(metrics.Sweep)
}

// Report is what one run did.
type Report struct {
	Due          int `json:"due"`           // due-index entries read
	Reminders    int `json:"reminders"`     // payment_reminder rows queued
	FinalNotices int `json:"final_notices"` // payment_final_notice rows queued
	Terminated   int `json:"terminated"`    // orders terminated (order_terminated rows queued)
	Deferred     int `json:"deferred"`      // steps moved out of the buyer's quiet hours
	Rescheduled  int `json:"rescheduled"`   // index entries moved or dropped without a message
	Lost         int `json:"lost_races"`    // steps another writer (a payment, another sweep) got to first
	// DisputesDue counts the dispute_response_due seller alerts queued.
	DisputesDue int `json:"disputes_due"`
}

// Run acts on every order due at now, batch after batch, until none is left, a batch makes
// no progress, or ctx ends (then the rest waits for the next run).
func (s *Sweeper) Run(ctx context.Context, now time.Time) (rep Report, err error) {
	if s.Metrics != nil {
		defer func() { s.Metrics.SweepFinished(rep.counts()) }()
	}
	batch := s.Batch
	if batch <= 0 {
		batch = 100
	}
	for ctx.Err() == nil {
		due, err := s.Store.DueOrders(ctx, now, batch)
		if err != nil {
			return rep, err
		}
		rep.Due += len(due)
		progress := 0
		for _, o := range due {
			done, err := s.step(ctx, o, now, &rep)
			if err != nil {
				return rep, err
			}
			if done {
				progress++
			}
		}
		if len(due) < batch || progress == 0 {
			break
		}
	}
	return rep, nil
}

// counts is the part of r that package metrics counts.
func (r Report) counts() metrics.Sweep {
	return metrics.Sweep{Due: r.Due, Reminders: r.Reminders, FinalNotices: r.FinalNotices,
		Terminated: r.Terminated, DisputesDue: r.DisputesDue, LostRaces: r.Lost}
}

// step applies o's due step; on a lost race it re-reads the order (strongly consistent)
// and decides again, once.
func (s *Sweeper) step(ctx context.Context, o order.Order, now time.Time, rep *Report) (bool, error) {
	for attempt := 0; attempt < 2; attempt++ {
		ch, ok := s.decide(o, now)
		if !ok {
			return false, nil
		}
		err := s.Store.ApplyDunning(ctx, ch)
		if order.ErrorCode(err) == order.CodeConflict {
			rep.Lost++
			if o, err = s.Store.GetOrder(ctx, o.ID); err != nil {
				return false, err
			}
			continue
		}
		if err != nil {
			return false, err
		}
		count(rep, ch)
		return true, nil
	}
	return false, nil
}

// decide is o's due step: the dunning policy's while o is pending_payment, otherwise its
// dispute_response_due alert (order.DisputeDueChange).
func (s *Sweeper) decide(o order.Order, now time.Time) (order.DunningChange, bool) {
	if o.Status != order.StatusPendingPayment {
		return order.DisputeDueChange(o, now)
	}
	return s.Policy.Decide(o, now)
}

func count(rep *Report, ch order.DunningChange) {
	if len(ch.Notify) == 0 {
		if ch.Order.Status == order.StatusPendingPayment && !ch.Order.NextActionAt.IsZero() {
			rep.Deferred++ // includes schedule moves; quiet hours are the usual cause
		} else {
			rep.Rescheduled++
		}
		return
	}
	switch ch.Notify[0].Kind {
	case order.NotifyPaymentReminder:
		rep.Reminders++
	case order.NotifyPaymentFinalNotice:
		rep.FinalNotices++
	case order.NotifyOrderTerminated:
		rep.Terminated++
	case order.AlertDisputeResponseDue:
		rep.DisputesDue++
	}
}
