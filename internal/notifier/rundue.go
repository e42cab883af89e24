package notifier

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// DefaultBatch is how many due rows one read of the due index returns when RunDue is given
// no limit.
const DefaultBatch = 100

// RunDue drains the outbox's due index at the notifier's clock, page after page of up to
// limit rows (DefaultBatch when limit <= 0): a due pending row is delivered (Deliver); a
// sending row whose lease has lapsed is marked unknown (ExpireNotification), because its
// holder may have sent it before it stopped, and it is never sent again. It is the safety
// net behind the stream: rows whose stream record was lost, rows deferred by quiet hours or
// a retry, and claims that died.
//
// Each row is handled at most once per run, so a run ends: when a page is short, brings no
// row not seen in this run, or ctx ends (the rest waits for the next run). A row whose
// claim or outcome cannot be written does not stop the run; the error returned then names
// how many did so, with the first error.
func (n *Notifier) RunDue(ctx context.Context, limit int) (Summary, error) {
	if limit <= 0 {
		limit = DefaultBatch
	}
	var sum Summary
	var first error
	seen := map[order.NotificationRef]bool{}
	for ctx.Err() == nil {
		now := n.cfg.Now()
		due, err := n.cfg.Store.DueNotifications(ctx, now, limit)
		if err != nil {
			return sum, fmt.Errorf("notifier: read due rows: %w", err)
		}
		fresh := 0
		for _, row := range due {
			ref := row.Ref()
			if seen[ref] || ctx.Err() != nil {
				continue
			}
			seen[ref] = true
			fresh++
			sum.Due++
			var err error
			switch row.Status {
			case order.NotificationPending:
				var res Result
				res, err = n.Deliver(ctx, ref)
				sum.add(res)
			case order.NotificationSending:
				err = n.expire(ctx, row, now, &sum)
			}
			if err != nil {
				sum.Errors++
				if first == nil {
					first = err
				}
			}
		}
		if len(due) < limit || fresh == 0 {
			break
		}
	}
	if first != nil {
		return sum, fmt.Errorf("notifier: %d of %d due rows not recorded; first: %w", sum.Errors, sum.Due, first)
	}
	return sum, nil
}

// expire marks a sending row whose lease lapsed at or before now unknown. A row that
// changed meanwhile (its holder recorded the outcome; the copy lagged) is left alone.
func (n *Notifier) expire(ctx context.Context, row order.Notification, now time.Time, sum *Summary) error {
	if row.LeaseUntil.After(now) {
		return nil
	}
	reason := fmt.Sprintf("claim by %s lapsed at %s without a recorded outcome; the message may have been sent",
		row.Owner, row.LeaseUntil.UTC().Format(time.RFC3339))
	err := n.cfg.Store.ExpireNotification(ctx, row.Ref(), now, reason)
	switch order.ErrorCode(err) {
	case "":
		sum.Expired++
		n.count(row.Kind, order.NotificationUnknown)
		n.log.LogAttrs(ctx, slog.LevelWarn, "notification", slog.String("row", row.Ref().String()),
			slog.String("kind", string(row.Kind)), slog.String("status", order.NotificationUnknown),
			slog.Int("attempt", row.Attempts), slog.String("reason", reason))
		return nil
	case order.CodeConflict, order.CodeNotFound:
		sum.NotClaimed++
		return nil
	}
	return fmt.Errorf("notifier: expire %s: %w", row.Ref(), err)
}

// count counts one recorded outcome when the notifier has Metrics.
func (n *Notifier) count(kind order.NotificationKind, status string) {
	if n.cfg.Metrics != nil {
		n.cfg.Metrics.MessageFinished(string(kind), status)
	}
}
