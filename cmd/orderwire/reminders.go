package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/orderwire/orderwire/internal/reminder"
)

// loadPolicy reads ORDERWIRE_POLICY_FILE when set (YAML or JSON, validated), the defaults
// otherwise.
func loadPolicy(getenv func(string) string) (reminder.Policy, error) {
	if path := getenv("ORDERWIRE_POLICY_FILE"); path != "" {
		return reminder.LoadPolicy(path)
	}
	return reminder.DefaultPolicy(), nil
}

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
