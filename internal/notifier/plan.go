package notifier

import (
	"strings"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
)

// Senders says which channels this notifier can send on at all.
type Senders struct {
	Email, SMS bool
}

// Plan is the channels one row goes out on, decided before anything is sent. Its reasons
// name channels and causes, never an address or a number.
type Plan struct {
	// Channels are the channels to send on, in order (email before SMS).
	Channels []message.Channel
	// Spare is the channel to use instead when a channel of Channels turns out unusable at
	// send time (opted out at the provider, suppressed, a permanent failure); "" for none.
	// It is only ever set when Channels holds one channel.
	Spare message.Channel
	// Unusable are the channels the buyer's choice asks for that cannot be used (no
	// contact, no sender); they are recorded as skipped deliveries.
	Unusable []Skip
	// Reason says why nothing can be sent, when Channels is empty.
	Reason string
}

// Skip is a channel left out, and why.
type Skip struct {
	Channel message.Channel
	Reason  string
}

// The reasons a plan gives.
const (
	ReasonTurnedOff = "turned off by the buyer"
	ReasonOptedOut  = "opted out by the buyer"
	// ReasonEmailSuppressed: the email provider reported a hard bounce or a complaint for
	// the buyer's address (order.Buyer.EmailFeedback); followed by the reason in brackets.
	ReasonEmailSuppressed = "email suppressed"
)

// ReasonSellerAlert is PlanChannels' reason for a seller alert kind: no buyer channel, ever.
const ReasonSellerAlert = "a seller alert is never sent to the buyer"

// PlanChannels decides the channels of a row of kind k for buyer b:
//
//   - the buyer's choice for k (Preferences.Choice); the default is email when the buyer
//     has an address, else SMS; "both" is email then SMS; "none" sends nothing;
//   - for kinds that are not must-send, EmailOptOut and SMSOptOut remove that channel; a
//     must-send kind ignores "none" and the opt-outs;
//   - a channel is usable only if the buyer has that contact and the sender is configured,
//     and email only while it is not suppressed (a hard bounce or a complaint reported by
//     the provider: order.Buyer.EmailFeedback), for must-sends too;
//   - when no chosen channel is usable or left (the buyer opted out of it), the other
//     channel is used instead if it is usable and (unless must-send) not opted out; when
//     one chosen channel is usable, that other channel is the Spare for a failure at send
//     time.
//
// The rule "when one channel is suppressed or opted out, use the other" covers the
// buyer's own opt-out too: unsubscribing from reminder emails (the link says "by email")
// still leaves the buyer reachable by SMS, which they can stop with STOP. Opting out of
// both channels stops everything but the must-sends.
func PlanChannels(k order.NotificationKind, b order.Buyer, have Senders) Plan {
	if k.ForSeller() {
		return Plan{Reason: ReasonSellerAlert}
	}
	must := k.MustSend()
	choice := b.Preferences.Choice(k)
	if choice == order.ChannelsNone {
		if !must {
			return Plan{Reason: ReasonTurnedOff}
		}
		choice = order.ChannelsDefault // refused by Preferences.Validate; never stops a must-send
	}
	var p Plan
	var planned, optOuts []message.Channel
	for _, ch := range wantedChannels(choice, b) {
		if optedOut(ch, b, must) {
			optOuts = append(optOuts, ch)
			continue
		}
		planned = append(planned, ch)
		if why := unusable(ch, b, have); why != "" {
			p.Unusable = append(p.Unusable, Skip{ch, why})
		} else {
			p.Channels = append(p.Channels, ch)
		}
	}
	if len(planned) == 0 {
		return planOptedOut(optOuts, b, have, must)
	}
	if len(planned) == 2 {
		if len(p.Channels) == 0 {
			p.Reason = joinSkips(p.Unusable)
		}
		return p
	}
	other := otherChannel(planned[0])
	otherWhy := unusable(other, b, have)
	if otherWhy == "" && optedOut(other, b, must) {
		otherWhy = ReasonOptedOut
	}
	switch {
	case len(p.Channels) == 1 && otherWhy == "":
		p.Spare = other
	case len(p.Channels) == 0 && otherWhy == "":
		p.Channels = []message.Channel{other}
	case len(p.Channels) == 0:
		p.Reason = joinSkips(append(p.Unusable, Skip{other, otherWhy}))
	}
	return p
}

// wantedChannels are the channels of the buyer's choice, in order; the default is email
// when the buyer has an address, else SMS.
func wantedChannels(choice order.ChannelChoice, b order.Buyer) []message.Channel {
	switch choice {
	case order.ChannelsEmail:
		return []message.Channel{message.ChannelEmail}
	case order.ChannelsSMS:
		return []message.Channel{message.ChannelSMS}
	case order.ChannelsBoth:
		return []message.Channel{message.ChannelEmail, message.ChannelSMS}
	default:
		if b.Email != "" {
			return []message.Channel{message.ChannelEmail}
		}
		return []message.Channel{message.ChannelSMS}
	}
}

// optedOut reports whether the buyer opted out of channel ch; a must-send kind ignores
// opt-outs.
func optedOut(ch message.Channel, b order.Buyer, must bool) bool {
	if must {
		return false
	}
	return ch == message.ChannelEmail && b.Preferences.EmailOptOut || ch == message.ChannelSMS && b.Preferences.SMSOptOut
}

// planOptedOut is the plan when the buyer opted out of every chosen channel (optOuts): the
// other channel when only one was chosen and the other is usable and not opted out, else
// nothing, with the reasons.
func planOptedOut(optOuts []message.Channel, b order.Buyer, have Senders, must bool) Plan {
	reasons := make([]string, len(optOuts))
	for i, ch := range optOuts {
		reasons[i] = string(ch) + ": " + ReasonOptedOut
	}
	if len(optOuts) == 1 {
		other := otherChannel(optOuts[0])
		why := unusable(other, b, have)
		if why == "" && !optedOut(other, b, must) {
			return Plan{Channels: []message.Channel{other}}
		}
		if why == "" {
			why = ReasonOptedOut
		}
		reasons = append(reasons, string(other)+": "+why)
	}
	return Plan{Reason: strings.Join(reasons, "; ")}
}

// otherChannel is email for SMS and SMS for email.
func otherChannel(ch message.Channel) message.Channel {
	if ch == message.ChannelSMS {
		return message.ChannelEmail
	}
	return message.ChannelSMS
}

// unusable says why channel ch cannot reach buyer b, or "" when it can.
func unusable(ch message.Channel, b order.Buyer, have Senders) string {
	switch ch {
	case message.ChannelEmail:
		if b.Email == "" {
			return "no email address"
		}
		if b.EmailFeedback.Suppressed() {
			return ReasonEmailSuppressed + " (" + b.EmailFeedback.SuppressedReason + ")"
		}
		if !have.Email {
			return "no email sender configured"
		}
	case message.ChannelSMS:
		if b.Phone == "" {
			return "no phone number"
		}
		if !have.SMS {
			return "no SMS sender configured"
		}
	default:
		return "unknown channel"
	}
	return ""
}

func joinSkips(skips []Skip) string {
	parts := make([]string, len(skips))
	for i, s := range skips {
		parts[i] = string(s.Channel) + ": " + s.Reason
	}
	return strings.Join(parts, "; ")
}
