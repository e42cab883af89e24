package order

import "time"

// EmailFeedback is what the email provider reported back about a buyer's address after
// orderwire sent to it (on AWS: SES bounce and complaint events, functions/delivery-events).
// The store keeps it on the buyer, apart from the contact details the seller sets.
type EmailFeedback struct {
	// SuppressedReason is why orderwire no longer emails the buyer (SuppressHardBounce or
	// SuppressComplaint), "" while email is allowed; SuppressedAt is when the provider
	// reported it. The first report is kept: a later one does not change them.
	SuppressedReason string
	SuppressedAt     time.Time
	// SoftBounces counts transient (and undetermined) bounces: a full mailbox, a message
	// too large, a receiving server that was unavailable. They do not stop email.
	SoftBounces int
}

// The reasons email to a buyer is suppressed.
const (
	SuppressHardBounce = "hard_bounce" // the receiving server refused the address for good
	SuppressComplaint  = "complaint"   // the buyer marked a message as spam
)

// Suppressed reports whether email to the buyer is suppressed.
func (f EmailFeedback) Suppressed() bool { return f.SuppressedReason != "" }
