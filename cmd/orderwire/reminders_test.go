package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRunsRemindersOnRequest(t *testing.T) {
	dir := privateDir(t)
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte("quiet_start_hour: 23\nquiet_end_hour: 6\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok", "ORDERWIRE_POLICY_FILE": policy}
	base, _, stop := startServe(t, env)
	defer stop()
	if code, body := call(t, "PUT", base+"/v1/orders/AE-RR", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	// Far past the due date: the order is terminated by one sweep.
	code, body := call(t, "POST", base+"/local/reminders/run", "tok", `{"at":"2026-12-31T15:00:00Z"}`)
	if code != 200 || !strings.Contains(body, `"terminated":1`) {
		t.Fatalf("sweep: %d %s", code, body)
	}
	if _, body := call(t, "GET", base+"/v1/orders/AE-RR", "tok", ""); !strings.Contains(body, `"status":"terminated"`) {
		t.Fatalf("order after the sweep: %s", body)
	}
}

func TestServeRefusesABadPolicyFile(t *testing.T) {
	dir := privateDir(t)
	policy := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(policy, []byte("quiet_hours: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	getenv := func(k string) string {
		return map[string]string{"ORDERWIRE_DATA_DIR": dir, "ORDERWIRE_API_TOKEN": "tok", "ORDERWIRE_POLICY_FILE": policy}[k]
	}
	if code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, io.Discard, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "reminder policy") {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
}
