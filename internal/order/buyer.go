package order

import (
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // timezone checks must not depend on the host's zoneinfo (Lambda images lack it)
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Buyer is the person who pays and receives. Email and Phone are contact details: they are
// protected data and must never be written to logs.
type Buyer struct {
	ID       string
	Name     string
	Email    string // a bare address, e.g. ana@example.com
	Phone    string // E.164, e.g. +5511912345678
	Locale   string // BCP 47, canonical form, e.g. pt-BR
	TimeZone string // IANA, e.g. America/Sao_Paulo
	Country  string // ISO 3166-1 alpha-2, upper case
	// Stats is the buyer's payment history, kept by the store (never set by the seller).
	Stats BuyerStats
	// Preferences are the buyer's message choices, kept by the store apart from the
	// contact details (SaveOrder leaves them as they are).
	Preferences Preferences
	// EmailFeedback is what the email provider reported about the buyer's address (a
	// suppression after a hard bounce or a complaint, soft bounces), kept by the store like
	// Preferences.
	EmailFeedback EmailFeedback
}

const maxNameLen = 200

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// Validate reports every invalid field of b at once.
func (b Buyer) Validate() error {
	var fe FieldErrors
	b.validateInto(&fe, "")
	return fe.Err("order.Buyer.Validate")
}

// Normalize returns b with its locale in canonical BCP 47 form and surrounding spaces trimmed;
// call it before Validate so that what is stored is what was checked.
func (b Buyer) Normalize() Buyer {
	b.Name = strings.TrimSpace(b.Name)
	b.Email = strings.TrimSpace(b.Email)
	b.Phone = strings.TrimSpace(b.Phone)
	if tag, err := language.Parse(strings.TrimSpace(b.Locale)); err == nil {
		b.Locale = tag.String()
	}
	b.TimeZone = strings.TrimSpace(b.TimeZone)
	b.Country = strings.ToUpper(strings.TrimSpace(b.Country))
	return b
}

func (b Buyer) validateInto(fe *FieldErrors, prefix string) {
	if !ValidID(b.ID) {
		fe.Add(prefix+"id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	if b.Name == "" || utf8.RuneCountInString(b.Name) > maxNameLen || !utf8.ValidString(b.Name) ||
		strings.IndexFunc(b.Name, unicode.IsControl) >= 0 {
		fe.Add(prefix+"name", "must be 1-200 characters of text")
	}
	if b.Email == "" && b.Phone == "" {
		fe.Add(prefix+"email", "email or phone is required")
	}
	if b.Email != "" && !validEmail(b.Email) {
		fe.Add(prefix+"email", "must be a bare address such as ana@example.com")
	}
	if b.Phone != "" && !validE164(b.Phone) {
		fe.Add(prefix+"phone", "must be a valid number in E.164 form such as +5511912345678")
	}
	if tag, err := language.Parse(b.Locale); err != nil || b.Locale == "" || tag == language.Und {
		fe.Add(prefix+"locale", "must be a BCP 47 language tag such as en-US or pt-BR")
	}
	if !validTimeZone(b.TimeZone) {
		fe.Add(prefix+"timezone", "must be an IANA time zone such as Europe/Paris")
	}
	if !validCountry(b.Country) {
		fe.Add(prefix+"country", "must be an ISO 3166-1 alpha-2 code such as BR")
	}
}

func validEmail(s string) bool {
	if len(s) > 254 {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// IsE164 reports whether s has the shape of an E.164 number: '+', a country code that does
// not start with 0, and 7 to 15 digits in all. Whether the number exists is for the
// phone-number check UsePhoneCheck installs (Buyer.Validate asks it).
func IsE164(s string) bool { return e164.MatchString(s) }

// phoneCheck is the full check of a phone number UsePhoneCheck installed, or nil.
var phoneCheck atomic.Pointer[func(string) bool]

// UsePhoneCheck makes Buyer.Validate (and so order.New) also require check(phone) of an
// E.164-shaped phone number: internal/phone.Valid, libphonenumber's length and ranges per
// country. The entry points that take buyers from the seller (the seller API, `orderwire
// serve`) install it at start through their wiring; without it only the shape is checked.
// It lives outside this package because the library's package init costs several
// milliseconds, which every Lambda function linking internal/order would pay at each cold
// start, though only the seller API validates buyers.
func UsePhoneCheck(check func(string) bool) { phoneCheck.Store(&check) }

func validE164(s string) bool {
	if !IsE164(s) {
		return false
	}
	check := phoneCheck.Load()
	return check == nil || (*check)(s)
}

// knownZones caches the names time.LoadLocation accepted: loading parses the embedded
// zoneinfo every time. Only valid names are kept, so the cache is bounded by the IANA list.
var knownZones sync.Map

func validTimeZone(s string) bool {
	if s == "" || s == "Local" {
		return false
	}
	if _, ok := knownZones.Load(s); ok {
		return true
	}
	if _, err := time.LoadLocation(s); err != nil {
		return false
	}
	knownZones.Store(s, true)
	return true
}

func validCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && r.String() == s
}
