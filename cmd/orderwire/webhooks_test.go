package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestServeTakesPaymentWebhooks(t *testing.T) {
	key := []byte("serve-test-key-0001")
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key)}
	base, printed, stop := startServe(t, env)
	defer stop()
	if !strings.Contains(printed.String(), "/webhooks/payments/standard") {
		t.Fatalf("enabled providers not announced:\n%s", printed)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-W", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	postPayment(t, base, key, "AE-W", "msg_serve")
	if code, body := call(t, "GET", base+"/v1/orders/AE-W", "tok", ""); !strings.Contains(body, `"status":"awaiting_shipment"`) {
		t.Fatalf("GET after payment %d %s", code, body)
	}
	// PayPal signs with its own private key: local mode cannot make up a secret for it
	// (the HMAC senders get generated ones, TestDevModeTakesWebhooksWithNothingConfigured).
	if code, _ := call(t, "POST", base+"/webhooks/payments/paypal", "", "{}"); code != 404 {
		t.Fatalf("unconfigured provider: %d, want 404", code)
	}
}

// postPayment sends a Standard Webhooks payment.succeeded for orderID (12990 BRL), signed
// with key, and requires a 200.
func postPayment(t *testing.T, base string, key []byte, orderID, msgID string) {
	t.Helper()
	body := `{"type":"payment.succeeded","data":{"order_id":"` + orderID + `","amount_minor":12990,"currency":"BRL"}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID + "." + ts + "." + body))
	req, _ := http.NewRequest("POST", base+"/webhooks/payments/standard", strings.NewReader(body))
	req.Header.Set("webhook-id", msgID)
	req.Header.Set("webhook-timestamp", ts)
	req.Header.Set("webhook-signature", "v1,"+base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
}

func TestServeRefusesBadProviderSettings(t *testing.T) {
	var stderr strings.Builder
	getenv := func(k string) string {
		return map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok",
			"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "not-a-whsec-secret"}[k]
	}
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, io.Discard, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "ORDERWIRE_STANDARD_WEBHOOK_SECRETS[0]") || strings.Contains(stderr.String(), "not-a-whsec-secret") {
		t.Fatalf("exit %d, stderr %q: want a refusal naming the setting, not the secret", code, stderr.String())
	}
}
