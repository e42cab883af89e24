package reminder

import (
	"fmt"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// StepKind is what the sweep does to an unpaid order when its time comes.
type StepKind string

// The steps, in the order they happen.
const (
	StepRemind      StepKind = "payment_reminder"
	StepFinalNotice StepKind = "payment_final_notice"
	StepTerminate   StepKind = "terminate"
)

// Step is the next dunning step of an order.
type Step struct {
	Kind StepKind
	At   time.Time
}

// cadence returns the cadence of tier, the standard one for an unknown tier.
func (p Policy) cadence(tier Tier) Cadence {
	if c, ok := p.Tiers[tier]; ok {
		return c
	}
	return p.Tiers[TierStandard]
}

// Next returns the next step of unpaid order o (its tier and counters decide), before any
// quiet-hours deferral: the next reminder if one is left and falls before the final notice,
// else the final notice, else the termination at the payment due date.
func (p Policy) Next(o order.Order) Step {
	c := p.cadence(Tier(o.DunningTier))
	final := p.finalNoticeAt(o)
	if o.RemindersSent < min(c.MaxReminders, len(c.AfterCreated)) {
		if at := o.CreatedAt.Add(time.Duration(c.AfterCreated[o.RemindersSent])); at.Before(final) && at.Before(o.PaymentDueAt) {
			return Step{StepRemind, at}
		}
	}
	if !o.FinalNoticeSent && final.After(o.CreatedAt) && final.Before(o.PaymentDueAt) {
		return Step{StepFinalNotice, final}
	}
	return Step{StepTerminate, o.PaymentDueAt}
}

func (p Policy) finalNoticeAt(o order.Order) time.Time {
	return o.PaymentDueAt.Add(-time.Duration(p.cadence(Tier(o.DunningTier)).FinalNoticeBeforeDue))
}

// Schedule sets o's due-index time: the next step's time while o is pending_payment,
// otherwise its next dispute_response_due alert (order.DisputeAlertAt; zero for none). The
// seller use case calls it whenever it registers or updates an order.
func (p Policy) Schedule(o order.Order) order.Order {
	o.NextActionAt = o.DisputeAlertAt()
	if o.Status == order.StatusPendingPayment {
		o.NextActionAt = p.Next(o).At.UTC()
	}
	return o
}

// Quiet reports whether t falls in the quiet hours in loc, and if so the first moment after
// them (QuietEnd:00 local time).
func (p Policy) Quiet(t time.Time, loc *time.Location) (bool, time.Time) {
	if p.QuietStart == p.QuietEnd {
		return false, t
	}
	local := t.In(loc)
	h := local.Hour()
	quiet := h >= p.QuietStart || h < p.QuietEnd
	if p.QuietStart < p.QuietEnd { // quiet hours inside one day, e.g. 13-15
		quiet = h >= p.QuietStart && h < p.QuietEnd
	}
	if !quiet {
		return false, t
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), p.QuietEnd, 0, 0, 0, loc)
	if !end.After(local) {
		end = end.AddDate(0, 0, 1)
	}
	return true, end.UTC()
}

// Decide returns what the sweep does to order o at now, and false when there is nothing to
// do yet (its step is not due). A reminder or final notice due in the buyer's quiet hours
// is deferred (the order only moves in the index). Reminders that fell due while the sweep
// was not running are not all sent: one goes out and the ones it covers are skipped.
func (p Policy) Decide(o order.Order, now time.Time) (order.DunningChange, bool) {
	next := o
	next.Version = o.Version + 1
	next.UpdatedAt = now.UTC()
	if o.Status != order.StatusPendingPayment {
		if o.NextActionAt.IsZero() {
			return order.DunningChange{}, false // paid meanwhile: nothing to do, ever
		}
		next.NextActionAt = time.Time{} // a stale index entry: drop it
		return order.DunningChange{Order: next}, true
	}
	step := p.Next(o)
	switch {
	case !now.Before(o.PaymentDueAt): // a sweep that comes late sends no stale reminder
		step = Step{StepTerminate, o.PaymentDueAt}
	case step.Kind == StepRemind && !o.FinalNoticeSent:
		if final := p.finalNoticeAt(o); final.After(o.CreatedAt) && !now.Before(final) {
			step = Step{StepFinalNotice, final}
		}
	}
	if step.At.After(now) {
		if step.At.Equal(o.NextActionAt) {
			return order.DunningChange{}, false
		}
		next.NextActionAt = step.At.UTC() // the schedule moved (a new due date)
		return order.DunningChange{Order: next}, true
	}
	loc, err := time.LoadLocation(o.BuyerTimeZone)
	if err != nil {
		loc = time.UTC
	}
	var kind order.NotificationKind
	var stat, what string
	switch step.Kind {
	case StepTerminate:
		moved, err := o.MoveTo(order.StatusTerminated, now)
		if err != nil {
			return order.DunningChange{}, false
		}
		next.Status = moved.Status
		kind, stat, what = order.NotifyOrderTerminated, order.StatNeverPaid, "terminated: not paid by the due date"
	case StepFinalNotice:
		if quiet, until := p.Quiet(now, loc); quiet {
			next.NextActionAt = until
			return order.DunningChange{Order: next}, true
		}
		next.FinalNoticeSent = true
		kind, what = order.NotifyPaymentFinalNotice, "final notice sent"
	default:
		if quiet, until := p.Quiet(now, loc); quiet {
			next.NextActionAt = until
			return order.DunningChange{Order: next}, true
		}
		next.RemindersSent = p.remindersDue(o, now)
		kind, what = order.NotifyPaymentReminder, fmt.Sprintf("reminder %d sent", next.RemindersSent)
	}
	next = p.Schedule(next)
	entry := order.TimelineEntry{Kind: order.KindReminder, Type: string(step.Kind), Source: "orderwire",
		EventID: fmt.Sprintf("dunning:%d", next.Version), OccurredAt: now.UTC(), ReceivedAt: now.UTC(),
		Applied: true, Reason: what}
	note := order.Notification{OrderID: o.ID, BuyerID: o.BuyerID, Kind: kind, Seq: next.Version,
		Status: order.NotificationPending, CreatedAt: now.UTC(), CauseSource: entry.Source, CauseEventID: entry.EventID}
	return order.DunningChange{Order: next, Entry: &entry, Notify: []order.Notification{note}, BuyerStat: stat}, true
}

// remindersDue counts the reminders of o's cadence whose time has come by now (at least one
// more than were sent): sending one covers every reminder that is already late.
func (p Policy) remindersDue(o order.Order, now time.Time) int {
	c := p.cadence(Tier(o.DunningTier))
	n := o.RemindersSent + 1
	for n < min(c.MaxReminders, len(c.AfterCreated)) && !o.CreatedAt.Add(time.Duration(c.AfterCreated[n])).After(now) {
		n++
	}
	return n
}
