package main

import (
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/order"
)

// The function's own settings (template.yaml: NotifierFunction sets them). It also reads
// lambdaenv's ORDERWIRE_TABLE and ORDERWIRE_UNSUBSCRIBE_SECRET_ARN.
const (
	// envEmailFrom is the sender of every buyer email, "Shop <orders@shop.example>" or a bare
	// address, at an SES identity verified in the function's region.
	envEmailFrom = "ORDERWIRE_EMAIL_FROM"
	// envSellerName and envSellerAddress are shown in every message; the postal address in
	// the email footer is required by anti-spam law (CAN-SPAM and others).
	envSellerName    = "ORDERWIRE_SELLER_NAME"
	envSellerAddress = "ORDERWIRE_SELLER_ADDRESS"
	// envPublicURL is the HTTP API's base URL; unsubscribe links are
	// <url>/unsubscribe?token=<token>, served by the seller API.
	envPublicURL = "ORDERWIRE_PUBLIC_URL"
	// envSMTPURL, optional, sends email over SMTP (internal/smtpmail) instead of SES. The
	// template does not set it: on AWS email goes through SES, and an SMTP password would
	// sit in plain text in the function's configuration.
	envSMTPURL = "ORDERWIRE_SMTP_URL"
	// envSMSSenderID and envSMSOriginationNumber, optional, name who text messages come from
	// (an alphanumeric sender ID where the country supports one; a number registered in the
	// account). Unset, SNS uses the account's defaults.
	envSMSSenderID          = "ORDERWIRE_SMS_SENDER_ID"
	envSMSOriginationNumber = "ORDERWIRE_SMS_ORIGINATION_NUMBER"
	// envSESConfigurationSet, optional, is the SES configuration set every email is sent
	// in, tagged with its buyer and outbox row (notify.Tags): its event destination
	// publishes bounces, complaints and deliveries to the topic functions/delivery-events
	// reads (template.yaml: EmailEvents). Unset, emails carry neither, and no bounce reaches
	// orderwire.
	envSESConfigurationSet = "ORDERWIRE_SES_CONFIGURATION_SET"
	// envAlertsTopic is the ARN of the SellerAlerts SNS topic seller alerts are published
	// to (the template sets it); envSellerEmail, optional, also emails them to the seller
	// through the email sender. Neither set: alerts are skipped.
	envAlertsTopic = "ORDERWIRE_SELLER_ALERTS_TOPIC"
	envSellerEmail = "ORDERWIRE_SELLER_EMAIL"
)

// config is the function's settings from the environment.
type config struct {
	Table, UnsubscribeSecretARN                     string
	EmailFrom, SellerName, SellerAddress, PublicURL string
	SMTPURL, SMSSenderID, SMSOriginationNumber      string // optional
	SESConfigurationSet                             string // optional
	AlertsTopic, SellerEmail                        string // optional
}

// configFromEnv reads the settings with getenv (os.Getenv in production), trimming spaces.
func configFromEnv(getenv func(string) string) config {
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	return config{
		Table: get(lambdaenv.EnvTable), UnsubscribeSecretARN: get(lambdaenv.EnvUnsubscribeSecretARN),
		EmailFrom: get(envEmailFrom), SellerName: get(envSellerName), SellerAddress: get(envSellerAddress),
		PublicURL: get(envPublicURL), SMTPURL: get(envSMTPURL),
		SMSSenderID: get(envSMSSenderID), SMSOriginationNumber: get(envSMSOriginationNumber),
		SESConfigurationSet: get(envSESConfigurationSet),
		AlertsTopic:         get(envAlertsTopic), SellerEmail: get(envSellerEmail),
	}
}

var (
	senderID = regexp.MustCompile(`^[A-Za-z0-9-]{1,11}$`) // SNS: up to 11 letters, digits, hyphens
	hasAlpha = regexp.MustCompile(`[A-Za-z]`)             // ... at least one a letter
	// configSet is an SES configuration set name: letters, digits, '_' and '-', up to 64.
	configSet = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate reports every problem at once, before any AWS call, as one CodeInvalid error
// whose Fields name each variable and whose text lists them all: each required setting
// that is missing, a sender that is not an email address, a public URL that is not an
// absolute http(s) URL without query, a malformed SMS sender ID or origination number, and
// a malformed SES configuration set name.
// No value is quoted (ORDERWIRE_SMTP_URL may hold a password; smtpmail.New checks it).
func (c config) Validate() error {
	var fields order.FieldErrors
	var bad []string
	add := func(name, reason string) {
		fields.Add(name, reason)
		bad = append(bad, name)
	}
	for _, s := range []struct{ name, value string }{
		{lambdaenv.EnvTable, c.Table}, {lambdaenv.EnvUnsubscribeSecretARN, c.UnsubscribeSecretARN},
		{envEmailFrom, c.EmailFrom}, {envSellerName, c.SellerName}, {envSellerAddress, c.SellerAddress},
		{envPublicURL, c.PublicURL},
	} {
		if s.value == "" {
			add(s.name, "must be set")
		}
	}
	if c.EmailFrom != "" {
		if _, err := mail.ParseAddress(c.EmailFrom); err != nil {
			add(envEmailFrom, `must be an email address, such as "Shop <orders@shop.example>"`)
		}
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			add(envPublicURL, "must be the API's absolute http(s) base URL, without query, such as https://api.shop.example")
		}
	}
	if c.SMSSenderID != "" && (!senderID.MatchString(c.SMSSenderID) || !hasAlpha.MatchString(c.SMSSenderID)) {
		add(envSMSSenderID, "must be 1-11 letters, digits or hyphens, with at least one letter")
	}
	if c.SMSOriginationNumber != "" && !order.IsE164(c.SMSOriginationNumber) {
		add(envSMSOriginationNumber, "must be an E.164 number such as +14155550100")
	}
	if c.SESConfigurationSet != "" && !configSet.MatchString(c.SESConfigurationSet) {
		add(envSESConfigurationSet, "must be an SES configuration set name: 1-64 letters, digits, '_' or '-'")
	}
	if c.SellerEmail != "" {
		if a, err := mail.ParseAddress(c.SellerEmail); err != nil || a.Address != c.SellerEmail {
			add(envSellerEmail, "must be a bare email address, such as owner@shop.example")
		}
	}
	if c.AlertsTopic != "" && !strings.HasPrefix(c.AlertsTopic, "arn:") {
		add(envAlertsTopic, "must be an SNS topic ARN")
	}
	if len(bad) == 0 {
		return nil
	}
	return &order.Error{Code: order.CodeInvalid, Op: "notifier.config", Fields: fields,
		Message: "invalid settings: " + strings.Join(bad, ", ")}
}
