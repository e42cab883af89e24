package order

import "time"

// ChannelChoice is how a buyer wants one kind of message: by email, SMS, both, or not at
// all.
type ChannelChoice string

// The channel choices. The empty choice means "the default": email when the buyer has an
// address, otherwise SMS.
const (
	ChannelsDefault ChannelChoice = ""
	ChannelsEmail   ChannelChoice = "email"
	ChannelsSMS     ChannelChoice = "sms"
	ChannelsBoth    ChannelChoice = "both"
	ChannelsNone    ChannelChoice = "none"
)

// Valid reports whether c is one of the choices.
func (c ChannelChoice) Valid() bool {
	switch c {
	case ChannelsDefault, ChannelsEmail, ChannelsSMS, ChannelsBoth, ChannelsNone:
		return true
	}
	return false
}

// NotificationKinds lists every kind of message to the buyer.
var NotificationKinds = []NotificationKind{NotifyPaymentReceived, NotifyPaymentReminder,
	NotifyPaymentFinalNotice, NotifyOrderTerminated, NotifyShipmentShipped, NotifyShipmentOutForDelivery,
	NotifyShipmentAvailableForPickup, NotifyShipmentAttemptFailed, NotifyShipmentDelivered,
	NotifyShipmentException}

// Known reports whether k is one of NotificationKinds.
func (k NotificationKind) Known() bool {
	for _, v := range NotificationKinds {
		if k == v {
			return true
		}
	}
	return false
}

// MustSend reports whether k is a transactional message the buyer cannot turn off (the
// confirmation of a payment, the cancellation of the order): an unsubscribe or a "none"
// choice does not stop it, although an address the provider suppresses or a phone number
// that opted out of SMS still cannot be used. Every other kind (reminders, shipment
// updates) follows the buyer's preferences.
func (k NotificationKind) MustSend() bool {
	return k == NotifyPaymentReceived || k == NotifyOrderTerminated
}

// Preferences are a buyer's choices about messages, set by the seller
// (PUT /v1/buyers/{id}/preferences) or by the buyer (the unsubscribe link).
type Preferences struct {
	Default ChannelChoice                      // for kinds not in ByKind
	ByKind  map[NotificationKind]ChannelChoice // per kind
	// EmailOptOut and SMSOptOut stop every message on that channel except must-sends.
	EmailOptOut bool
	SMSOptOut   bool
	UpdatedAt   time.Time
	UpdatedBy   string // "seller" or "buyer" (the unsubscribe link)
}

// Choice returns the buyer's choice for kind k.
func (p Preferences) Choice(k NotificationKind) ChannelChoice {
	if c, ok := p.ByKind[k]; ok && c != ChannelsDefault {
		return c
	}
	return p.Default
}

// Validate reports every invalid choice at once: unknown kinds or choices, and "none" for
// a must-send kind.
func (p Preferences) Validate() error {
	var fe FieldErrors
	if !p.Default.Valid() {
		fe.Add("default", "must be one of email, sms, both, none")
	}
	for k, c := range p.ByKind {
		field := "by_kind." + string(k)
		switch {
		case !k.Known():
			fe.Add(field, "unknown notification kind")
		case !c.Valid():
			fe.Add(field, "must be one of email, sms, both, none")
		case c == ChannelsNone && k.MustSend():
			fe.Add(field, "a transactional message cannot be turned off")
		}
	}
	return fe.Err("order.Preferences.Validate")
}
