package order

import (
	"fmt"
	"strings"
	"time"
)

// sellerAlerts adds to c (whose Order took ev into its ledger) the seller alerts ev implies,
// keeps the dispute's respond_by and puts the order in the due index for its
// dispute_response_due alert. o is the order before the event.
func (c *EventChange) sellerAlerts(o Order, ev Event, now time.Time) {
	next := &c.Order
	isDispute := ev.Kind == KindDisputeOpened || ev.Kind == KindDisputeUpdated || ev.Kind == KindDisputeClosed
	if isDispute && !ev.RespondBy.IsZero() {
		next.DisputeDeadlines = withDeadline(next.DisputeDeadlines, ev)
	}
	if next.Status != StatusPendingPayment {
		next.NextActionAt = next.DisputeAlertAt()
	}
	add := func(kind NotificationKind, detail string) {
		c.Notify = append(c.Notify, SellerAlert(kind, next.ID, next.Version, ev.Source, ev.EventID, detail, now))
	}
	switch ev.Kind {
	case KindDisputeOpened:
		add(AlertDisputeOpened, disputeDetail(ev))
	case KindDisputeUpdated:
		add(AlertDisputeUpdated, disputeDetail(ev))
	case KindDisputeClosed:
		add(AlertDisputeClosed, disputeDetail(ev))
	case KindFraudWarning:
		add(AlertFraudWarning, "the provider flagged the payment as likely fraud ("+ev.Type+")")
	}
	if o.Status == StatusTerminated && o.PaidMinor == 0 && next.PaidMinor > 0 {
		add(AlertRefundNeeded, fmt.Sprintf("paid %d %s after the order was terminated; it needs a refund", next.PaidMinor, next.Currency))
	}
}

// withDeadline is list with ev's RespondBy for its dispute, unless a later event (in event
// time) already set it; a changed deadline is alerted again.
func withDeadline(list []DisputeDeadline, ev Event) []DisputeDeadline {
	out := append([]DisputeDeadline(nil), list...)
	d := DisputeDeadline{DisputeID: ev.DisputeID, RespondBy: ev.RespondBy.UTC(), Of: ev.OccurredAt.UTC()}
	for i := range out {
		if out[i].DisputeID != ev.DisputeID {
			continue
		}
		if ev.OccurredAt.Before(out[i].Of) {
			return out
		}
		if out[i].RespondBy.Equal(d.RespondBy) {
			d.Alerted = out[i].Alerted
		}
		out[i] = d
		return out
	}
	return append(out, d)
}

// disputeDetail describes a dispute event for the seller: ids, status, amount, deadline.
func disputeDetail(ev Event) string {
	parts := []string{"dispute " + ev.DisputeID}
	if ev.DisputeStatus != "" {
		parts = append(parts, "status "+ev.DisputeStatus)
	}
	if ev.DisputeOutcome != "" {
		parts = append(parts, "outcome "+ev.DisputeOutcome)
	}
	if ev.DisputeReason != "" {
		parts = append(parts, "reason "+ev.DisputeReason)
	}
	if ev.AmountMinor > 0 {
		parts = append(parts, fmt.Sprintf("amount %d %s", ev.AmountMinor, ev.Currency))
	}
	if !ev.RespondBy.IsZero() {
		parts = append(parts, "respond by "+ev.RespondBy.UTC().Format(time.RFC3339))
	}
	return strings.Join(parts, "; ")
}

// DisputeDueChange is the reminder sweep's step for an order past pending_payment that is
// in the due index for a dispute: when DisputeAlertAt is at or before now, the earliest
// such dispute's deadline is marked alerted and one AlertDisputeResponseDue row written
// (its Seq the new version, so a lost race writes nothing); NextActionAt moves to the next
// alert (zero: out of the index). A stale index entry is moved or dropped without an
// alert. ok is false when there is nothing to do.
func DisputeDueChange(o Order, now time.Time) (DunningChange, bool) {
	at := o.DisputeAlertAt()
	next := o
	next.Version, next.UpdatedAt = o.Version+1, now.UTC()
	if at.IsZero() || at.After(now) {
		if at.Equal(o.NextActionAt) {
			return DunningChange{}, false
		}
		next.NextActionAt = at
		return DunningChange{Order: next}, true
	}
	next.DisputeDeadlines = append([]DisputeDeadline(nil), o.DisputeDeadlines...)
	var due *DisputeDeadline
	for i := range next.DisputeDeadlines {
		d := &next.DisputeDeadlines[i]
		if !d.Alerted && !d.RespondBy.IsZero() && o.disputeOpen(d.DisputeID) && d.RespondBy.Add(-DisputeAlertLead).Equal(at) {
			due = d
			break
		}
	}
	due.Alerted = true
	next.NextActionAt = next.DisputeAlertAt()
	detail := fmt.Sprintf("dispute %s: respond by %s", due.DisputeID, due.RespondBy.Format(time.RFC3339))
	alert := SellerAlert(AlertDisputeResponseDue, o.ID, next.Version, "orderwire", "respond-by:"+due.DisputeID, detail, now)
	return DunningChange{Order: next, Notify: []Notification{alert}}, true
}
