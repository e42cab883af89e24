package reminder

import (
	"fmt"

	"github.com/orderwire/orderwire/internal/order"
)

// Tier is a buyer's payment rating; it selects the reminder cadence.
type Tier string

// The tiers.
const (
	TierTrusted  Tier = "trusted"  // pays without being reminded
	TierStandard Tier = "standard" // new buyers, and buyers who pay after a reminder or two
	TierWatch    Tier = "watch"    // has let orders lapse, or lost the seller a dispute
)

// Tiers lists every tier.
var Tiers = []Tier{TierTrusted, TierStandard, TierWatch}

func (t Tier) valid() bool { return t == TierTrusted || t == TierStandard || t == TierWatch }

// ReasonCode names the rule of Rate that decided a rating, so that a reader can say the
// reason in its own language: the code with Rating.Counts carries everything the English
// Reason says.
type ReasonCode string

// The reason codes; each comment lists what Rating.Counts holds, in the order the English
// Reason shows the numbers.
const (
	ReasonDisputesLost  ReasonCode = "disputes_lost"         // disputes lost
	ReasonNeverPaid     ReasonCode = "never_paid"            // orders never paid
	ReasonMoreUnpaid    ReasonCode = "more_unpaid_than_paid" // orders never paid, orders paid
	ReasonPaidEarly     ReasonCode = "paid_before_reminder"  // orders paid before any reminder
	ReasonNewBuyer      ReasonCode = "new_buyer"             // nothing
	ReasonPaymentRecord ReasonCode = "payment_record"        // paid, paid after reminders, never paid
)

// ReasonCodes lists every reason code.
var ReasonCodes = []ReasonCode{ReasonDisputesLost, ReasonNeverPaid, ReasonMoreUnpaid, ReasonPaidEarly,
	ReasonNewBuyer, ReasonPaymentRecord}

// Rating is a buyer's tier with the reason for it, so that a seller can explain it: Reason
// in English, and the same as Code with its Counts (see ReasonCode) for translation.
type Rating struct {
	Tier   Tier
	Reason string
	Code   ReasonCode
	Counts []int
}

// rating builds a Rating whose English Reason is format applied to counts.
func rating(t Tier, code ReasonCode, format string, counts ...int) Rating {
	args := make([]any, len(counts))
	for i, n := range counts {
		args[i] = n
	}
	return Rating{Tier: t, Reason: fmt.Sprintf(format, args...), Code: code, Counts: counts}
}

// Rate derives the rating from a buyer's payment history:
//   - watch: a lost dispute (chargeback), or two or more orders never paid, or more
//     unpaid-and-terminated orders than paid ones;
//   - trusted: three or more orders paid before any reminder and nothing against them;
//   - standard: everyone else, including new buyers.
func Rate(s order.BuyerStats) Rating {
	paid := s.PaidBeforeReminder + s.PaidAfterReminders
	switch {
	case s.DisputesLost > 0:
		return rating(TierWatch, ReasonDisputesLost, "%d dispute(s) lost", s.DisputesLost)
	case s.NeverPaid >= 2:
		return rating(TierWatch, ReasonNeverPaid, "%d orders never paid", s.NeverPaid)
	case s.NeverPaid > paid:
		return rating(TierWatch, ReasonMoreUnpaid, "%d orders never paid, %d paid", s.NeverPaid, paid)
	case s.PaidBeforeReminder >= 3 && s.NeverPaid == 0 && s.FullRefunds <= s.PaidBeforeReminder/3:
		return rating(TierTrusted, ReasonPaidEarly, "%d orders paid before any reminder", s.PaidBeforeReminder)
	case paid == 0 && s.NeverPaid == 0:
		return rating(TierStandard, ReasonNewBuyer, "new buyer")
	default:
		return rating(TierStandard, ReasonPaymentRecord, "%d paid (%d after reminders), %d never paid",
			paid, s.PaidAfterReminders, s.NeverPaid)
	}
}
