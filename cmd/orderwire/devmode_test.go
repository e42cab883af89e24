package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeProductionModeHasNoLocalRoutes: without --dev (and with a real sender, here an
// SMTP server that is never reached) serve says it runs in production mode, the /local/*
// routes are 404 even with the bearer token, and no local outbox file is made.
func TestServeProductionModeHasNoLocalRoutes(t *testing.T) {
	dir := privateDir(t)
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok", "ORDERWIRE_SMTP_URL": "smtp://127.0.0.1:1"}
	base, printed, stop := startServeWith(t, env, io.Discard, "--sweep-every", "0")
	defer stop()
	out := printed.String()
	if !strings.Contains(out, "production mode") || strings.Contains(out, "local mode") || !strings.Contains(out, "buyer SMS: off") {
		t.Fatalf("the banner does not say production mode, SMS off:\n%s", out)
	}
	for _, r := range [][2]string{{"POST", "/local/reminders/run"}, {"GET", "/local/outbox"}, {"GET", "/local/alerts"}} {
		if code, body := call(t, r[0], base+r[1], "tok", `{}`); code != 404 {
			t.Fatalf("%s %s in production mode: %d %s", r[0], r[1], code, body)
		}
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-P", "tok", orderBody); code != 201 {
		t.Fatalf("the seller API in production mode: %d %s", code, body)
	}
	if _, err := os.Stat(filepath.Join(dir, localOutboxFile)); !os.IsNotExist(err) {
		t.Fatalf("production mode made a local outbox: %v", err)
	}
}

// TestServeProductionModeNeedsASender: without --dev and without SMTP, SES or SNS, serve
// refuses to start (exit 1), saying which settings or --dev would do.
func TestServeProductionModeNeedsASender(t *testing.T) {
	dir := privateDir(t)
	var stdout, stderr strings.Builder
	getenv := func(k string) string {
		return map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok"}[k]
	}
	code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, &stdout, &stderr)
	msg := stderr.String()
	if code != 1 || !strings.Contains(msg, "ORDERWIRE_SMTP_URL") || !strings.Contains(msg, "ORDERWIRE_SMS=sns") || !strings.Contains(msg, "--dev") {
		t.Fatalf("exit %d, stderr %q", code, msg)
	}
	if strings.Contains(stdout.String(), "listening") {
		t.Fatalf("it listened:\n%s", stdout.String())
	}
}

// TestServeDevSweepDeliversAsOfItsInstant: with --dev and both background loops off, a
// sweep 25 hours (and up to a day more, to land at noon in São Paulo, outside quiet hours)
// after the order was placed queues a payment reminder and delivers it as of that instant:
// GET /local/outbox lists it as soon as the sweep has answered (nothing else could have
// sent it: the row is not due on the wall clock, and the notifier's loop is off). An at two
// years away is 400.
func TestServeDevSweepDeliversAsOfItsInstant(t *testing.T) {
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok"}
	base, printed, stop := startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "0")
	defer stop()
	if !strings.Contains(printed.String(), "local mode (--dev)") {
		t.Fatalf("local mode not announced:\n%s", printed)
	}
	placed := time.Now().UTC()
	body := strings.Replace(orderBody, "2026-12-01T12:00:00Z", placed.AddDate(0, 0, 20).Format(time.RFC3339), 1)
	if code, resp := call(t, "PUT", base+"/v1/orders/AE-DEV", "tok", body); code != 201 {
		t.Fatalf("PUT %d %s", code, resp)
	}
	for _, far := range []time.Time{placed.AddDate(2, 0, 0), placed.AddDate(-2, 0, 0)} {
		code, resp := call(t, "POST", base+"/local/reminders/run", "tok", fmt.Sprintf(`{"at":%q}`, far.Format(time.RFC3339)))
		if code != 400 || !strings.Contains(resp, "within a year") {
			t.Fatalf("at %v: %d %s", far, code, resp)
		}
	}
	at := placed.Add(25 * time.Hour).Truncate(time.Hour)
	for at.Hour() != 15 || at.Before(placed.Add(25*time.Hour)) { // 15:00 UTC is 12:00 in São Paulo
		at = at.Add(time.Hour)
	}
	var answer struct {
		Report    struct{ Reminders int }
		Delivered struct{ Sent, Messages int }
	}
	code, resp := call(t, "POST", base+"/local/reminders/run", "tok", fmt.Sprintf(`{"at":%q}`, at.Format(time.RFC3339)))
	if err := json.Unmarshal([]byte(resp), &answer); code != 200 || err != nil || answer.Report.Reminders != 1 ||
		answer.Delivered.Sent != 1 || answer.Delivered.Messages < 1 {
		t.Fatalf("sweep at %v: %d %s", at, code, resp)
	}
	code, resp = call(t, "GET", base+"/local/outbox", "tok", "")
	var entries []outboxEntry
	if err := json.Unmarshal([]byte(resp), &entries); code != 200 || err != nil {
		t.Fatalf("GET /local/outbox: %d %v %s", code, err, resp)
	}
	reminders := 0
	for _, e := range entries {
		if e.OrderID == "AE-DEV" && e.Kind == "payment_reminder" {
			reminders++
		}
	}
	if reminders == 0 || len(entries) != answer.Delivered.Messages {
		t.Fatalf("local outbox right after the sweep: %+v (delivered %+v)", entries, answer.Delivered)
	}
}
