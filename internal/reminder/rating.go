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

// Rating is a buyer's tier with the reason for it, so that a seller can explain it.
type Rating struct {
	Tier   Tier
	Reason string
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
		return Rating{TierWatch, fmt.Sprintf("%d dispute(s) lost", s.DisputesLost)}
	case s.NeverPaid >= 2:
		return Rating{TierWatch, fmt.Sprintf("%d orders never paid", s.NeverPaid)}
	case s.NeverPaid > paid:
		return Rating{TierWatch, fmt.Sprintf("%d orders never paid, %d paid", s.NeverPaid, paid)}
	case s.PaidBeforeReminder >= 3 && s.NeverPaid == 0 && s.FullRefunds <= s.PaidBeforeReminder/3:
		return Rating{TierTrusted, fmt.Sprintf("%d orders paid before any reminder", s.PaidBeforeReminder)}
	case paid == 0 && s.NeverPaid == 0:
		return Rating{TierStandard, "new buyer"}
	default:
		return Rating{TierStandard, fmt.Sprintf("%d paid (%d after reminders), %d never paid", paid, s.PaidAfterReminders, s.NeverPaid)}
	}
}
