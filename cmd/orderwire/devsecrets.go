package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/tracking"
)

// devSecretsDir is where `serve --dev` keeps the webhook secrets it generated, inside the
// data directory (one file per provider, mode 0600).
const devSecretsDir = "webhook-secrets"

// devSecret is a webhook setting local mode fills in when it is unset: the provider, and how
// the saved random value (256 bits, base64url) is written in the setting.
type devSecret struct {
	provider, setting string
	format            func(saved string) (string, error)
}

// devSecrets are the HMAC-signed senders: their secret is a shared key the sender can be
// given. PayPal, Antom and Alipay sign with the provider's private key (orderwire holds only
// a certificate or a public key), so local mode cannot make one up for them.
var devSecrets = []devSecret{
	{"stripe", payment.SettingStripeSecrets, func(s string) (string, error) { return "whsec_" + s, nil }},
	{"standard", payment.SettingStandardSecrets, func(s string) (string, error) {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		return "whsec_" + base64.StdEncoding.EncodeToString(raw), err // Standard Webhooks: base64 after whsec_
	}},
	{"aftership", tracking.SettingAfterShipSecrets, func(s string) (string, error) { return s, nil }},
	{"17track", tracking.SettingSeventeenTrackKeys, func(s string) (string, error) { return s, nil }},
	{"easypost", tracking.SettingEasyPostSecrets, func(s string) (string, error) { return s, nil }},
}

// withDevWebhookSecrets is getenv with a secret for each HMAC webhook setting left unset,
// loaded from (or generated into) dataDir/webhook-secrets/<provider>, so that `make run` takes
// webhooks with nothing to configure. Settings the environment sets are kept as they are.
// It says on stdout where each generated or loaded secret is (never the secret itself).
func withDevWebhookSecrets(getenv func(string) string, dataDir string, stdout io.Writer) (func(string) string, error) {
	filled := map[string]string{}
	var names []string
	for _, d := range devSecrets {
		if strings.TrimSpace(getenv(d.setting)) != "" {
			continue
		}
		saved, _, _, err := loadOrCreateSecret(filepath.Join(dataDir, devSecretsDir), d.provider, d.provider+" webhook secret")
		if err != nil {
			return nil, err
		}
		if filled[d.setting], err = d.format(saved); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dataDir, devSecretsDir, d.provider), err)
		}
		names = append(names, d.provider)
	}
	if len(names) > 0 {
		fmt.Fprintf(stdout, "local mode: webhook secrets for %s are in %s (one file each; the setting's format is in README)\n",
			strings.Join(names, ", "), filepath.Join(dataDir, devSecretsDir))
	}
	return func(k string) string {
		if v, ok := filled[k]; ok {
			return v
		}
		return getenv(k)
	}, nil
}
