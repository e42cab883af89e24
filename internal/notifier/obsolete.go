package notifier

import (
	"fmt"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// DefaultMaxAge is how old a row may be and still be sent (Config.MaxAge). A row waits at
// most a night of quiet hours plus the retries of DefaultRetryAfter (~8.5 h in all); one
// older than this has been stuck for days (an outage, a first deploy over an old table) and
// would reach the buyer out of context.
const DefaultMaxAge = 72 * time.Hour

// Reasons a claimed row is skipped without any channel being tried.
const (
	ReasonNoLongerDue = "the order no longer awaits payment"
	ReasonRefunded    = "the refunds already cover the payment"
	ReasonTooOld      = "too old to send"
)

// obsolete says why row should no longer be sent to the buyer of o at now, or "": a
// payment reminder or final notice for an order that was paid, cancelled or terminated
// meanwhile (the row may have waited for the morning, or for a retry, while the buyer
// paid); a payment confirmation for an order whose refunds cover the payment by now
// (messages follow the result: a refund that waited for its payment is filed just after
// it); or any row older than maxAge.
func obsolete(row order.Notification, o order.Order, now time.Time, maxAge time.Duration) string {
	if (row.Kind == order.NotifyPaymentReminder || row.Kind == order.NotifyPaymentFinalNotice) &&
		o.Status != order.StatusPendingPayment {
		return fmt.Sprintf("%s (%s)", ReasonNoLongerDue, o.Status)
	}
	if row.Kind == order.NotifyPaymentReceived && o.PaidMinor > 0 && o.RefundedMinor >= o.PaidMinor {
		return ReasonRefunded
	}
	if age := now.Sub(row.CreatedAt); maxAge > 0 && age > maxAge {
		return fmt.Sprintf("%s: created %s ago", ReasonTooOld, age.Truncate(time.Minute))
	}
	return ""
}
