package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/orderwire/orderwire/internal/reminder"
)

// sweepEvery runs the reminder sweep every interval until ctx ends, logging what each run
// did (counts only: no buyer data). It is the local stand-in for the EventBridge schedule.
func sweepEvery(ctx context.Context, sw *reminder.Sweeper, interval time.Duration, log *slog.Logger) {
	every(ctx, interval, func(now time.Time) {
		rep, err := sw.Run(ctx, now)
		if err != nil {
			log.Error("reminder sweep", "err", err.Error())
			return
		}
		if rep.Due > 0 {
			log.Info("reminder sweep", "due", rep.Due, "reminders", rep.Reminders, "final_notices", rep.FinalNotices,
				"terminated", rep.Terminated, "deferred", rep.Deferred, "lost_races", rep.Lost)
		}
	})
}

// purger deletes what has expired (the embedded store; DynamoDB expires items by TTL).
type purger interface {
	PurgeExpired(ctx context.Context, now time.Time) (int, error)
}

// compactor is a local message file (localsink.Sink) that drops entries sent before a time.
type compactor interface {
	Compact(before time.Time) (int, error)
}

// purgeEvery applies the retention now and every interval until ctx ends: p's purge (nil on
// DynamoDB, whose TTL does it) and the compaction of the local message files to
// messages (the message retention). It logs counts only: no buyer data.
func purgeEvery(ctx context.Context, p purger, files []compactor, messages time.Duration, interval time.Duration, log *slog.Logger) {
	purge := func(now time.Time) {
		if p != nil {
			if n, err := p.PurgeExpired(ctx, now); err != nil && ctx.Err() == nil {
				log.Error("purge expired items", "err", err.Error())
			} else if n > 0 {
				log.Info("purged expired items", "count", n)
			}
		}
		for _, f := range files {
			if n, err := f.Compact(now.Add(-messages)); err != nil {
				log.Error("compact local message file", "err", err.Error())
			} else if n > 0 {
				log.Info("compacted local message file", "dropped", n)
			}
		}
	}
	purge(time.Now())
	every(ctx, interval, purge)
}

// every calls run with the tick's time every interval until ctx ends; a zero or negative
// interval never calls it.
func every(ctx context.Context, interval time.Duration, run func(now time.Time)) {
	if interval <= 0 {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			run(now)
		}
	}
}
