package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// DeadlineMargin is how long before the Lambda deadline the sweep stops: it starts no new
// step after that, and a DynamoDB call still in flight is cancelled (a transaction either
// committed or did not; both are safe). The orders left stay in the due index for the next
// run, so a long backlog is worked off over several runs instead of timing out mid-write.
const DeadlineMargin = 5 * time.Second

// maxAhead is how far past the clock an "at" may be: clock skew between the invoker and
// Lambda, not time travel (see sweepTime).
const maxAhead = time.Minute

// handler runs one reminder sweep per invocation.
type handler struct {
	Sweeper *reminder.Sweeper
	Logger  *slog.Logger
	Now     func() time.Time // nil: time.Now
	Margin  time.Duration    // zero: DeadlineMargin
}

// Handle is the Lambda handler. The payload is whatever the invoker sends: EventBridge
// Scheduler's default notification (an EventBridge-shaped event, "source": "aws.scheduler"),
// {}, or nothing; none of it is needed. An object with "at" (RFC 3339) runs the sweep as of
// that instant instead of now, for an operator replaying a run.
//
// The sweep gets a context that ends DeadlineMargin before the invocation's deadline. A run
// cut short there is a success: Handle logs and returns what it did, with no error, and the
// rest waits in the due index. Any other failure is returned, so Lambda counts an error.
// The log line holds counts only (never an order or a buyer).
func (h *handler) Handle(ctx context.Context, payload json.RawMessage) (reminder.Report, error) {
	at, err := sweepTime(payload, h.now())
	if err != nil {
		h.Logger.Error("reminder sweep refused", "err", err.Error())
		return reminder.Report{}, err
	}
	run, cancel := h.withMargin(ctx)
	defer cancel()
	rep, err := h.Sweeper.Run(run, at)
	timeUp := run.Err() != nil && ctx.Err() == nil
	attrs := []any{"at", at.UTC().Format(time.RFC3339), "due", rep.Due, "reminders", rep.Reminders,
		"final_notices", rep.FinalNotices, "terminated", rep.Terminated, "deferred", rep.Deferred,
		"rescheduled", rep.Rescheduled, "lost_races", rep.Lost, "time_up", timeUp}
	switch {
	case err != nil && !timeUp:
		h.Logger.Error("reminder sweep failed", append(attrs, "err", err.Error())...)
		return rep, err
	case err != nil:
		h.Logger.Warn("reminder sweep stopped at the deadline margin; the rest is left for the next run",
			append(attrs, "interrupted", err.Error())...)
	default:
		h.Logger.Info("reminder sweep", attrs...)
	}
	return rep, nil
}

func (h *handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// withMargin is lambdaenv.WithMargin with h's margin (zero: DeadlineMargin).
func (h *handler) withMargin(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.Margin <= 0 {
		return lambdaenv.WithMargin(ctx, DeadlineMargin)
	}
	return lambdaenv.WithMargin(ctx, h.Margin)
}

// sweepTime returns the instant the sweep runs as of: the payload's "at" when it is an object
// that has one, now for anything else (an empty payload, null, an EventBridge event, {}).
// An "at" that is not an RFC 3339 time is CodeInvalid. So is one more than maxAhead past
// now: on AWS a sweep as of a later instant would send real buyers reminders and final
// notices early and terminate orders before their due date; time travel is for
// `orderwire serve` (POST /local/reminders/run). An earlier instant only does less.
func sweepTime(payload json.RawMessage, now time.Time) (time.Time, error) {
	const op = "reminders.sweepTime"
	var in map[string]json.RawMessage
	if err := json.Unmarshal(payload, &in); err != nil || in["at"] == nil || bytes.Equal(in["at"], []byte("null")) {
		return now, nil
	}
	var s string
	if err := json.Unmarshal(in["at"], &s); err != nil {
		return time.Time{}, fieldError(op, "must be a string: an RFC 3339 time such as 2026-11-23T10:00:00Z")
	}
	at, err := time.Parse(time.RFC3339, s)
	switch {
	case err != nil:
		return time.Time{}, fieldError(op, "must be an RFC 3339 time such as 2026-11-23T10:00:00Z")
	case at.After(now.Add(maxAhead)):
		return time.Time{}, fieldError(op, "must not be in the future: a sweep ahead of time would remind and terminate early")
	}
	return at, nil
}

func fieldError(op, reason string) error {
	return &order.Error{Code: order.CodeInvalid, Op: op, Message: "invalid sweep request", Fields: map[string]string{"at": reason}}
}
