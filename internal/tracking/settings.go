package tracking

import (
	"github.com/orderwire/orderwire/internal/commalist"
)

// The settings that configure the tracking providers: environment variables for
// `orderwire serve`, keys of the webhook secret (a JSON object) on AWS. Lists are
// comma-separated so that a secret can be rotated (any one matching passes).
//
// SettingStandardSecrets is the same setting as payment.SettingStandardSecrets: one
// Standard Webhooks sender signs payment and shipment events with the same secret.
const (
	SettingAfterShipSecrets   = "ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS"
	SettingSeventeenTrackKeys = "ORDERWIRE_17TRACK_KEYS"
	SettingEasyPostSecrets    = "ORDERWIRE_EASYPOST_WEBHOOK_SECRETS"
	SettingStandardSecrets    = "ORDERWIRE_STANDARD_WEBHOOK_SECRETS"
)

// Settings are the names ConfigFrom reads, every setting above: the keys of the webhook
// secret (template.yaml: WebhookSecrets) the carrier webhooks use.
var Settings = []string{
	SettingAfterShipSecrets, SettingSeventeenTrackKeys, SettingEasyPostSecrets, SettingStandardSecrets,
}

// ConfigFrom builds a Config from settings looked up by name with get (os.Getenv locally,
// the secret's values on AWS). Providers validates what it builds.
func ConfigFrom(get func(string) string) Config {
	return Config{
		AfterShipSecrets:   list(get(SettingAfterShipSecrets)),
		SeventeenTrackKeys: list(get(SettingSeventeenTrackKeys)),
		EasyPostSecrets:    list(get(SettingEasyPostSecrets)),
		StandardSecrets:    list(get(SettingStandardSecrets)),
	}
}

// list is commalist.Split: the one parser of comma-separated settings.
func list(s string) []string { return commalist.Split(s) }
