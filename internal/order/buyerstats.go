package order

// BuyerStats is a buyer's payment history, the input of the payment rating. Each counter is
// incremented in the same store write as the event that changes it.
type BuyerStats struct {
	PaidBeforeReminder int // paid before any reminder went out
	PaidAfterReminders int // paid, but only after one or more reminders
	NeverPaid          int // orders terminated unpaid
	FullRefunds        int // orders refunded in full
	DisputesLost       int // disputes (chargebacks) the seller lost
}

// The counter names an Outcome's BuyerStat uses; also the stored attribute names.
const (
	StatPaidBeforeReminder = "paid_before_reminder"
	StatPaidAfterReminders = "paid_after_reminders"
	StatNeverPaid          = "never_paid"
	StatFullRefunds        = "full_refunds"
	StatDisputesLost       = "disputes_lost"
)

// Add returns s with the named counter incremented (unknown names change nothing).
func (s BuyerStats) Add(stat string) BuyerStats {
	switch stat {
	case StatPaidBeforeReminder:
		s.PaidBeforeReminder++
	case StatPaidAfterReminders:
		s.PaidAfterReminders++
	case StatNeverPaid:
		s.NeverPaid++
	case StatFullRefunds:
		s.FullRefunds++
	case StatDisputesLost:
		s.DisputesLost++
	}
	return s
}
