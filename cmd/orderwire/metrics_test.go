package main

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeExposesMetrics: `orderwire serve --dev` counts a signed payment webhook, the
// local sweep run and the messages it delivered, and its own start, at GET /metrics, which
// a client on loopback reads without a token.
func TestServeExposesMetrics(t *testing.T) {
	key := []byte("serve-metrics-key-0001")
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_" + base64.StdEncoding.EncodeToString(key)}
	base, printed, stop := startServeArgs(t, env, "--notify-every", "0", "--sweep-every", "0")
	defer stop()
	if !strings.Contains(printed.String(), "metrics: GET "+base+"/metrics") {
		t.Errorf("the metrics page is not announced:\n%s", printed)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-M", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	postPayment(t, base, key, "AE-M", "msg_metrics")
	at := time.Now().Add(time.Minute).UTC().Format(time.RFC3339)
	if code, body := call(t, "POST", base+"/local/reminders/run", "tok", fmt.Sprintf(`{"at":%q}`, at)); code != 200 {
		t.Fatalf("POST /local/reminders/run: %d %s", code, body)
	}

	code, page := call(t, "GET", base+"/metrics", "", "") // an empty bearer token: none
	if code != 200 {
		t.Fatalf("GET /metrics from loopback without a token: %d %s", code, page)
	}
	for _, want := range []string{
		`orderwire_events_total{channel="payment",outcome="applied",provider="standard"} 1`,
	} {
		if !strings.Contains(page, want+"\n") {
			t.Errorf("GET /metrics lacks %s", want)
		}
	}
	if n := sample(t, page, `orderwire_sweep_runs_total`); n != 1 {
		t.Errorf("orderwire_sweep_runs_total = %v, want 1 (the local run; the ticker is off)", n)
	}
	if !regexp.MustCompile(`(?m)^orderwire_messages_total\{kind="payment_received",status="[a-z]+"\} 1$`).MatchString(page) {
		t.Errorf("the payment_received row the local run delivered is not counted:\n%s", grep(page, "orderwire_messages_total"))
	}
	if s := sample(t, page, `orderwire_cold_start_seconds{function="serve"}`); s <= 0 {
		t.Errorf("orderwire_cold_start_seconds = %v, want a positive start time", s)
	}
}

// sample returns the value of the series named exactly series (name and labels) on page.
func sample(t *testing.T, page, series string) float64 {
	t.Helper()
	for line := range strings.SplitSeq(page, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("no %s on the page:\n%s", series, page)
	return 0
}

func grep(page, prefix string) string {
	var out []string
	for line := range strings.SplitSeq(page, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
