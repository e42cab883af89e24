// Package templates renders one buyer notification — its email subject, plain-text and HTML
// bodies and its SMS — in the buyer's language.
//
// The words live in embedded go-i18n catalogs, one per locale (catalog/active.<tag>.yaml),
// with CLDR plural forms; the buyer's BCP 47 tag is matched to the closest catalog, English
// when none is close. Amounts, dates and day counts follow the chosen locale's rules (see
// format.go). There is one HTML layout for every locale and kind; html/template escapes every
// value that comes from Data. SMS texts are kept to at most two segments (reminders aim at
// one) by falling back to a variant without the order id.
//
// Render is safe for concurrent use: the catalogs are parsed once and only read.
package templates

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/currency"

	"github.com/orderwire/orderwire/internal/order"
)

// Errors Render returns; test with errors.Is.
var (
	ErrUnknownKind     = errors.New("templates: unknown notification kind")
	ErrInvalidCurrency = errors.New("templates: invalid currency")
	ErrInvalidTimeZone = errors.New("templates: invalid time zone")
	ErrMissingDate     = errors.New("templates: missing date")
)

// Data is everything a message may say. It is buyer-facing: it holds no secrets, and every
// field may end up in the message.
type Data struct {
	Kind     order.NotificationKind
	Locale   string // the buyer's BCP 47 tag ("pt-BR", "es-MX", "ko"); "" means English
	TimeZone string // the buyer's IANA time zone ("America/Sao_Paulo"); "" means UTC

	BuyerName string // "" greets without a name
	OrderID   string // up to 64 of A-Z a-z 0-9 . _ : -

	// AmountMinor is the order amount in minor units of Currency, with the ISO 4217 number of
	// decimals (JPY and KRW 0, USD 2, KWD 3), as order.MinorUnits stores it.
	AmountMinor int64
	Currency    string // ISO 4217 ("EUR"); required by the payment kinds, checked if set
	// PaidMinor is the amount paid, for payment_received; 0 means the whole AmountMinor.
	PaidMinor int64

	DueAt          time.Time // the payment due time: reminders, final notice, terminated
	Now            time.Time // the send time, from which the days left are counted
	ReminderNumber int       // 1-based, for payment_reminder: from 2 on it reads as a follow-up

	Carrier        string // shipment kinds, shown as given ("UPS", not a slug); may be ""
	TrackingNumber string // shipment kinds; may be ""

	SellerName     string
	SellerAddress  string // the seller's postal address for the email footer; may be multi-line
	UnsubscribeURL string // "" means the message has no unsubscribe link
}

// Message is a rendered notification.
type Message struct {
	Locale  string // the catalog locale used: "pt-BR" for pt-PT, "en" for ja
	Subject string
	Text    string // the plain-text email body
	HTML    string // the HTML email body; every Data value in it is escaped
	// SMS is one line that names the seller. It takes at most two segments for an order id of
	// up to 64 characters, a seller name of up to 30 (a longer one is cut in the SMS) and a
	// tracking number of up to 22: when the order id would not fit, the SMS leaves it out. A
	// reminder leaves it out too when that saves a segment of a GSM-7 text.
	SMS         string
	SMSEncoding string // EncodingGSM7 or EncodingUCS2, as Segments(SMS) reports
	SMSSegments int
}

// phraseArgs is what a catalog message may use; each is already formatted for the locale.
type phraseArgs struct {
	BuyerName      string
	OrderID        string
	Amount         string // the order amount with its currency
	Paid           string // the amount paid with its currency
	DueDate        string // the due date in the buyer's time zone, long form
	DaysLeft       string // "in 3 days", "tomorrow", "today"
	SellerName     string
	Carrier        string
	TrackingNumber string
	Tracking       string // carrier and tracking number together ("UPS 1Z…") for the SMS
	UnsubscribeURL string
}

// Render writes the notification d describes in the catalog locale closest to d.Locale.
// It fails with ErrUnknownKind for a kind it does not know, ErrInvalidCurrency for a
// currency that is not an ISO 4217 code (or missing where an amount is said),
// ErrInvalidTimeZone for a time zone that is not an IANA name, and ErrMissingDate when a
// payment kind lacks DueAt (or Now, to count the days). It never panics.
func Render(d Data) (Message, error) {
	c, err := loadedCatalog()
	if err != nil {
		return Message{}, err
	}
	spec, ok := specFor(d.Kind)
	if !ok {
		return Message{}, fmt.Errorf("%w %q", ErrUnknownKind, d.Kind)
	}
	loc, err := loadTimeZone(d.TimeZone)
	if err != nil {
		return Message{}, err
	}
	var unit currency.Unit
	if spec.money || d.Currency != "" {
		if unit, err = parseCurrency(d.Currency); err != nil {
			return Message{}, err
		}
	}
	if (spec.dueDate && d.DueAt.IsZero()) || (spec.daysLeft && d.Now.IsZero()) {
		return Message{}, fmt.Errorf("%w: %s needs DueAt and Now", ErrMissingDate, d.Kind)
	}

	p := c.phrasebook(c.match(d.Locale))
	args := p.args(d, spec, unit, loc)
	email := p.email(d, spec, args)
	sms, encoding, segments := p.sms(d, spec, args)
	if p.err != nil {
		return Message{}, p.err
	}
	text, html, err := email.render()
	if err != nil {
		return Message{}, fmt.Errorf("templates: %s %s: %w", p.locale, d.Kind, err)
	}
	return Message{
		Locale:      p.locale,
		Subject:     email.Subject,
		Text:        text,
		HTML:        html,
		SMS:         sms,
		SMSEncoding: encoding,
		SMSSegments: segments,
	}, nil
}

// args formats d's values for the locale.
func (p *phrasebook) args(d Data, spec kindSpec, unit currency.Unit, loc *time.Location) phraseArgs {
	a := phraseArgs{
		BuyerName:      strings.TrimSpace(d.BuyerName),
		OrderID:        d.OrderID,
		SellerName:     strings.TrimSpace(d.SellerName),
		Carrier:        strings.TrimSpace(d.Carrier),
		TrackingNumber: strings.TrimSpace(d.TrackingNumber),
		UnsubscribeURL: d.UnsubscribeURL,
	}
	if a.TrackingNumber != "" {
		a.Tracking = strings.TrimSpace(a.Carrier + " " + a.TrackingNumber)
	}
	if spec.money {
		a.Amount = p.formatMoney(d.AmountMinor, unit)
		paid := d.PaidMinor
		if paid == 0 {
			paid = d.AmountMinor
		}
		a.Paid = p.formatMoney(paid, unit)
	}
	if spec.dueDate {
		a.DueDate = p.formatDate(d.DueAt, loc)
	}
	if spec.daysLeft {
		a.DaysLeft = p.dueRelative(calendarDaysUntil(d.Now, d.DueAt, loc))
	}
	return a
}

// email assembles the email's parts.
func (p *phrasebook) email(d Data, spec kindSpec, a phraseArgs) emailView {
	kind := string(d.Kind)
	v := emailView{
		Lang:           p.locale,
		Subject:        withoutLineBreaks(p.say(kind+".subject", a)), // a header is one line
		Heading:        p.say(kind+".heading", a),
		Greeting:       p.say("common.greeting_anonymous", a),
		SignOff:        p.say("common.sign_off", a),
		SellerName:     a.SellerName,
		AddressLines:   addressLines(d.SellerAddress),
		FooterReason:   p.say("common.footer_reason", a),
		LabelSeparator: p.say("format.label_separator", nil),
	}
	if a.BuyerName != "" {
		v.Greeting = p.say("common.greeting", a)
	}
	lead := spec.lead
	if spec.followUpLead != "" && d.ReminderNumber > 1 {
		lead = spec.followUpLead
	}
	v.Lead = p.say(lead, a)
	for _, id := range spec.paragraphs {
		v.Paragraphs = append(v.Paragraphs, p.say(id, a))
	}
	if spec.trackingHint && a.TrackingNumber != "" {
		v.Paragraphs = append(v.Paragraphs, p.say("common.tracking_hint", a))
	}
	for _, det := range spec.details {
		if value := det.value(a); value != "" {
			v.Details = append(v.Details, detailRow{Label: p.say(det.labelID(), nil), Value: value})
		}
	}
	if d.UnsubscribeURL != "" {
		v.UnsubscribeURL = d.UnsubscribeURL
		v.UnsubscribePrompt = p.say("common.unsubscribe_prompt", nil)
		v.UnsubscribeLabel = p.say("common.unsubscribe_link", nil)
	}
	return v
}

// sms writes the SMS: the full variant (with the order id), or the short one when that is
// what fits (see chooseSMS); on one line, with the seller's name shortened if long.
func (p *phrasebook) sms(d Data, spec kindSpec, a phraseArgs) (text, encoding string, segments int) {
	a.SellerName = smsSellerName(a.SellerName)
	a.OrderID = oneLine(a.OrderID)
	a.Tracking = oneLine(a.Tracking)
	var tracking string
	if spec.smsTracking && a.Tracking != "" {
		tracking = " " + p.say("common.sms_tracking", a)
	}
	kind := string(d.Kind)
	candidates := []string{
		oneLine(p.say(kind+".sms", a) + tracking),
		oneLine(p.say(kind+".sms_short", a) + tracking),
	}
	return chooseSMS(candidates, spec.smsSingleGSM)
}

// withoutLineBreaks replaces line breaks by spaces.
func withoutLineBreaks(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// addressLines splits a postal address into its non-empty lines.
func addressLines(address string) []string {
	var lines []string
	for _, line := range strings.FieldsFunc(address, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if line = strings.TrimSpace(line); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}
