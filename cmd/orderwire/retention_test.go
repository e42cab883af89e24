package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestServeRefusesBadRetention: a retention setting that is not a whole number of days in
// range stops `serve` with a message naming the setting.
func TestServeRefusesBadRetention(t *testing.T) {
	for name, value := range map[string]string{
		"ORDERWIRE_RETENTION_MESSAGES_DAYS": "0",
		"ORDERWIRE_RETENTION_EVIDENCE_DAYS": "540d",
		"ORDERWIRE_RETENTION_UNFILED_DAYS":  "99999",
	} {
		var stderr strings.Builder
		getenv := func(k string) string {
			return map[string]string{"ORDERWIRE_DATA_DIR": t.TempDir(), "ORDERWIRE_API_TOKEN": "tok", name: value}[k]
		}
		code := run(context.Background(), []string{"serve", "--addr", "127.0.0.1:0"}, getenv, io.Discard, &stderr)
		if code != 1 || !strings.Contains(stderr.String(), name) {
			t.Errorf("%s=%s: exit %d, stderr %q; want a refusal naming the setting", name, value, code, stderr.String())
		}
	}
}
