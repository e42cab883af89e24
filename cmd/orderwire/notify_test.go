package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

type outboxEntry struct {
	ID, OrderID, Kind, Channel, To, Subject, Text, HTML, Locale, Status string
	SentAt                                                              time.Time `json:"sent_at"`
}

func (e *outboxEntry) UnmarshalJSON(b []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for _, f := range []string{"id", "order_id", "kind", "channel", "to", "subject", "text", "html", "locale", "status", "sent_at"} {
		if _, ok := raw[f]; !ok {
			return &json.UnsupportedValueError{Str: "missing field " + f}
		}
	}
	type plain struct {
		ID      string    `json:"id"`
		OrderID string    `json:"order_id"`
		Kind    string    `json:"kind"`
		Channel string    `json:"channel"`
		To      string    `json:"to"`
		Subject string    `json:"subject"`
		Text    string    `json:"text"`
		HTML    string    `json:"html"`
		Locale  string    `json:"locale"`
		Status  string    `json:"status"`
		SentAt  time.Time `json:"sent_at"`
	}
	var p plain
	err := json.Unmarshal(b, &p)
	*e = outboxEntry{p.ID, p.OrderID, p.Kind, p.Channel, p.To, p.Subject, p.Text, p.HTML, p.Locale, p.Status, p.SentAt}
	return err
}

// TestServeDeliversToLocalOutbox is the local pipeline end to end with nothing configured:
// an order, a signed payment webhook, and the buyer's payment confirmation in Portuguese in
// GET /local/outbox, with a working unsubscribe link; the log names neither address.
func TestServeDeliversToLocalOutbox(t *testing.T) {
	key := []byte("serve-notify-key")
	dir := t.TempDir()
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key)}
	base, printed, stop := startServeArgs(t, env, "--notify-every", "50ms")
	defer stop()
	if !strings.Contains(printed.String(), "buyer email: local outbox") {
		t.Fatalf("the local sink is not announced:\n%s", printed)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-N", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	body := `{"type":"payment.succeeded","data":{"order_id":"AE-N","amount_minor":12990,"currency":"BRL"}}`
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("msg_notify." + ts + "." + body))
	req, _ := http.NewRequest("POST", base+"/webhooks/payments/standard", strings.NewReader(body))
	req.Header.Set("webhook-id", "msg_notify")
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

	var entries []outboxEntry
	for i := 0; i < 200 && len(entries) == 0; i++ { // bounded: 200 × 25 ms
		code, raw := call(t, "GET", base+"/local/outbox", "tok", "")
		if code != 200 {
			t.Fatalf("GET /local/outbox: %d %s", code, raw)
		}
		if err := json.Unmarshal([]byte(raw), &entries); err != nil {
			t.Fatalf("GET /local/outbox: %v in %s", err, raw)
		}
		time.Sleep(25 * time.Millisecond)
	}
	if len(entries) != 1 {
		t.Fatalf("local outbox = %+v, want the one payment confirmation", entries)
	}
	e := entries[0]
	if e.OrderID != "AE-N" || e.Kind != "payment_received" || e.Channel != "email" || e.To != "ana@example.com" ||
		e.Locale != "pt-BR" || e.Status != "sent" || e.Subject == "" || !strings.Contains(e.Text, "129,90") ||
		!strings.Contains(e.HTML, "<html") || e.SentAt.IsZero() {
		t.Fatalf("entry = %+v", e)
	}
	if code, _ := call(t, "GET", base+"/local/outbox", "", ""); code != 401 {
		t.Fatalf("GET /local/outbox without the token: %d, want 401", code)
	}

	// The email's unsubscribe link works against this server.
	i := strings.Index(e.Text, base+"/unsubscribe?token=")
	if i < 0 {
		t.Fatalf("no unsubscribe link to %s in the text:\n%s", base, e.Text)
	}
	link := strings.Fields(e.Text[i:])[0]
	if code, page := call(t, "GET", link, "", ""); code != 200 {
		t.Fatalf("unsubscribe link: %d %s", code, page)
	}
	if _, buyer := call(t, "GET", base+"/v1/buyers/buyer-1", "tok", ""); !strings.Contains(buyer, `"email_opt_out":true`) {
		t.Fatalf("buyer after unsubscribing: %s", buyer)
	}
	if stop() != 0 {
		t.Fatal("serve did not exit cleanly")
	}
	if info, err := os.Stat(filepath.Join(dir, "outbox.jsonl")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("outbox file: %v %v", info, err)
	}
}
