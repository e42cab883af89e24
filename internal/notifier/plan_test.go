package notifier_test

import (
	"reflect"
	"testing"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

const (
	email = message.ChannelEmail
	sms   = message.ChannelSMS
)

func TestPlanChannels(t *testing.T) {
	both := notifier.Senders{Email: true, SMS: true}
	full := order.Buyer{ID: "b", Email: "ana@example.com", Phone: "+5511912345678"}
	emailOnly := order.Buyer{ID: "b", Email: "ana@example.com"}
	phoneOnly := order.Buyer{ID: "b", Phone: "+5511912345678"}
	with := func(b order.Buyer, p order.Preferences) order.Buyer { b.Preferences = p; return b }
	choose := func(c order.ChannelChoice) order.Preferences { return order.Preferences{Default: c} }
	suppressed := func(b order.Buyer, reason string) order.Buyer {
		b.EmailFeedback = order.EmailFeedback{SuppressedReason: reason}
		return b
	}
	reminder, received, shipped := order.NotifyPaymentReminder, order.NotifyPaymentReceived, order.NotifyShipmentShipped

	tests := []struct {
		name  string
		kind  order.NotificationKind
		buyer order.Buyer
		have  notifier.Senders
		want  notifier.Plan
	}{
		{"default is email when there is an address", reminder, full, both,
			notifier.Plan{Channels: []message.Channel{email}, Spare: sms}},
		{"default is SMS without an address", reminder, phoneOnly, both,
			notifier.Plan{Channels: []message.Channel{sms}}},
		{"email only, no phone: no spare", shipped, emailOnly, both,
			notifier.Plan{Channels: []message.Channel{email}}},
		{"both", shipped, with(full, choose(order.ChannelsBoth)), both,
			notifier.Plan{Channels: []message.Channel{email, sms}}},
		{"both without a phone: the SMS is skipped", shipped, with(emailOnly, choose(order.ChannelsBoth)), both,
			notifier.Plan{Channels: []message.Channel{email}, Unusable: []notifier.Skip{{sms, "no phone number"}}}},
		{"sms chosen, email is the spare", reminder, with(full, choose(order.ChannelsSMS)), both,
			notifier.Plan{Channels: []message.Channel{sms}, Spare: email}},
		{"by-kind choice wins over the default", shipped,
			with(full, order.Preferences{Default: order.ChannelsEmail,
				ByKind: map[order.NotificationKind]order.ChannelChoice{shipped: order.ChannelsSMS}}), both,
			notifier.Plan{Channels: []message.Channel{sms}, Spare: email}},
		{"none", shipped, with(full, choose(order.ChannelsNone)), both,
			notifier.Plan{Reason: "turned off by the buyer"}},
		{"none cannot stop a must-send", received, with(full, choose(order.ChannelsNone)), both,
			notifier.Plan{Channels: []message.Channel{email}, Spare: sms}},
		{"email opt-out removes email; SMS instead", reminder,
			with(full, order.Preferences{EmailOptOut: true}), both,
			notifier.Plan{Channels: []message.Channel{sms}}},
		{"email suppressed after a hard bounce: SMS instead", reminder,
			suppressed(full, order.SuppressHardBounce), both,
			notifier.Plan{Channels: []message.Channel{sms}, Unusable: []notifier.Skip{{email, "email suppressed (hard_bounce)"}}}},
		{"email suppressed after a complaint stops a must-send's email too", received,
			suppressed(full, order.SuppressComplaint), both,
			notifier.Plan{Channels: []message.Channel{sms}, Unusable: []notifier.Skip{{email, "email suppressed (complaint)"}}}},
		{"both, email suppressed: SMS only", shipped,
			with(suppressed(full, order.SuppressHardBounce), choose(order.ChannelsBoth)), both,
			notifier.Plan{Channels: []message.Channel{sms}, Unusable: []notifier.Skip{{email, "email suppressed (hard_bounce)"}}}},
		{"sms chosen, email suppressed: no spare", reminder,
			with(suppressed(full, order.SuppressComplaint), choose(order.ChannelsSMS)), both,
			notifier.Plan{Channels: []message.Channel{sms}}},
		{"email suppressed, no phone: nothing", reminder,
			suppressed(emailOnly, order.SuppressHardBounce), both,
			notifier.Plan{Unusable: []notifier.Skip{{email, "email suppressed (hard_bounce)"}},
				Reason: "email: email suppressed (hard_bounce); sms: no phone number"}},
		{"soft bounces do not suppress", reminder,
			func() order.Buyer { b := full; b.EmailFeedback.SoftBounces = 4; return b }(), both,
			notifier.Plan{Channels: []message.Channel{email}, Spare: sms}},
		{"email opt-out, no phone: nothing", reminder,
			with(emailOnly, order.Preferences{EmailOptOut: true}), both,
			notifier.Plan{Reason: "email: opted out by the buyer; sms: no phone number"}},
		{"email opt-out, SMS opted out too: nothing", reminder,
			with(full, order.Preferences{EmailOptOut: true, SMSOptOut: true}), both,
			notifier.Plan{Reason: "email: opted out by the buyer; sms: opted out by the buyer"}},
		{"email opt-out with both leaves SMS", shipped,
			with(full, order.Preferences{Default: order.ChannelsBoth, EmailOptOut: true}), both,
			notifier.Plan{Channels: []message.Channel{sms}}},
		{"both opted out", shipped,
			with(full, order.Preferences{Default: order.ChannelsBoth, EmailOptOut: true, SMSOptOut: true}), both,
			notifier.Plan{Reason: "email: opted out by the buyer; sms: opted out by the buyer"}},
		{"SMS opt-out takes away the spare", reminder, with(full, order.Preferences{SMSOptOut: true}), both,
			notifier.Plan{Channels: []message.Channel{email}}},
		{"must-send ignores the email opt-out", received, with(full, order.Preferences{EmailOptOut: true}), both,
			notifier.Plan{Channels: []message.Channel{email}, Spare: sms}},
		{"must-send ignores the SMS opt-out for its spare", order.NotifyOrderTerminated,
			with(full, order.Preferences{EmailOptOut: true, SMSOptOut: true}), both,
			notifier.Plan{Channels: []message.Channel{email}, Spare: sms}},
		{"no email sender: SMS instead", reminder, full, notifier.Senders{SMS: true},
			notifier.Plan{Channels: []message.Channel{sms}, Unusable: []notifier.Skip{{email, "no email sender configured"}}}},
		{"no SMS sender: email instead", reminder, with(full, choose(order.ChannelsSMS)), notifier.Senders{Email: true},
			notifier.Plan{Channels: []message.Channel{email}, Unusable: []notifier.Skip{{sms, "no SMS sender configured"}}}},
		{"sms chosen without a phone: email instead", shipped, with(emailOnly, choose(order.ChannelsSMS)), both,
			notifier.Plan{Channels: []message.Channel{email}, Unusable: []notifier.Skip{{sms, "no phone number"}}}},
		{"fallback refused by an opt-out", shipped,
			with(full, order.Preferences{Default: order.ChannelsSMS, EmailOptOut: true}), notifier.Senders{Email: true},
			notifier.Plan{Unusable: []notifier.Skip{{sms, "no SMS sender configured"}},
				Reason: "sms: no SMS sender configured; email: opted out by the buyer"}},
		{"nothing usable", reminder, phoneOnly, notifier.Senders{Email: true},
			notifier.Plan{Unusable: []notifier.Skip{{sms, "no SMS sender configured"}},
				Reason: "sms: no SMS sender configured; email: no email address"}},
		{"both, neither usable", shipped, with(emailOnly, choose(order.ChannelsBoth)), notifier.Senders{SMS: true},
			notifier.Plan{Unusable: []notifier.Skip{{email, "no email sender configured"}, {sms, "no phone number"}},
				Reason: "email: no email sender configured; sms: no phone number"}},
		{"no senders at all", received, full, notifier.Senders{},
			notifier.Plan{Unusable: []notifier.Skip{{email, "no email sender configured"}},
				Reason: "email: no email sender configured; sms: no SMS sender configured"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := notifier.PlanChannels(tc.kind, tc.buyer, tc.have)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("PlanChannels(%s) =\n %+v\nwant\n %+v", tc.kind, got, tc.want)
			}
		})
	}
}
