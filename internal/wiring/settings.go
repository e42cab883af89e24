package wiring

import (
	"slices"
	"strconv"
	"strings"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
)

// The environment variables orderwire reads, each named here once (the retention, dispute
// window and provider settings are named by the package that parses them; Settings lists
// them too). What each means, its default and where it applies is in Settings.
const (
	EnvAddr        = "ORDERWIRE_ADDR"
	EnvDataDir     = "ORDERWIRE_DATA_DIR"
	EnvTable       = "ORDERWIRE_TABLE"
	EnvCreateTable = "ORDERWIRE_CREATE_TABLE"
	EnvSecretsARN  = "ORDERWIRE_SECRETS_ARN"
	EnvAPITokens   = "ORDERWIRE_API_TOKENS"
	// EnvAPITokenOld is the name `orderwire serve` used for EnvAPITokens before both were
	// one; it is still read locally when EnvAPITokens is unset.
	EnvAPITokenOld          = "ORDERWIRE_API_TOKEN"
	EnvPolicyFile           = "ORDERWIRE_POLICY_FILE"
	EnvUnsubscribeSecretARN = "ORDERWIRE_UNSUBSCRIBE_SECRET_ARN"
	EnvUnsubscribeKeys      = "ORDERWIRE_UNSUBSCRIBE_KEYS"
	EnvPublicURL            = "ORDERWIRE_PUBLIC_URL"
	EnvEmailFrom            = "ORDERWIRE_EMAIL_FROM"
	EnvSellerName           = "ORDERWIRE_SELLER_NAME"
	EnvSellerAddress        = "ORDERWIRE_SELLER_ADDRESS"
	EnvSMTPURL              = "ORDERWIRE_SMTP_URL"
	EnvEmail                = "ORDERWIRE_EMAIL"
	EnvSMS                  = "ORDERWIRE_SMS"
	EnvSMSSenderID          = "ORDERWIRE_SMS_SENDER_ID"
	EnvSMSOriginationNumber = "ORDERWIRE_SMS_ORIGINATION_NUMBER"
	EnvSESConfigurationSet  = "ORDERWIRE_SES_CONFIGURATION_SET"
	EnvSellerEmail          = "ORDERWIRE_SELLER_EMAIL"
	EnvAlertsTopic          = "ORDERWIRE_SELLER_ALERTS_TOPIC"
	EnvUnshippedDays        = "ORDERWIRE_UNSHIPPED_DAYS"
	EnvSellerTimeZone       = "ORDERWIRE_SELLER_TIMEZONE"
)

// Where says which entry points read a setting.
type Where uint8

// The entry points, as bits: Local is `orderwire serve`, Lambda the functions on AWS, Both
// either.
const (
	Local  Where = 1 << iota // `orderwire serve`
	Lambda                   // the functions on AWS
	Both   = Local | Lambda
)

// OnAWS says what template.yaml does with a setting the functions read
// (internal/deploytest checks the template against it).
type OnAWS uint8

// What template.yaml does with a setting, one value per setting (each described beside it).
const (
	NotOnAWS  OnAWS = iota // not a function's setting
	Set                    // the template sets it on every function that reads it
	Parameter              // optional: set from a template parameter when that is not empty
	Defaulted              // set from a template parameter whose default is Setting.Default
	Unset                  // the template leaves it unset (the default); an operator may add it
	Never                  // must never be set on AWS (Setting.Doc says why)
	InSecret               // a key of the secret Setting.Secret names, not an environment variable
)

// Setting is one row of the configuration table.
type Setting struct {
	Name string
	// Component is what reads it: "store", "api", "webhooks", "notifier", "sweep", "serve".
	Component string
	Where     Where
	OnAWS     OnAWS
	// Secret is, for OnAWS == InSecret, the variable naming the secret that holds it.
	Secret  string
	Default string // "" when there is none
	Doc     string
}

// Settings is the configuration table: every setting any entry point reads, sorted by
// name. README's "Configuration" tables are checked against it (settings_test.go).
func Settings() []Setting {
	out := slices.Clone(table)
	for _, name := range []string{store.EnvRetentionMessagesDays, store.EnvRetentionEvidenceDays, store.EnvRetentionUnfiledDays} {
		out = append(out, Setting{Name: name, Component: "store", Where: Both, OnAWS: Unset,
			Default: retentionDefault(name), Doc: "retention, whole days (README \"Retention\")"})
	}
	for _, name := range payment.Settings {
		out = append(out, Setting{Name: name, Component: "webhooks", Where: Both, OnAWS: InSecret, Secret: EnvSecretsARN,
			Doc: "payment provider webhook setting (README \"Payment webhooks\")"})
	}
	for _, name := range tracking.Settings {
		if !slices.ContainsFunc(out, func(s Setting) bool { return s.Name == name }) { // the Standard Webhooks secret is both
			out = append(out, Setting{Name: name, Component: "webhooks", Where: Both, OnAWS: InSecret, Secret: EnvSecretsARN,
				Doc: "carrier webhook setting (README \"Carrier webhooks\")"})
		}
	}
	slices.SortFunc(out, func(a, b Setting) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the row of the setting name.
func Lookup(name string) (Setting, bool) {
	s, ok := rows()[name]
	return s, ok
}

func retentionDefault(name string) string {
	r := store.DefaultRetention()
	days := map[string]int{store.EnvRetentionMessagesDays: int(r.Messages.Hours() / 24),
		store.EnvRetentionEvidenceDays: int(r.Evidence.Hours() / 24), store.EnvRetentionUnfiledDays: int(r.Unfiled.Hours() / 24)}
	return strconv.Itoa(days[name])
}

var table = []Setting{
	{Name: EnvAddr, Component: "serve", Where: Local, Default: "127.0.0.1:8080", Doc: "listen address (flag --addr)"},
	{Name: EnvDataDir, Component: "store", Where: Local, Default: "./orderwire-data",
		Doc: "embedded store, generated token and keys (flag --data-dir), kept mode 0700"},
	{Name: EnvTable, Component: "store", Where: Both, OnAWS: Set,
		Doc: "DynamoDB table; locally instead of the embedded store (flag --table)"},
	{Name: EnvCreateTable, Component: "store", Where: Local, Default: "off",
		Doc: "1: create the table first, for DynamoDB Local (flag --create-table)"},
	{Name: EnvSecretsARN, Component: "secrets", Where: Lambda, OnAWS: Set,
		Doc: "the function's own Secrets Manager secret (a JSON object of strings)"},
	{Name: EnvAPITokens, Component: "api", Where: Both, OnAWS: InSecret, Secret: EnvSecretsARN, Default: "generated locally",
		Doc: "seller API bearer tokens, comma-separated so one can be rotated"},
	{Name: EnvAPITokenOld, Component: "api", Where: Local, Doc: "older local name of " + EnvAPITokens + ", read when that is unset"},
	{Name: EnvPolicyFile, Component: "sweep", Where: Both, OnAWS: Parameter, Default: "built-in policy",
		Doc: "reminder policy file (YAML or JSON); on AWS next to bootstrap, read by the sweep and the seller API"},
	{Name: EnvUnsubscribeSecretARN, Component: "secrets", Where: Lambda, OnAWS: Set,
		Doc: "the unsubscribe-link keys' secret (notifier signs, seller API verifies)"},
	{Name: EnvUnsubscribeKeys, Component: "api", Where: Both, OnAWS: InSecret, Secret: EnvUnsubscribeSecretARN,
		Default: "generated locally", Doc: "unsubscribe-link keys (at least 32 bytes, newest first)"},
	{Name: EnvPublicURL, Component: "notifier", Where: Both, OnAWS: Set, Default: "the listen address locally",
		Doc: "the API's base URL, base of unsubscribe links"},
	{Name: EnvEmailFrom, Component: "notifier", Where: Both, OnAWS: Set, Default: "a demo value locally",
		Doc: "sender of buyer email"},
	{Name: EnvSellerName, Component: "notifier", Where: Both, OnAWS: Set, Default: "a demo value locally",
		Doc: "the shop's name in every message"},
	{Name: EnvSellerAddress, Component: "notifier", Where: Both, OnAWS: Set, Default: "a demo value locally",
		Doc: "the shop's postal address in every email (anti-spam law)"},
	{Name: EnvSMTPURL, Component: "notifier", Where: Both, OnAWS: Never,
		Doc: "send email by SMTP (smtp://user:pass@host:587, smtps://...); never on AWS: the password would sit in the function's configuration"},
	{Name: EnvEmail, Component: "notifier", Where: Local, Doc: "ses: send email by SES v2 (AWS settings from the environment)"},
	{Name: EnvSMS, Component: "notifier", Where: Local, Doc: "sns: send SMS by SNS"},
	{Name: EnvSMSSenderID, Component: "notifier", Where: Both, OnAWS: Parameter,
		Doc: "alphanumeric SMS sender ID (1-11 characters), where the country supports one"},
	{Name: EnvSMSOriginationNumber, Component: "notifier", Where: Both, OnAWS: Parameter,
		Doc: "E.164 number SMS are sent from"},
	{Name: EnvSESConfigurationSet, Component: "notifier", Where: Both, OnAWS: Set,
		Doc: "SES configuration set every email is sent in (its events reach delivery-events)"},
	{Name: EnvSellerEmail, Component: "notifier", Where: Both, OnAWS: Never,
		Doc: "also email seller alerts here; never on AWS: there the SellerAlerts topic's email subscription does it"},
	{Name: EnvAlertsTopic, Component: "notifier", Where: Both, OnAWS: Set, Doc: "SNS topic ARN seller alerts are published to"},
	{Name: httpapi.EnvDisputeWindowDays, Component: "api", Where: Both, OnAWS: Unset, Default: "180",
		Doc: "how long after an order's last payment event an erased buyer's evidence is kept"},
	{Name: EnvUnshippedDays, Component: "api", Where: Both, OnAWS: Defaulted, Default: "3",
		Doc: "a paid order not shipped after this many days needs attention (seller console); on AWS parameter UnshippedDays"},
	{Name: EnvSellerTimeZone, Component: "api", Where: Both, OnAWS: Defaulted, Default: "UTC",
		Doc: "IANA time zone the seller console shows times in; on AWS parameter SellerTimeZone"},
}
