package notifier

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
)

// Deliver claims row ref and delivers it, recording one outcome for the claim:
//
//   - a row that another notifier holds, that is final, or that is not due yet is left
//     alone (Claimed false, nil error): a redelivered stream record is harmless; a missing
//     row is the same, with Note "no such row";
//   - every channel the plan names (PlanChannels) that has no recorded delivery yet is
//     sent, unless the buyer's quiet hours hold it back (Quiet); a channel the provider
//     refuses for good is replaced by the plan's Spare;
//   - temporary failures are tried SendTries times per claim; still failing, the row goes
//     back to pending for RetryAfter(attempts), until its MaxAttempts-th claim records the
//     channel failed;
//   - an uncertain failure is never retried: the row is recorded unknown;
//   - the row is final (sent, skipped, failed) only when every channel it needs has a
//     recorded delivery; otherwise it goes back to pending with the deliveries made so far,
//     and a later claim sends only what is missing.
//
// An error means the claim or the outcome could not be written; the caller may retry the
// call. When the outcome is lost after a send the row stays sending until its lease
// lapses, and RunDue then records it unknown: it is never sent again.
func (n *Notifier) Deliver(ctx context.Context, ref order.NotificationRef) (Result, error) {
	res := Result{Ref: ref}
	now := n.cfg.Now()
	row, err := n.cfg.Store.ClaimNotification(ctx, ref, n.cfg.Owner, now, n.cfg.Lease)
	switch order.ErrorCode(err) {
	case "":
	case order.CodeConflict:
		res.Note = "not claimed: held by another notifier, final, or not due"
		return res, nil
	case order.CodeNotFound:
		res.Note = "no such row"
		return res, nil
	default:
		return res, fmt.Errorf("notifier: claim %s: %w", ref, err)
	}
	res.Claimed = true
	c := &claim{n: n, row: row, now: now, deliveries: slices.Clone(row.Deliveries), loc: time.UTC, tz: "UTC"}
	c.run(ctx)
	out := c.outcome()
	res.Status, res.Reason, res.Messages = out.Status, out.Reason, c.messages
	if out.Status == order.NotificationPending {
		res.NotBefore = out.NotBefore
	}

	// The outcome is written even if ctx has ended: what was sent is known now, and a row
	// left sending would lapse into unknown.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	err = n.cfg.Store.FinishNotification(fctx, out)
	switch order.ErrorCode(err) {
	case "":
		c.log(ctx, out, "")
		n.count(out.Kind, out.Status)
		return res, nil
	case order.CodeConflict:
		res.LostClaim = true
		res.Note = "claim lost before the outcome was recorded"
		c.log(ctx, out, res.Note)
		return res, nil
	default:
		return res, fmt.Errorf("notifier: record %s as %s (%d messages sent in this claim): %w",
			ref, out.Status, c.messages, err)
	}
}

// claim is the work of one Deliver call on the row it claimed.
type claim struct {
	n          *Notifier
	row        order.Notification // as claimed
	now        time.Time          // the time of the claim: quiet hours and retries count from it
	ord        order.Order
	buyer      order.Buyer
	loc        *time.Location
	tz         string
	planReason string // why the plan has no channel
	deliveries []order.Delivery
	notes      []string // what each channel did in this claim, for the log

	unsub     string // the buyer's unsubscribe link, "" for none
	msg       *rendered
	messages  int       // messages handed over in this claim
	quietTill time.Time // a channel waits for the end of the quiet hours
	retry     []string  // temporary failures to try again later
	uncertain []string  // sends whose outcome is unknown
	final     string    // an outcome decided before any channel (an unknown order or buyer)
	err       error     // a store read or render error, for the log
}

// run works out the outcome of the claim; nothing in it writes to the store.
func (c *claim) run(ctx context.Context) {
	if c.row.Kind.ForSeller() {
		c.runAlert(ctx)
		return
	}
	o, err := c.n.cfg.Store.GetOrder(ctx, c.row.OrderID)
	if c.readFailed(err, "order") {
		return
	}
	buyerID := c.row.BuyerID
	if buyerID == "" {
		buyerID = o.BuyerID
	}
	b, err := c.n.cfg.Store.GetBuyer(ctx, buyerID)
	if c.readFailed(err, "buyer") {
		return
	}
	c.ord, c.buyer = o, b
	if why := obsolete(c.row, o, c.now, c.n.cfg.MaxAge); why != "" {
		c.final, c.planReason = order.NotificationSkipped, why
		return
	}
	c.loc, c.tz = c.n.location(b, o)
	if c.n.cfg.UnsubscribeURL != nil {
		c.unsub = c.n.cfg.UnsubscribeURL(b.ID, c.now)
	}

	plan := PlanChannels(c.row.Kind, b, Senders{Email: c.n.cfg.Email != nil, SMS: c.n.cfg.SMS != nil})
	c.planReason = plan.Reason
	for _, s := range plan.Unusable {
		if c.status(s.Channel) == "" {
			c.record(s.Channel, order.NotificationSkipped, "", s.Reason)
		}
	}
	queue := slices.Clone(plan.Channels)
	for i := 0; i < len(queue); i++ {
		ch := queue[i]
		st := c.status(ch)
		if st == "" {
			st = c.send(ctx, ch)
		} else {
			c.notes = append(c.notes, string(ch)+"=earlier-"+st)
		}
		if (st == order.NotificationSkipped || st == order.NotificationFailed) && plan.Spare != "" &&
			!slices.Contains(queue, plan.Spare) {
			queue = append(queue, plan.Spare)
		}
	}
}

// readFailed handles a failed read of the order or the buyer: an unknown one skips the
// row; any other error sends it back to pending for a later claim (nothing was sent).
func (c *claim) readFailed(err error, what string) bool {
	switch order.ErrorCode(err) {
	case "":
		return false
	case order.CodeNotFound:
		c.final, c.planReason = order.NotificationSkipped, what+" unknown"
	default:
		c.err = err
		why := "could not read the " + what
		if c.row.Attempts >= c.n.cfg.MaxAttempts {
			c.final, c.planReason = order.NotificationFailed, fmt.Sprintf("gave up after %d attempts: %s", c.row.Attempts, why)
		} else {
			c.retry = append(c.retry, why)
		}
	}
	return true
}

// status returns the recorded outcome of channel ch, "" if it has none.
func (c *claim) status(ch message.Channel) string {
	for _, d := range c.deliveries {
		if d.Channel == string(ch) {
			return d.Status
		}
	}
	return ""
}

// record adds the final delivery of channel ch and returns its status.
func (c *claim) record(ch message.Channel, status, messageID, reason string) string {
	c.deliveries = append(c.deliveries, order.Delivery{Channel: string(ch), Status: status,
		MessageID: messageID, Reason: reason, At: c.n.cfg.Now().UTC()})
	c.notes = append(c.notes, string(ch)+"="+status)
	return status
}

// outcome is the row to record for this claim.
func (c *claim) outcome() order.Notification {
	out := c.row
	out.Owner = c.n.cfg.Owner
	out.Deliveries = c.deliveries
	out.UpdatedAt = c.n.cfg.Now().UTC()
	switch {
	case len(c.uncertain) > 0:
		out.Status, out.Reason = order.NotificationUnknown, "send outcome unknown: "+strings.Join(c.uncertain, "; ")
	case c.final != "":
		// An unknown order or buyer, or one the store would not return: a channel sent by an
		// earlier claim still makes the row sent.
		out.Status, out.Reason = finalStatus(c.deliveries, c.planReason)
		if out.Status != order.NotificationSent {
			out.Status = c.final
		}
	case len(c.retry) > 0 || !c.quietTill.IsZero():
		var why []string
		next := c.quietTill
		if len(c.retry) > 0 {
			why = append(why, "retrying: "+strings.Join(c.retry, "; "))
			if at := c.now.Add(c.n.cfg.RetryAfter(c.row.Attempts)); next.IsZero() || at.Before(next) {
				next = at
			}
		}
		if !c.quietTill.IsZero() {
			why = append(why, "quiet hours ("+c.tz+")")
		}
		out.Status, out.Reason, out.NotBefore = order.NotificationPending, strings.Join(why, "; "), next.UTC()
	default:
		out.Status, out.Reason = finalStatus(c.deliveries, c.planReason)
	}
	return out
}

// finalStatus is the status of a row every needed channel of which has a delivery: sent
// if any was sent, skipped if all were skipped (or none was needed), failed otherwise. The
// reason lists what did not go out, channel by channel.
func finalStatus(ds []order.Delivery, planReason string) (string, string) {
	sent, skipped := false, true
	var why []string
	for _, d := range ds {
		if d.Status == order.NotificationSent {
			sent = true
			continue
		}
		skipped = skipped && d.Status == order.NotificationSkipped
		why = append(why, d.Channel+": "+d.Reason)
	}
	for _, part := range strings.Split(planReason, "; ") {
		if part != "" && !slices.Contains(why, part) {
			why = append(why, part)
		}
	}
	reason := strings.Join(why, "; ")
	switch {
	case sent:
		return order.NotificationSent, reason
	case skipped:
		return order.NotificationSkipped, reason
	}
	return order.NotificationFailed, reason
}

// log writes the row's one line: its id, kind, outcome and channels, never an address.
func (c *claim) log(ctx context.Context, out order.Notification, note string) {
	level := slog.LevelInfo
	if note != "" || out.Status == order.NotificationFailed || out.Status == order.NotificationUnknown {
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{slog.String("row", out.Ref().String()), slog.String("kind", string(out.Kind)),
		slog.String("status", out.Status), slog.String("channels", strings.Join(c.notes, " ")),
		slog.Int("attempt", c.row.Attempts), slog.Int("messages", c.messages)}
	if out.Reason != "" {
		attrs = append(attrs, slog.String("reason", out.Reason))
	}
	if out.Status == order.NotificationPending {
		attrs = append(attrs, slog.Time("not_before", out.NotBefore))
	}
	if c.err != nil {
		attrs = append(attrs, slog.String("error", c.err.Error()))
	}
	if note != "" {
		attrs = append(attrs, slog.String("note", note))
	}
	c.n.log.LogAttrs(ctx, level, "notification", attrs...)
}
