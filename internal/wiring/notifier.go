package wiring

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/orderwire/orderwire/internal/commalist"
	"github.com/orderwire/orderwire/internal/order"
)

// NotifierConfig is the notifier component's settings: who messages come from, what they
// say about the shop, how email and SMS are sent and where seller alerts go.
type NotifierConfig struct {
	EmailFrom, SellerName, SellerAddress string
	// PublicURL is the API's base URL; unsubscribe links are <url>/unsubscribe?token=...
	PublicURL string
	// UnsubscribeKeys sign the links (EnvUnsubscribeKeys, newest first).
	UnsubscribeKeys []string
	// SMTPURL sends email by SMTP instead of SES (never on AWS); it may hold a password.
	SMTPURL string
	// SES and SNS choose SES for email and SNS for SMS locally (EnvEmail=ses, EnvSMS=sns);
	// a function always sends by SES (unless SMTPURL) and SNS.
	SES, SNS bool
	// SMSSenderID and SMSOriginationNumber name who text messages come from; unset, SNS
	// uses the account's defaults.
	SMSSenderID, SMSOriginationNumber string
	// SESConfigurationSet is the SES configuration set emails are sent in (bounces,
	// complaints and deliveries reach delivery-events through it).
	SESConfigurationSet string
	// AlertsTopic is the SNS topic ARN seller alerts are published to; SellerEmail also
	// emails them to the seller.
	AlertsTopic, SellerEmail string
}

// NotifierConfigFrom reads the notifier's settings, trimmed. Validate checks them.
func NotifierConfigFrom(src Source) NotifierConfig {
	return NotifierConfig{
		EmailFrom: src.trimmed(EnvEmailFrom), SellerName: src.trimmed(EnvSellerName),
		SellerAddress: src.trimmed(EnvSellerAddress), PublicURL: strings.TrimRight(src.trimmed(EnvPublicURL), "/"),
		UnsubscribeKeys: commalist.Split(src.Get(EnvUnsubscribeKeys)),
		SMTPURL:         src.trimmed(EnvSMTPURL), SES: src.trimmed(EnvEmail) == "ses", SNS: src.trimmed(EnvSMS) == "sns",
		SMSSenderID: src.trimmed(EnvSMSSenderID), SMSOriginationNumber: src.trimmed(EnvSMSOriginationNumber),
		SESConfigurationSet: src.trimmed(EnvSESConfigurationSet),
		AlertsTopic:         src.trimmed(EnvAlertsTopic), SellerEmail: src.trimmed(EnvSellerEmail),
	}
}

// WithLocalDefaults fills what `orderwire serve` may leave unset: demo sender, shop name
// and address, and the server's own URL (listening) as the base of unsubscribe links.
func (c NotifierConfig) WithLocalDefaults(listening string) NotifierConfig {
	for _, d := range []struct {
		field *string
		value string
	}{
		{&c.EmailFrom, "orderwire demo shop <orders@localhost>"}, {&c.SellerName, "orderwire demo shop"},
		{&c.SellerAddress, "Set " + EnvSellerAddress + " to your postal address"},
		{&c.PublicURL, strings.TrimRight(listening, "/")},
	} {
		if *d.field == "" {
			*d.field = d.value
		}
	}
	return c
}

var (
	senderID = regexp.MustCompile(`^[A-Za-z0-9-]{1,11}$`) // SNS: up to 11 letters, digits, hyphens
	hasAlpha = regexp.MustCompile(`[A-Za-z]`)             // ... at least one a letter
	// configSet is an SES configuration set name: letters, digits, '_' and '-', up to 64.
	configSet = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate reports every problem at once, as one CodeInvalid error whose Fields name each
// variable and whose text lists them all: a required setting that is missing (sender, shop
// name and address, public URL, unsubscribe keys: call WithLocalDefaults first locally), a
// sender that is not an email address, a public URL that is not an absolute http(s) URL
// without query, a malformed SMS sender ID or origination number (E.164 shape), a
// malformed SES configuration set name, a seller email that is not a bare address and an
// alerts topic that is not an ARN. No value is quoted (EnvSMTPURL may hold a password;
// smtpmail.New checks it).
func (c NotifierConfig) Validate() error {
	var fe order.FieldErrors
	for _, s := range []struct{ name, value string }{
		{EnvEmailFrom, c.EmailFrom}, {EnvSellerName, c.SellerName}, {EnvSellerAddress, c.SellerAddress},
		{EnvPublicURL, c.PublicURL}, {EnvUnsubscribeKeys, strings.Join(c.UnsubscribeKeys, ",")},
	} {
		if s.value == "" {
			fe.Add(s.name, "must be set")
		}
	}
	if c.EmailFrom != "" {
		if _, err := mail.ParseAddress(c.EmailFrom); err != nil {
			fe.Add(EnvEmailFrom, `must be an email address, such as "Shop <orders@shop.example>"`)
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			fe.Add(EnvPublicURL, "must be the API's absolute http(s) base URL, without query, such as https://api.shop.example")
		}
	}
	if c.SMSSenderID != "" && (!senderID.MatchString(c.SMSSenderID) || !hasAlpha.MatchString(c.SMSSenderID)) {
		fe.Add(EnvSMSSenderID, "must be 1-11 letters, digits or hyphens, with at least one letter")
	}
	if c.SMSOriginationNumber != "" && !order.IsE164(c.SMSOriginationNumber) {
		fe.Add(EnvSMSOriginationNumber, "must be an E.164 number such as +14155550100")
	}
	if c.SESConfigurationSet != "" && !configSet.MatchString(c.SESConfigurationSet) {
		fe.Add(EnvSESConfigurationSet, "must be an SES configuration set name: 1-64 letters, digits, '_' or '-'")
	}
	if c.SellerEmail != "" {
		if a, err := mail.ParseAddress(c.SellerEmail); err != nil || a.Address != c.SellerEmail {
			fe.Add(EnvSellerEmail, "must be a bare email address, such as owner@shop.example")
		}
	}
	if c.AlertsTopic != "" && !strings.HasPrefix(c.AlertsTopic, "arn:") {
		fe.Add(EnvAlertsTopic, "must be an SNS topic ARN")
	}
	return invalid("wiring.NotifierConfig", fe)
}
