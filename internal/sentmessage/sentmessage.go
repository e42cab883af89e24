// Package sentmessage re-renders what a buyer was sent: each buyer outbox row of an order
// with the subject and text the notifier's templates produce for it. The evidence pack
// (messages/*.json, the summary) and the seller API (GET /v1/orders/{id}/messages) show the
// same texts from this one place.
//
// The outbox keeps no rendered copy and no address (internal/notifier), so a text is
// rendered again from the order as it is now, the buyer's language and time zone, and the
// time the channel accepted it; the unsubscribe link is left out (its token is a
// credential). The buyer's email address and phone number never appear in a result: the
// rows do not hold them, and any occurrence in a rendered text (a buyer who typed an
// address into the name field) is replaced by EmailWithheld or PhoneWithheld.
package sentmessage

import (
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/message/templates"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// What replaces the buyer's email address and phone number in a rendered text.
const (
	EmailWithheld = "[buyer email]"
	PhoneWithheld = "[buyer phone]"
)

// RenderingNote says how the texts of a rendered message were obtained.
const RenderingNote = "re-rendered with orderwire's templates from the order as it is now, the buyer's " +
	"language and time zone, and the send time; the unsubscribe link is left out"

// Seller is what the notifier puts in buyer messages about the seller ("" leaves it out).
type Seller struct {
	Name, Address string
}

// Message is one buyer outbox row and its texts as the buyer got them.
type Message struct {
	// Row is the outbox row as stored: kind, status, reason, attempts, times, deliveries.
	Row order.Notification
	// SentAt is when the first channel accepted it (zero if none did).
	SentAt time.Time
	// Locale is the catalog locale the texts were rendered in ("" when none was).
	Locale string
	// Email is set when the email channel accepted it, SMS when the SMS channel did.
	Email *Email
	SMS   *SMS
	// Rendering says how the texts were obtained (RenderingNote), or why there are none;
	// "" when no channel accepted the message.
	Rendering string
}

// Email is the subject and plain text of an email as sent.
type Email struct {
	Subject string
	Text    string
}

// SMS is the text of an SMS as sent.
type SMS struct {
	Text string
}

// Render returns the buyer rows of rows (seller alert rows are left out), in the order
// given, each with its texts. o is the rows' order and b its buyer (zero when unknown).
func Render(o order.Order, b order.Buyer, rows []order.Notification, s Seller) []Message {
	numbers := reminderNumbers(rows)
	out := make([]Message, 0, len(rows))
	for _, r := range rows {
		if r.Kind.ForSeller() {
			continue
		}
		m := Message{Row: r}
		for _, d := range r.Deliveries {
			if d.Status != order.NotificationSent {
				continue
			}
			if m.SentAt.IsZero() || d.At.Before(m.SentAt) {
				m.SentAt = d.At.UTC()
			}
			msg, err := templates.Render(templateData(o, b, r, d.At, numbers[r.Ref()], s))
			if err != nil {
				if errors.Is(err, templates.ErrUnknownKind) {
					m.Rendering = "not a buyer message kind the templates know: no text"
				} else {
					m.Rendering = "could not be re-rendered: " + err.Error()
				}
				continue
			}
			m.Locale, m.Rendering = msg.Locale, RenderingNote
			switch d.Channel {
			case "email":
				m.Email = &Email{Subject: withhold(msg.Subject, b), Text: withhold(msg.Text, b)}
			case "sms":
				m.SMS = &SMS{Text: withhold(msg.SMS, b)}
			}
		}
		out = append(out, m)
	}
	return out
}

// reminderNumbers numbers the payment reminders of rows 1, 2, ... in sending order (by
// sequence), as the notifier numbered them.
func reminderNumbers(rows []order.Notification) map[order.NotificationRef]int {
	sorted := append([]order.Notification(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Seq < sorted[j].Seq })
	numbers := map[order.NotificationRef]int{}
	for _, r := range sorted {
		if r.Kind == order.NotifyPaymentReminder {
			numbers[r.Ref()] = len(numbers) + 1
		}
	}
	return numbers
}

// templateData is what the notifier gives the templates for row r sent at sentAt (see
// internal/notifier's claim.data): the same inputs, minus the unsubscribe link.
func templateData(o order.Order, b order.Buyer, r order.Notification, sentAt time.Time, reminderNumber int, s Seller) templates.Data {
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
		Now: sentAt, SellerName: s.Name, SellerAddress: s.Address, ReminderNumber: reminderNumber}
	for _, sh := range o.Shipments {
		if r.Parcel != "" && sh.TrackingNumber == r.Parcel {
			d.Carrier, d.TrackingNumber = notifier.CarrierName(sh.Carrier), sh.TrackingNumber
			break
		}
	}
	return d
}

// withhold replaces the buyer's email address and phone number in text.
func withhold(text string, b order.Buyer) string {
	if b.Email != "" {
		text = replaceFold(text, b.Email, EmailWithheld)
	}
	if b.Phone != "" {
		text = strings.ReplaceAll(text, b.Phone, PhoneWithheld)
	}
	return text
}

// replaceFold replaces every ASCII-case-insensitive occurrence of old in s (email
// addresses are compared without case in practice).
func replaceFold(s, old, repl string) string {
	lower, lowerOld := strings.ToLower(s), strings.ToLower(old)
	if len(lower) != len(s) || len(lowerOld) != len(old) || !strings.Contains(lower, lowerOld) {
		return strings.ReplaceAll(s, old, repl)
	}
	var sb strings.Builder
	for {
		i := strings.Index(lower, lowerOld)
		if i < 0 {
			sb.WriteString(s)
			return sb.String()
		}
		sb.WriteString(s[:i])
		sb.WriteString(repl)
		s, lower = s[i+len(old):], lower[i+len(lowerOld):]
	}
}
