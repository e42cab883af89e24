package payment

import (
	"strings"

	"github.com/orderwire/orderwire/internal/commalist"
	"github.com/orderwire/orderwire/internal/order"
)

// The settings that configure the payment providers: environment variables for
// `orderwire serve`, keys of the webhook secret (a JSON object) on AWS. Lists are
// comma-separated so that a secret can be rotated (any one matching passes).
const (
	SettingStripeSecrets   = "ORDERWIRE_STRIPE_WEBHOOK_SECRETS"
	SettingStandardSecrets = "ORDERWIRE_STANDARD_WEBHOOK_SECRETS"
	SettingPayPalWebhookID = "ORDERWIRE_PAYPAL_WEBHOOK_ID"
	SettingPayPalCertFile  = "ORDERWIRE_PAYPAL_CERT_FILE" // path of a pinned PEM certificate
	SettingPayPalCert      = "ORDERWIRE_PAYPAL_CERT"      // the pinned PEM itself (for AWS)
	SettingAntomPublicKey  = "ORDERWIRE_ANTOM_PUBLIC_KEY"
	SettingAlipayPublicKey = "ORDERWIRE_ALIPAY_PUBLIC_KEY"
	// SettingAlipayMD5Key enables sign_type MD5 for Alipay Global notifications (weak: a
	// warning is logged at start). Unset, MD5-signed notifications are refused.
	SettingAlipayMD5Key = "ORDERWIRE_ALIPAY_MD5_KEY"
)

// Settings are the names ConfigFrom reads, every setting above: the keys of the webhook
// secret (template.yaml: WebhookSecrets) the payment webhooks use.
var Settings = []string{
	SettingStripeSecrets, SettingStandardSecrets, SettingPayPalWebhookID, SettingPayPalCertFile,
	SettingPayPalCert, SettingAntomPublicKey, SettingAlipayPublicKey, SettingAlipayMD5Key,
}

// ConfigFrom builds a Config from settings looked up by name with get (os.Getenv locally,
// the secret's values on AWS); readFile reads the pinned PayPal certificate when
// ORDERWIRE_PAYPAL_CERT_FILE names one (and PayPalCertSetting says so). An unreadable file is
// CodeInvalid naming the setting.
func ConfigFrom(get func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	cfg := Config{
		StripeSecrets:      list(get(SettingStripeSecrets)),
		StandardSecrets:    list(get(SettingStandardSecrets)),
		PayPalWebhookID:    strings.TrimSpace(get(SettingPayPalWebhookID)),
		PayPalCertPEM:      []byte(get(SettingPayPalCert)),
		PayPalCertSetting:  SettingPayPalCert,
		AntomPublicKeyPEM:  []byte(get(SettingAntomPublicKey)),
		AlipayPublicKeyPEM: []byte(get(SettingAlipayPublicKey)),
		AlipayMD5Key:       strings.TrimSpace(get(SettingAlipayMD5Key)),
	}
	if path := strings.TrimSpace(get(SettingPayPalCertFile)); path != "" {
		pem, err := readFile(path)
		if err != nil {
			var fe order.FieldErrors
			fe.Add(SettingPayPalCertFile, "cannot be read: "+err.Error())
			return Config{}, fe.Err("payment.ConfigFrom")
		}
		cfg.PayPalCertPEM, cfg.PayPalCertSetting = pem, SettingPayPalCertFile
	}
	return cfg, nil
}

// list is commalist.Split: the one parser of comma-separated settings.
func list(s string) []string { return commalist.Split(s) }
