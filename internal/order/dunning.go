package order

// KindReminder is the timeline kind of the reminder sweep's actions.
const KindReminder EventKind = "payment_reminder_step"

// DunningChange is what one reminder-sweep step does to an unpaid order: the order (version
// bumped; NextActionAt moved on), and when a message goes out or the order is terminated,
// the timeline entry, the outbox row and the buyer statistic it implies.
type DunningChange struct {
	Order     Order
	Entry     *TimelineEntry
	Notify    []Notification
	BuyerStat string
}
