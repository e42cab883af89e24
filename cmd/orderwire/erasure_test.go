package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestServeErasesBuyer: through `orderwire serve`, a buyer's order is paid (a Standard
// Webhooks payment) and the payment confirmation lands in the local outbox; GET
// /v1/buyers/buyer-1/export shows it; DELETE /v1/buyers/buyer-1 erases the buyer, the
// rendered copy included. Once the server has stopped, neither outbox.jsonl nor the
// database file, read as bytes, holds the buyer's name, email or phone, and neither does
// the log.
func TestServeErasesBuyer(t *testing.T) {
	key := []byte("serve-erasure-key")
	dir := privateDir(t)
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key)}
	logs := &lockedBuffer{}
	base, _, stop := startServeLogging(t, env, logs, "--notify-every", "50ms")

	defer stop()
	if code, body := call(t, "PUT", base+"/v1/orders/AE-E", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	postPayment(t, base, key, "AE-E", "msg_erase")
	sent := false
	for i := 0; i < 200 && !sent; i++ { // bounded: 200 × 25 ms
		_, raw := call(t, "GET", base+"/local/outbox", "tok", "")
		sent = strings.Contains(raw, "ana@example.com")
		time.Sleep(25 * time.Millisecond)
	}
	if !sent {
		t.Fatal("the payment confirmation never reached the local outbox")
	}
	if code, exp := call(t, "GET", base+"/v1/buyers/buyer-1/export", "tok", ""); code != 200 ||
		!strings.Contains(exp, `"email":"ana@example.com"`) || !strings.Contains(exp, `"provider_message_id":"local-1"`) {
		t.Fatalf("export: %d %s", code, exp)
	}
	code, raw := call(t, "DELETE", base+"/v1/buyers/buyer-1", "tok", "")
	var res struct {
		OrdersTouched  int `json:"orders_touched"`
		MessagesErased int `json:"messages_erased"`
		EvidenceHeld   []struct {
			OrderID string `json:"order_id"`
		} `json:"evidence_held"`
	}
	if code != 200 || json.Unmarshal([]byte(raw), &res) != nil || res.OrdersTouched != 1 || res.MessagesErased != 1 ||
		len(res.EvidenceHeld) != 1 || res.EvidenceHeld[0].OrderID != "AE-E" {
		t.Fatalf("DELETE: %d %s", code, raw)
	}
	if code, _ := call(t, "GET", base+"/v1/buyers/buyer-1", "tok", ""); code != 404 {
		t.Fatalf("GET the erased buyer: %d", code)
	}
	if stop() != 0 {
		t.Fatal("serve did not exit cleanly")
	}
	contact := []string{"ana@example.com", "+5511912345678", "Ana Souza"}
	for _, name := range []string{"outbox.jsonl", "orderwire.db"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range contact {
			if n := storetest.CountLeaks(data, c); n != 0 {
				t.Errorf("%s still holds %q (%d times)", name, c, n)
			}
		}
	}
	for _, c := range contact {
		if strings.Contains(logs.String(), c) {
			t.Errorf("the log holds %q", c)
		}
	}
}
