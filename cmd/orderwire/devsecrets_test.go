package main

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/loadgen"
)

// TestDevModeTakesWebhooksWithNothingConfigured: `serve --dev` with no webhook setting
// generates the HMAC senders' secrets in the data dir, so a Stripe and a Standard Webhooks
// delivery signed with the saved files are accepted (2xx, not 404), a wrong signature is
// refused, a restart keeps the same secrets, and a setting the environment gives wins.
func TestDevModeTakesWebhooksWithNothingConfigured(t *testing.T) {
	dir := privateDir(t)
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok-dev-secrets-0123456789"}
	base, printed, stop := startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "0")
	if !strings.Contains(printed.String(), "webhook secrets for stripe, standard, aftership, 17track, easypost") {
		t.Errorf("serve did not say where the generated secrets are:\n%s", printed)
	}
	read := func(provider string) string {
		raw, err := os.ReadFile(filepath.Join(dir, devSecretsDir, provider))
		if err != nil {
			t.Fatal(err)
		}
		if info, err := os.Stat(filepath.Join(dir, devSecretsDir, provider)); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s secret file: %v %v, want mode 0600", provider, info.Mode(), err)
		}
		if strings.Contains(printed.String(), strings.TrimSpace(string(raw))) {
			t.Errorf("serve printed the %s secret itself", provider)
		}
		return strings.TrimSpace(string(raw))
	}
	stripeSaved, standardSaved := read("stripe"), read("standard")
	standardKey, err := base64.RawURLEncoding.DecodeString(standardSaved)
	if err != nil {
		t.Fatal(err)
	}
	keys := &loadgen.Keys{Stripe: "whsec_" + stripeSaved, Standard: standardKey}
	send := func(base, provider, id string, k *loadgen.Keys) int {
		body := loadJSON(t, "payment", provider, map[string]string{"stripe": "payment_intent.succeeded.json",
			"standard": "payment.succeeded.json"}[provider]).set("id", id).bytes()
		d, err := k.SignPayment(provider, id, body, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		req, err := http.NewRequest(http.MethodPost, base+d.Path, bytes.NewReader(d.Body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header = d.Header.Clone()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // the status is what the test reads
		return resp.StatusCode
	}
	for _, p := range []string{"stripe", "standard"} {
		if code := send(base, p, "evt_dev_"+p, keys); code/100 != 2 {
			t.Errorf("%s delivery signed with the generated secret: %d, want 2xx", p, code)
		}
	}
	wrong := &loadgen.Keys{Stripe: "whsec_" + strings.Repeat("x", 43), Standard: bytes.Repeat([]byte{1}, 32)}
	for _, p := range []string{"stripe", "standard"} {
		if code := send(base, p, "evt_dev_wrong_"+p, wrong); code != http.StatusUnauthorized && code != http.StatusBadRequest {
			t.Errorf("%s delivery with a wrong signature: %d, want 401 or 400", p, code)
		}
	}
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}

	// Restart: the same files, the same secrets; and an environment setting wins over them.
	env["ORDERWIRE_STRIPE_WEBHOOK_SECRETS"] = "whsec_" + strings.Repeat("s", 40)
	base, printed, stop = startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "0")
	defer stop()
	if read("standard") != standardSaved || read("stripe") != stripeSaved {
		t.Error("a restart generated new secrets")
	}
	if strings.Contains(printed.String(), "webhook secrets for stripe") {
		t.Errorf("serve used a generated Stripe secret although the environment sets one:\n%s", printed)
	}
	if code := send(base, "standard", "evt_dev_again", keys); code/100 != 2 {
		t.Errorf("standard after restart: %d, want 2xx", code)
	}
	if code := send(base, "stripe", "evt_dev_env", keys); code/100 == 2 {
		t.Errorf("stripe signed with the generated secret was accepted although the environment sets another")
	}
	envKeys := &loadgen.Keys{Stripe: env["ORDERWIRE_STRIPE_WEBHOOK_SECRETS"]}
	if code := send(base, "stripe", "evt_dev_env2", envKeys); code/100 != 2 {
		t.Errorf("stripe signed with the environment's secret: %d, want 2xx", code)
	}
}
