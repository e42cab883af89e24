package deploytest

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// scheduleRoles returns, by role logical id, the schedules whose target runs with it.
func (tm template) scheduleRoles() map[string][]string {
	out := map[string][]string{}
	for id, sch := range tm.resources("AWS::Scheduler::Schedule") {
		role, _ := getAttOf(get(sch, "Properties", "Target", "RoleArn"))
		out[role] = append(out[role], id)
	}
	return out
}

// scheduleTargets returns, by function logical id, the schedules that invoke it.
func (tm template) scheduleTargets() map[string][]string {
	out := map[string][]string{}
	for id, sch := range tm.resources("AWS::Scheduler::Schedule") {
		fn, _ := getAttOf(get(sch, "Properties", "Target", "Arn"))
		out[fn] = append(out[fn], id)
	}
	return out
}

var rateExpr = regexp.MustCompile(`^rate\(([1-9][0-9]*) (minute|minutes|hour|hours|day|days)\)$`)

// rateOf returns the interval of a rate() schedule expression.
func rateOf(expr string) (time.Duration, bool) {
	m := rateExpr.FindStringSubmatch(expr)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(m[2], "s")]
	return time.Duration(n) * unit, true
}

// schedulerTrust is the one trust statement of a schedule's execution role: EventBridge
// Scheduler may assume it on behalf of this account's schedules only (the confused-deputy
// guard the Scheduler guide recommends).
var schedulerTrust = []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "scheduler.amazonaws.com"},
	"Action": "sts:AssumeRole", "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": map[string]any{"Ref": "AWS::AccountId"}}}}}

// scheduled reports whether a function's code is a periodic run: the reminder sweep, or the
// notifier's due run.
func (u use) scheduled() bool { return u.sweep || u.runsDue }

// TestSchedulesInvokeOnlyTheirFunction: every AWS::Scheduler::Schedule targets a function of
// the template whose code is a periodic run, the reminder sweep or the notifier's due run
// (functionUses), with an execution role of its
// own that trusts Scheduler for this account only and may do exactly one thing:
// lambda:InvokeFunction on that function's ARN (plus sqs:SendMessage on the schedule's
// dead-letter queue, if it has one). The schedule fires on time (FlexibleTimeWindow OFF),
// is enabled unless the operator pauses it, sends Scheduler's default notification (no Input: the payload the function's
// tests replay), every 5 minutes; it retries a failed delivery a few times at most and
// gives up before the next run (MaximumEventAgeInSeconds below the rate), and the
// function's timeout is below the rate too. Every such function has exactly one schedule.
func TestSchedulesInvokeOnlyTheirFunction(t *testing.T) {
	tm := loadTemplate(t)
	fns, roles, roleUsers := tm.functions(), tm.resources("AWS::IAM::Role"), tm.scheduleRoles()
	schedules := tm.resources("AWS::Scheduler::Schedule")
	for id, sch := range schedules {
		props, target := get(sch, "Properties"), get(sch, "Properties", "Target")
		fnID, attr := getAttOf(get(target, "Arn"))
		if fns[fnID] == nil || attr != "Arn" {
			t.Errorf("schedule %s: Target.Arn %v, want !GetAtt <a function of this template>.Arn", id, get(target, "Arn"))
			continue
		}
		if name := folderOf(fns[fnID]); !functionUses(t, name).scheduled() {
			t.Errorf("schedule %s invokes functions/%s, which runs neither the reminder sweep nor a due run", id, name)
		}
		roleID, attr := getAttOf(get(target, "RoleArn"))
		if roles[roleID] == nil || attr != "Arn" {
			t.Errorf("schedule %s: Target.RoleArn %v, want !GetAtt <a role of this template>.Arn", id, get(target, "RoleArn"))
			continue
		}
		if users := roleUsers[roleID]; len(users) != 1 {
			t.Errorf("role %s is the execution role of schedules %v: each schedule has its own", roleID, users)
		}
		if trust := list(get(roles[roleID], "Properties", "AssumeRolePolicyDocument", "Statement")); !reflect.DeepEqual(trust, schedulerTrust) {
			t.Errorf("role %s: trust policy %v, want %v", roleID, trust, schedulerTrust)
		}
		want := []string{"lambda:InvokeFunction on " + fnID}
		if dlq, _ := getAttOf(get(target, "DeadLetterConfig", "Arn")); dlq != "" && tm.resources("AWS::SQS::Queue")[dlq] != nil {
			want = append(want, "sqs:SendMessage on "+dlq)
		}
		if got := scheduleGrants(t, roleID, roles[roleID]); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("role %s grants %v, want exactly %v", roleID, got, want)
		}
		checkScheduleTiming(t, tm, id, props, fns[fnID])
	}
	targets := tm.scheduleTargets()
	for id, fn := range fns {
		if functionUses(t, folderOf(fn)).scheduled() && len(targets[id]) != 1 {
			t.Errorf("%s is a periodic run and is invoked by schedules %v, want exactly one", id, targets[id])
		}
	}
	if len(schedules) == 0 {
		t.Error("no schedule runs the reminder sweep or the notifier")
	}
}

// scheduleGrants returns a schedule role's permissions as "<action> on <logical id>" (a
// resource that is not a !GetAtt of .Arn is printed as it is, and fails the comparison).
func scheduleGrants(t *testing.T, roleID string, role map[string]any) []string {
	t.Helper()
	var out []string
	for _, st := range statements(role) {
		for _, forbidden := range []string{"NotAction", "NotResource", "NotPrincipal", "Condition"} {
			if get(st, forbidden) != nil {
				t.Errorf("role %s, statement %v: %s is not expected", roleID, get(st, "Sid"), forbidden)
			}
		}
		if get(st, "Effect") != "Allow" {
			t.Errorf("role %s, statement %v: Effect %v, want Allow", roleID, get(st, "Sid"), get(st, "Effect"))
		}
		for _, a := range list(get(st, "Action")) {
			for _, r := range list(get(st, "Resource")) {
				name, attr := getAttOf(r)
				if attr != "Arn" {
					name = fmt.Sprint(r)
				}
				out = append(out, fmt.Sprint(a)+" on "+name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// checkScheduleTiming checks when and how schedule id fires and retries (see
// TestSchedulesInvokeOnlyTheirFunction).
func checkScheduleTiming(t *testing.T, tm template, id string, props any, fn map[string]any) {
	t.Helper()
	every, ok := rateOf(fmt.Sprint(get(props, "ScheduleExpression")))
	if !ok || every != 5*time.Minute {
		t.Errorf("schedule %s: ScheduleExpression %v, want rate(5 minutes)", id, get(props, "ScheduleExpression"))
	}
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"FlexibleTimeWindow.Mode", get(props, "FlexibleTimeWindow", "Mode"), "OFF"},
		{"Target.Input", get(props, "Target", "Input"), nil},
	} {
		if c.got != c.want {
			t.Errorf("schedule %s: %s %v, want %v", id, c.what, c.got, c.want)
		}
	}
	if state := get(props, "State"); state != "ENABLED" {
		param := get(tm, "Parameters", refTo(state))
		if refTo(state) == "" || get(param, "Default") != "ENABLED" || !reflect.DeepEqual(get(param, "AllowedValues"), []any{"ENABLED", "DISABLED"}) {
			t.Errorf("schedule %s: State %v, want ENABLED, or !Ref of a parameter allowing ENABLED and DISABLED that defaults to ENABLED", id, state)
		}
	}
	seconds := func(v any) int {
		n, err := strconv.Atoi(fmt.Sprint(v))
		if err != nil {
			return -1
		}
		return n
	}
	retries := seconds(get(props, "Target", "RetryPolicy", "MaximumRetryAttempts"))
	if retries < 0 || retries > 3 {
		t.Errorf("schedule %s: RetryPolicy.MaximumRetryAttempts %v, want 0-3: the next run covers a missed one", id, retries)
	}
	age := time.Duration(seconds(get(props, "Target", "RetryPolicy", "MaximumEventAgeInSeconds"))) * time.Second
	if age < time.Minute || age >= every {
		t.Errorf("schedule %s: RetryPolicy.MaximumEventAgeInSeconds %v, want at least 60 s and below the rate (%v)", id, age, every)
	}
	if timeout := time.Duration(seconds(tm.functionProp(fn, "Timeout"))) * time.Second; timeout <= 0 || timeout >= every {
		t.Errorf("schedule %s: its function's Timeout %v is not below the rate (%v)", id, timeout, every)
	}
}

// TestRateOf: the rate() parser itself.
func TestRateOf(t *testing.T) {
	for expr, want := range map[string]time.Duration{"rate(5 minutes)": 5 * time.Minute, "rate(1 minute)": time.Minute,
		"rate(2 hours)": 2 * time.Hour, "rate(1 day)": 24 * time.Hour, "rate(0 minutes)": 0, "cron(0/5 * * * ? *)": 0, "rate(5 minutes) ": 0} {
		if got, ok := rateOf(expr); got != want || ok != (want != 0) {
			t.Errorf("rateOf(%q) = %v, %v; want %v", expr, got, ok, want)
		}
	}
}
