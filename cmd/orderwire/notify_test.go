package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/testservice"
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
	*e = outboxEntry(p)
	return err
}

// TestServeDeliversToLocalOutbox is the local pipeline end to end with nothing configured:
// an order, a signed payment webhook, and the buyer's payment confirmation in Portuguese in
// GET /local/outbox, with a working unsubscribe link (opening it changes nothing, its form
// unsubscribes); the server's whole log (requests,
// notifier lines) names neither the buyer's address nor phone number, nor the link's token.
func TestServeDeliversToLocalOutbox(t *testing.T) {
	key := []byte("serve-notify-key")
	dir := privateDir(t)
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key)}
	logs := &lockedBuffer{}
	base, printed, stop := startServeLogging(t, env, logs, "--notify-every", "50ms")
	defer stop()
	if !strings.Contains(printed.String(), "buyer email: local outbox") {
		t.Fatalf("the local sink is not announced:\n%s", printed)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-N", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	postPayment(t, base, key, "AE-N", "msg_notify")

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
	if code, page := call(t, "GET", link, "", ""); code != 200 || !strings.Contains(page, `<form method="post">`) {
		t.Fatalf("unsubscribe link: %d %s", code, page)
	}
	if _, buyer := call(t, "GET", base+"/v1/buyers/buyer-1", "tok", ""); !strings.Contains(buyer, `"email_opt_out":false`) {
		t.Fatalf("buyer after only opening the link: %s", buyer)
	}
	resp, err := http.Post(link, "application/x-www-form-urlencoded", strings.NewReader("confirm=unsubscribe"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("the confirmation form: %d", resp.StatusCode)
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
	token := strings.TrimPrefix(link, base+"/unsubscribe?token=")
	if strings.Contains(token, "buyer-1") || strings.Contains(token, base64.RawURLEncoding.EncodeToString([]byte("buyer-1"))[:8]) {
		t.Fatalf("the unsubscribe token names the buyer: %s", token)
	}
	log := logs.String()
	if !strings.Contains(log, `"AE-N/payment_received/2"`) {
		t.Fatalf("the notifier's line for the row is missing from the log:\n%s", log)
	}
	for _, secret := range []string{"ana@example.com", "+5511912345678", "5511912345678", token} {
		if strings.Contains(log, secret) {
			t.Fatalf("the log contains %q:\n%s", secret, log)
		}
	}
}

// TestServeSendsEmailBySMTP: with ORDERWIRE_SMTP_URL set, the buyer's payment confirmation
// goes out by SMTP (to maildev, read back through its API) instead of the local outbox.
func TestServeSendsEmailBySMTP(t *testing.T) {
	smtpAddr := testservice.Endpoint(t, "ORDERWIRE_TEST_SMTP_ADDR")
	api := strings.TrimRight(testservice.Endpoint(t, "ORDERWIRE_TEST_MAILDEV_URL"), "/")
	key := []byte("serve-smtp-key-0001")
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key),
		"ORDERWIRE_SMTP_URL":                 "smtp://" + smtpAddr, "ORDERWIRE_EMAIL_FROM": "Loja Ana <pedidos@loja.example>",
		"ORDERWIRE_SELLER_NAME": "Loja Ana", "ORDERWIRE_SELLER_ADDRESS": "Rua Augusta, 1500\nSão Paulo"}
	base, printed, stop := startServeArgs(t, env, "--notify-every", "50ms")
	defer stop()
	if !strings.Contains(printed.String(), "buyer email: SMTP") {
		t.Fatalf("SMTP not announced:\n%s", printed)
	}
	to := fmt.Sprintf("ana-%d@example.com", time.Now().UnixNano())
	body := strings.Replace(orderBody, "ana@example.com", to, 1)
	if code, resp := call(t, "PUT", base+"/v1/orders/AE-SMTP", "tok", body); code != 201 {
		t.Fatalf("PUT %d %s", code, resp)
	}
	postPayment(t, base, key, "AE-SMTP", "msg_smtp")

	type message struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		To      []struct {
			Address string `json:"address"`
		} `json:"to"`
		From []struct {
			Address string `json:"address"`
		} `json:"from"`
	}
	var found *message
	for i := 0; i < 200 && found == nil; i++ { // bounded: 200 × 25 ms
		resp, err := http.Get(api + "/api/email")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var all []message
		if err := json.Unmarshal(raw, &all); err != nil {
			t.Fatalf("maildev: %v", err)
		}
		for i := range all {
			if len(all[i].To) == 1 && all[i].To[0].Address == to {
				found = &all[i]
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	if found == nil {
		t.Fatal("maildev never received the payment confirmation")
	}
	if !strings.Contains(found.Subject, "AE-SMTP") || !strings.Contains(found.Text, "R$") ||
		!strings.Contains(found.Text, "129,90") || len(found.From) != 1 || found.From[0].Address != "pedidos@loja.example" {
		t.Fatalf("message = %+v", found)
	}
	if _, list := call(t, "GET", base+"/local/outbox", "tok", ""); strings.Contains(list, to) {
		t.Fatalf("the email also went to the local outbox: %s", list)
	}
}
