package evidencepack

import (
	"errors"
	"sort"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/notify/templates"
	"github.com/orderwire/orderwire/internal/order"
)

// message is one messages/<kind>-<seq>.json and what the summary and submissions use.
type message struct {
	file string // "<kind>-<seq>.json"
	row  string // the outbox row's id, "<order>/<kind>/<seq>"
	view messageView
}

// messageView is what the buyer was sent: per channel the status, time and the provider's
// message id, and the subject and text as the templates render them. It never holds the
// buyer's email address or phone number (the notifier keeps no address on the row; the
// rendered texts are rendered without an unsubscribe link, whose token is a credential).
type messageView struct {
	ID        string         `json:"id"`
	Kind      string         `json:"kind"`
	Status    string         `json:"status"`
	Reason    string         `json:"reason,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	SentAt    time.Time      `json:"sent_at,omitzero"` // the first channel that accepted it
	Parcel    string         `json:"tracking_number,omitempty"`
	Channels  []channelView  `json:"channels"`
	Locale    string         `json:"locale,omitempty"`
	Email     *emailView     `json:"email,omitempty"` // when the email channel accepted it
	SMS       *smsView       `json:"sms,omitempty"`   // when the SMS channel accepted it
	Rendering string         `json:"rendering,omitempty"`
	Cause     map[string]any `json:"cause,omitempty"`
}

type channelView struct {
	Channel           string    `json:"channel"`
	Status            string    `json:"status"`
	ProviderMessageID string    `json:"provider_message_id,omitempty"`
	At                time.Time `json:"at,omitzero"`
	Reason            string    `json:"reason,omitempty"`
}

type emailView struct {
	Subject string `json:"subject"`
	Text    string `json:"text"`
}

type smsView struct {
	Text string `json:"text"`
}

// renderingNote says how the texts were obtained.
const renderingNote = "re-rendered with orderwire's templates from the order as it is now, the buyer's " +
	"language and time zone, and the send time; the unsubscribe link is left out"

// messages builds every outbox row's message, in the store's order (kind, then sequence).
func (pk *Pack) messages() []message {
	rows := append([]order.Notification(nil), pk.rows...)
	reminders := 0
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Seq < rows[j].Seq }) // reminders in sending order
	numbers := map[string]int{}
	for _, r := range rows {
		if r.Kind == order.NotifyPaymentReminder {
			reminders++
			numbers[r.Ref().String()] = reminders
		}
	}
	var out []message
	for _, r := range pk.rows {
		v := messageView{ID: r.Ref().String(), Kind: string(r.Kind), Status: r.Status, Reason: r.Reason,
			CreatedAt: r.CreatedAt.UTC(), Parcel: r.Parcel, Channels: []channelView{}}
		if r.CauseEventID != "" {
			v.Cause = map[string]any{"provider": r.CauseSource, "provider_event_id": r.CauseEventID}
		}
		for _, d := range r.Deliveries {
			v.Channels = append(v.Channels, channelView{Channel: d.Channel, Status: d.Status,
				ProviderMessageID: d.MessageID, At: d.At.UTC(), Reason: d.Reason})
			if d.Status != order.NotificationSent {
				continue
			}
			if v.SentAt.IsZero() || d.At.Before(v.SentAt) {
				v.SentAt = d.At.UTC()
			}
			msg, err := templates.Render(pk.templateData(r, d.At, numbers[r.Ref().String()]))
			if err != nil {
				if errors.Is(err, templates.ErrUnknownKind) {
					v.Rendering = "not a buyer message kind the templates know: no text"
				} else {
					v.Rendering = "could not be re-rendered: " + err.Error()
				}
				continue
			}
			v.Locale, v.Rendering = msg.Locale, renderingNote
			switch d.Channel {
			case "email":
				v.Email = &emailView{Subject: msg.Subject, Text: msg.Text}
			case "sms":
				v.SMS = &smsView{Text: msg.SMS}
			}
		}
		out = append(out, message{file: SafeName(string(r.Kind)) + "-" + strconv.FormatInt(r.Seq, 10) + ".json",
			row: v.ID, view: v})
	}
	return out
}

// templateData is what the notifier gives the templates for row r sent at sentAt (see
// internal/notifier's claim.data): the same inputs, minus the unsubscribe link.
func (pk *Pack) templateData(r order.Notification, sentAt time.Time, reminderNumber int) templates.Data {
	o, b := pk.ord, pk.buyer
	tz := "UTC"
	for _, name := range []string{b.TimeZone, o.BuyerTimeZone} {
		if name == "" || name == "Local" {
			continue
		}
		if _, err := time.LoadLocation(name); err == nil {
			tz = name
			break
		}
	}
	d := templates.Data{Kind: r.Kind, Locale: b.Locale, TimeZone: tz, BuyerName: b.Name, OrderID: o.ID,
		AmountMinor: o.AmountMinor, Currency: o.Currency, PaidMinor: o.PaidMinor, DueAt: o.PaymentDueAt,
		Now: sentAt, SellerName: pk.p.SellerName, SellerAddress: pk.p.SellerAddress, ReminderNumber: reminderNumber}
	for _, sh := range o.Shipments {
		if r.Parcel != "" && sh.TrackingNumber == r.Parcel {
			d.Carrier, d.TrackingNumber = notifier.CarrierName(sh.Carrier), sh.TrackingNumber
			break
		}
	}
	return d
}
