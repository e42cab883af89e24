package deploytest

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/wiring"
	"github.com/orderwire/orderwire/internal/wiring/sellerapi"
)

// environment is the function's environment as the template sets it when deployed with
// params: a plain value as it is, !Ref of a parameter its value (of any other resource a
// placeholder naming it), !Sub its pattern, and !If on a condition "<parameter> is not
// empty" (the only kind checkOptionalSetting allows) the branch that condition picks, where
// AWS::NoValue leaves the variable out.
func environment(t *testing.T, tm template, fn map[string]any, params map[string]string) map[string]string {
	t.Helper()
	vars, _ := get(fn, "Properties", "Environment", "Variables").(map[string]any)
	var value func(v any) (string, bool)
	value = func(v any) (string, bool) {
		if s, ok := v.(string); ok {
			return s, true
		}
		if ref := refTo(v); ref != "" {
			if ref == "AWS::NoValue" {
				return "", false
			}
			if p, ok := params[ref]; ok || get(tm, "Parameters", ref) != nil {
				return p, true
			}
			return "ref:" + ref, true
		}
		if sub, ok := get(v, "Fn::Sub").(string); ok {
			return sub, true
		}
		args, _ := get(v, "Fn::If").([]any)
		if len(args) != 3 {
			t.Fatalf("cannot evaluate %v", v)
		}
		cond, _ := args[0].(string)
		equals, _ := get(tm, "Conditions", cond, "Fn::Not").([]any)
		var param string
		if len(equals) == 1 {
			if eq, _ := get(equals[0], "Fn::Equals").([]any); len(eq) == 2 && eq[1] == "" {
				param = refTo(eq[0])
			}
		}
		if param == "" {
			t.Fatalf("condition %s: want !Not [!Equals [!Ref <parameter>, \"\"]]", cond)
		}
		if params[param] != "" {
			return value(args[1])
		}
		return value(args[2])
	}
	env := map[string]string{}
	for name, v := range vars {
		if s, ok := value(v); ok {
			env[name] = s
		}
	}
	return env
}

// TestSellerAPIAppliesTheSweepsPolicy: deployed with ReminderPolicyFile, the reminders
// function's sweeper and the seller API's seller.Service (which schedules a new order's
// first step and shows a buyer's cadence) are built, each by its real wiring from the
// environment the template gives it, with the policy of that file (bundled next to each
// bootstrap, as the parameter's description says), not the defaults; deployed without
// it, both use the defaults.
func TestSellerAPIAppliesTheSweepsPolicy(t *testing.T) {
	tm := loadTemplate(t)
	t.Setenv("AWS_REGION", "eu-west-1") // wiring.Reminders loads an AWS configuration (no call)
	body := "quiet_start_hour: 20\nquiet_end_hour: 9\ntiers:\n  trusted: {after_created: [12h], final_notice_before_due: 6h, max_reminders: 1}\n" +
		"  standard: {after_created: [2h, 30h], final_notice_before_due: 20h, max_reminders: 2}\n" +
		"  watch: {after_created: [1h, 5h, 20h], final_notice_before_due: 40h, max_reminders: 3}\n"
	_, remindersFn := tm.function(t, "reminders")
	_, sellerFn := tm.function(t, "seller-api")
	for _, file := range []string{"", "shop-policy.yaml"} {
		params := map[string]string{"ReminderPolicyFile": file}
		policies := map[string]reminder.Policy{}
		for name, fn := range map[string]map[string]any{"reminders": remindersFn, "seller-api": sellerFn} {
			taskRoot := filepath.Join(t.TempDir(), "bin", name) // LAMBDA_TASK_ROOT: where bin/<name>/ is unpacked
			if err := os.MkdirAll(taskRoot, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(taskRoot, "shop-policy.yaml"), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			env := environment(t, tm, fn, params)
			env["LAMBDA_TASK_ROOT"] = taskRoot
			getenv := func(k string) string { return env[k] }
			if name == "reminders" {
				sw, err := wiring.Reminders(context.Background(), getenv)
				if err != nil {
					t.Fatalf("reminders, ReminderPolicyFile=%q: %v", file, err)
				}
				policies[name] = sw.Policy
				continue
			}
			cfg, err := wiring.APIConfigFrom(wiring.EnvSource(getenv))
			if err != nil {
				t.Fatalf("seller-api, ReminderPolicyFile=%q: %v", file, err)
			}
			svc, ok := sellerapi.Config(cfg, nil, nil, sellerapi.Shop{}, slog.New(slog.DiscardHandler)).Orders.(*seller.Service)
			if !ok || svc.Policy == nil {
				t.Fatalf("seller-api's orders are %T, want a *seller.Service with a policy", svc)
			}
			policies[name] = *svc.Policy
		}
		want := reminder.DefaultPolicy()
		if file != "" {
			want.QuietStart, want.QuietEnd = 20, 9
		}
		if !reflect.DeepEqual(policies["reminders"], policies["seller-api"]) || policies["reminders"].QuietStart != want.QuietStart ||
			policies["reminders"].QuietEnd != want.QuietEnd {
			t.Errorf("ReminderPolicyFile=%q: reminders applies %+v, seller-api %+v; want both quiet hours %d-%d",
				file, policies["reminders"], policies["seller-api"], want.QuietStart, want.QuietEnd)
		}
	}
}
