package wiring

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

func envOf(m map[string]string) Source { return EnvSource(func(k string) string { return m[k] }) }

// TestPolicyDefaults: without ORDERWIRE_POLICY_FILE the sweep applies the defaults.
func TestPolicyDefaults(t *testing.T) {
	p, err := PolicyFrom(envOf(map[string]string{"LAMBDA_TASK_ROOT": t.TempDir(), EnvPolicyFile: "  "}))
	if err != nil || !reflect.DeepEqual(p, reminder.DefaultPolicy()) {
		t.Fatalf("policy %+v, %v; want the defaults", p, err)
	}
}

// TestPolicyNextToBootstrap: a relative path is read from LAMBDA_TASK_ROOT (where Lambda
// unpacks bin/reminders/), an absolute one as it is.
func TestPolicyNextToBootstrap(t *testing.T) {
	root := t.TempDir()
	body := "quiet_start_hour: 22\ntiers:\n  trusted: {after_created: [48h], final_notice_before_due: 12h, max_reminders: 1}\n"
	if err := os.WriteFile(filepath.Join(root, "policy.yaml"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"policy.yaml", filepath.Join(root, "policy.yaml")} {
		p, err := PolicyFrom(envOf(map[string]string{"LAMBDA_TASK_ROOT": root, EnvPolicyFile: path}))
		if err != nil || p.QuietStart != 22 || time.Duration(p.Tiers[reminder.TierTrusted].AfterCreated[0]) != 48*time.Hour {
			t.Fatalf("%s: policy %+v, %v", path, p, err)
		}
	}
}

// TestPolicyFailsNamingTheFile: a missing file, a file with an unknown key and a file
// with an invalid value each fail the cold start with one invalid error naming the variable
// and the file; the invalid value is named among the error's fields.
func TestPolicyFailsNamingTheFile(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{"unknown.yaml": "quiet_hours: 3\n", "invalid.json": `{"quiet_end_hour": 25}`} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"missing.yaml", "unknown.yaml", "invalid.json"} {
		_, err := PolicyFrom(envOf(map[string]string{"LAMBDA_TASK_ROOT": root, EnvPolicyFile: name}))
		if order.ErrorCode(err) != order.CodeInvalid || !strings.Contains(err.Error(), EnvPolicyFile) ||
			!strings.Contains(err.Error(), filepath.Join(root, name)) {
			t.Errorf("%s: %v; want invalid, naming %s and the file", name, err, EnvPolicyFile)
		}
	}
	_, err := PolicyFrom(envOf(map[string]string{"LAMBDA_TASK_ROOT": root, EnvPolicyFile: "invalid.json"}))
	var e *order.Error
	if !errors.As(err, &e) || e.Fields["quiet_start_hour"] == "" {
		t.Errorf("invalid value: %v; want the bad field named", err)
	}
}
