package notifier

import (
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// The quiet hours, in the buyer's local time: from QuietStart:00 until QuietEnd:00 no
// payment reminder goes out on any channel and no SMS of any kind (US Reg F §1006.6 calls
// earlier and later inconvenient; a text wakes people up, an email does not).
const (
	QuietStart = 21
	QuietEnd   = 8
)

// quietHours reuses the dunning sweep's DST-aware computation with the notifier's hours.
var quietHours = reminder.Policy{QuietStart: QuietStart, QuietEnd: QuietEnd}

// Quiet reports whether a message of kind k on channel ch must wait at now for a buyer in
// loc, and if so until when: the next QuietEnd:00 local time (in UTC), which is correct
// across DST changes because it is built from the local calendar date, not by adding
// hours. Reminders (payment_reminder, payment_final_notice) wait on every channel, SMS of
// every kind waits; other emails (a payment confirmation, a shipment update) go out at any
// hour.
func Quiet(k order.NotificationKind, ch message.Channel, now time.Time, loc *time.Location) (bool, time.Time) {
	reminderKind := k == order.NotifyPaymentReminder || k == order.NotifyPaymentFinalNotice
	if !reminderKind && ch != message.ChannelSMS {
		return false, now
	}
	if loc == nil {
		loc = time.UTC
	}
	return quietHours.Quiet(now, loc)
}
