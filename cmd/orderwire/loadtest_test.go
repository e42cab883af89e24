package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestLoadtestRefusesANonLoopbackURL(t *testing.T) {
	for _, u := range []string{"http://192.0.2.1:8080", "http://[2001:db8::1]:8080", "https://127.0.0.1:8080"} {
		var out, errs bytes.Buffer
		env := map[string]string{"ORDERWIRE_API_TOKEN": "t", "ORDERWIRE_STRIPE_WEBHOOK_SECRETS": "whsec_x",
			"ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
		code := run(context.Background(), []string{"loadtest", "--url", u, "--deliveries", "10"}, func(k string) string { return env[k] }, &out, &errs)
		if code == 0 || !strings.Contains(errs.String(), "loopback") || strings.Contains(out.String(), "deliveries/s") {
			t.Errorf("loadtest --url %s: exit %d, stdout %q, stderr %q; want a refusal naming loopback", u, code, out.String(), errs.String())
		}
	}
}

func TestLoadtestRefusesUnboundedRuns(t *testing.T) {
	for _, args := range [][]string{{"--deliveries", "0"}, {"--duration", "0s"}, {"--duration", "1h"}, {"--clients", "0"},
		{"--deliveries", "2000000"}, {"--cpuprofile", "x.prof"}} {
		var out, errs bytes.Buffer
		if code := run(context.Background(), append([]string{"loadtest"}, args...), func(string) string { return "" }, &out, &errs); code != 2 {
			t.Errorf("loadtest %v: exit %d, want 2 (usage); stderr %q", args, code, errs.String())
		}
	}
}

// TestLoadtestInProcess runs a small load test end to end against a server started inside
// the test: the orders are registered, every delivery is answered 2xx, and the run stops
// at its delivery bound.
func TestLoadtestInProcess(t *testing.T) {
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"loadtest", "--in-process", "--clients", "4,8", "--deliveries", "120", "--orders", "10", "--duration", "1m"},
		func(string) string { return "" }, &out, &errs)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errs.String())
	}
	runs := regexp.MustCompile(`clients (\d+): (\d+) deliveries in \S+: \d+ deliveries/s, p50 \S+, p99 \S+, 0 not 2xx, 0 unanswered`).FindAllStringSubmatch(out.String(), -1)
	if len(runs) != 2 || runs[0][1] != "4" || runs[1][1] != "8" || runs[0][2] != "120" || runs[1][2] != "120" {
		t.Fatalf("want two runs of exactly 120 deliveries, all 2xx; printed:\n%s", out.String())
	}
}

// TestLoadtestAgainstARunningServer is --url: a server started with its own secrets and
// token, the load test given the same settings; every delivery is recorded, which the
// server's timeline of a load order shows.
func TestLoadtestAgainstARunningServer(t *testing.T) {
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok-load",
		"ORDERWIRE_STRIPE_WEBHOOK_SECRETS": "whsec_" + randomKey(t), "ORDERWIRE_STANDARD_WEBHOOK_SECRETS": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	base, _, stop := startServeArgs(t, env, "--sweep-every", "0", "--notify-every", "0")
	defer stop()
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"loadtest", "--url", base, "--clients", "4", "--deliveries", "40", "--orders", "5"},
		func(k string) string { return env[k] }, &out, &errs)
	if code != 0 || !strings.Contains(out.String(), "clients 4: 40 deliveries") || !strings.Contains(out.String(), "0 not 2xx, 0 unanswered") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errs.String())
	}
	// 40 deliveries over 5 orders: each order got pending, failed, pending, succeeded twice.
	id := regexp.MustCompile(`orders (LT\d{6}-0-00001)\.\.`).FindStringSubmatch(out.String())
	if id == nil {
		t.Fatalf("no order id printed:\n%s", out.String())
	}
	code, body := call(t, "GET", base+"/v1/orders/"+id[1], env["ORDERWIRE_API_TOKEN"], "")
	var got apiOrder
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("GET %s: %d %v %s", id[1], code, err, body)
	}
	if got.PaymentStatus != "paid" || len(got.Timeline) < 8 {
		t.Errorf("order %s: payment %q with %d timeline entries; want paid, with the 8 events on it", id[1], got.PaymentStatus, len(got.Timeline))
	}
}
