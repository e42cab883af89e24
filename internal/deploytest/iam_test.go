package deploytest

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/lambdaenv"
)

// allowedActions is every IAM action any function may be granted. Adding one is a design
// decision: say why next to it.
var allowedActions = map[string]bool{
	"logs:CreateLogStream":          true, // a function writes its own log group
	"logs:PutLogEvents":             true,
	"dynamodb:GetItem":              true, // dynamo.Store reads one item (ConsistentRead)
	"dynamodb:Query":                true, // dynamo.Store reads one partition of the table, or of an index
	"dynamodb:PutItem":              true, // the items of a TransactWriteItems ...
	"dynamodb:UpdateItem":           true,
	"dynamodb:DeleteItem":           true,
	"dynamodb:ConditionCheckItem":   true,
	"secretsmanager:GetSecretValue": true, // secrets.Fetch at cold start
}

// callActions maps each SDK operation the code performs to the IAM action that authorises
// it. TransactWriteItems has no action of its own: each of its items needs the action of
// the matching single-item call (AWS: "Using IAM with DynamoDB transactions").
var callActions = map[string]string{
	"dynamodb.GetItem":              "dynamodb:GetItem",
	"dynamodb.Query":                "dynamodb:Query",
	"dynamodb.Put":                  "dynamodb:PutItem",
	"dynamodb.Update":               "dynamodb:UpdateItem",
	"dynamodb.Delete":               "dynamodb:DeleteItem",
	"dynamodb.ConditionCheck":       "dynamodb:ConditionCheckItem",
	"secretsmanager.GetSecretValue": "secretsmanager:GetSecretValue",
}

// statements returns every permission statement of a role's inline policies.
func statements(role map[string]any) []any {
	var out []any
	for _, p := range list(get(role, "Properties", "Policies")) {
		out = append(out, list(get(p, "PolicyDocument", "Statement"))...)
	}
	return out
}

// TestIAMLeastPrivilege: every function has a role and a log group of its own defined in the
// template (so SAM adds no managed policy); function roles trust Lambda only, and every
// other role is a schedule's (TestSchedulesInvokeOnlyTheirFunction checks those); no role
// carries managed policies; every statement allows only actions on the allow-list, on
// resources of this stack named exactly: DynamoDB actions on the table ARN, or Query on the
// ARN of an index the table defines (!Sub "${Table.Arn}/index/<name>"; never a stream),
// Secrets Manager on the secret its ORDERWIRE_SECRETS_ARN names only
// (TestFunctionEnvironments checks who else reads it), CloudWatch Logs on the function's
// own log group, which has a retention.
func TestIAMLeastPrivilege(t *testing.T) {
	tm := loadTemplate(t)
	roles := tm.resources("AWS::IAM::Role")
	for _, typ := range []string{"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group"} {
		if len(tm.resources(typ)) > 0 {
			t.Errorf("%s resources are not allowed: grant through the function's role", typ)
		}
	}
	owner, logOwner := map[string]string{}, map[string]string{}
	for id, fn := range tm.functions() {
		roleID, attr := getAttOf(get(fn, "Properties", "Role"))
		if roles[roleID] == nil || attr != "Arn" {
			t.Errorf("%s: Role must be !GetAtt <a role of this template>.Arn", id)
			continue
		}
		if get(fn, "Properties", "Policies") != nil {
			t.Errorf("%s: SAM Policies are not allowed: write the statements in its role", id)
		}
		if other, dup := owner[roleID]; dup {
			t.Errorf("%s shares role %s with %s", id, roleID, other)
		}
		owner[roleID] = id
		logGroup := refTo(get(fn, "Properties", "LoggingConfig", "LogGroup"))
		if g := tm.resources("AWS::Logs::LogGroup")[logGroup]; g == nil || get(g, "Properties", "RetentionInDays") == nil {
			t.Errorf("%s: LoggingConfig.LogGroup must !Ref a log group of this template with RetentionInDays", id)
		}
		if other, dup := logOwner[logGroup]; dup {
			t.Errorf("%s shares log group %s with %s", id, logGroup, other)
		}
		logOwner[logGroup] = id
		secret := refTo(get(fn, "Properties", "Environment", "Variables", lambdaenv.EnvSecretsARN))
		for _, st := range statements(roles[roleID]) {
			checkStatement(t, tm, roleID, own{logGroup: logGroup, secret: secret}, st)
		}
	}
	scheduleRoles := tm.scheduleRoles()
	for id, role := range roles {
		if get(role, "Properties", "ManagedPolicyArns") != nil {
			t.Errorf("role %s: managed policies are not allowed", id)
		}
		switch {
		case owner[id] != "" && len(scheduleRoles[id]) > 0:
			t.Errorf("role %s is used by function %s and by schedules %v", id, owner[id], scheduleRoles[id])
			continue
		case len(scheduleRoles[id]) > 0:
			continue // a schedule's execution role: TestSchedulesInvokeOnlyTheirFunction
		case owner[id] == "":
			t.Errorf("role %s is used by no function and no schedule", id)
		}
		trust := list(get(role, "Properties", "AssumeRolePolicyDocument", "Statement"))
		want := []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}}
		if !reflect.DeepEqual(trust, want) {
			t.Errorf("role %s: trust policy %v, want Lambda only", id, trust)
		}
	}
}

// own names the resources of one function: its log group and its secret (logical ids).
type own struct{ logGroup, secret string }

func checkStatement(t *testing.T, tm template, roleID string, mine own, st any) {
	t.Helper()
	where := fmt.Sprintf("role %s, statement %v", roleID, get(st, "Sid"))
	for _, forbidden := range []string{"NotAction", "NotResource", "NotPrincipal"} {
		if get(st, forbidden) != nil {
			t.Errorf("%s: %s is not allowed", where, forbidden)
		}
	}
	if get(st, "Effect") != "Allow" {
		t.Errorf("%s: Effect %v, want Allow", where, get(st, "Effect"))
	}
	resources := list(get(st, "Resource"))
	if len(resources) == 0 {
		t.Errorf("%s: no Resource", where)
	}
	for _, a := range list(get(st, "Action")) {
		action, _ := a.(string)
		if strings.Contains(action, "*") || !allowedActions[action] {
			t.Errorf("%s: action %v is not on the allow-list", where, a)
			continue
		}
		service, _, _ := strings.Cut(action, ":")
		for _, r := range resources {
			name, ok := resourceName(tm, mine, service, r)
			switch {
			case !ok:
				t.Errorf("%s: %s on %v: want exactly the function's own %s resource (the table or one of its indexes, its secret, its log group)", where, action, r, service)
			case strings.HasPrefix(name, "index/") && action != "dynamodb:Query":
				t.Errorf("%s: %s on %s: only a Query reads an index; grant the rest on the table", where, action, name)
			}
		}
	}
	if strings.Contains(fmt.Sprint(get(st, "Action"), get(st, "Resource")), "*") {
		t.Errorf("%s: a wildcard appears in %v %v", where, get(st, "Action"), get(st, "Resource"))
	}
}

// indexARN is how the template names an index of the table: !Sub "${Table.Arn}/index/GSI2".
var indexARN = regexp.MustCompile(`^\$\{([A-Za-z0-9]+)\.Arn\}/index/([A-Za-z0-9_.-]+)$`)

// resourceName names a statement's resource as grants are compared: "table", "index/<name>"
// (an index the table defines), "log group" (the function's own), "secret" (the one its
// ORDERWIRE_SECRETS_ARN names); false for anything else.
func resourceName(tm template, mine own, service string, r any) (string, bool) {
	id, attr := getAttOf(r)
	tables := tm.resources("AWS::DynamoDB::Table")
	switch service {
	case "dynamodb":
		if tables[id] != nil && attr == "Arn" {
			return "table", true
		}
		sub, _ := get(r, "Fn::Sub").(string)
		if m := indexARN.FindStringSubmatch(sub); m != nil && tables[m[1]] != nil {
			for _, ix := range list(get(tables[m[1]], "Properties", "GlobalSecondaryIndexes")) {
				if get(ix, "IndexName") == m[2] {
					return "index/" + m[2], true
				}
			}
		}
	case "logs":
		if id == mine.logGroup && attr == "Arn" {
			return "log group", true
		}
	case "secretsmanager":
		if mine.secret != "" && refTo(r) == mine.secret && tm.resources("AWS::SecretsManager::Secret")[mine.secret] != nil {
			return "secret", true
		}
	}
	return "", false
}

// TestFunctionsGrantWhatTheyCall: every function's role grants exactly what its code calls,
// each action on exactly the resource the call needs (DynamoDB on the table, Query of an
// index on that index, Secrets Manager on its secret, all derived from the code:
// needs_test.go, sweepstates_test.go) plus its own logs: nothing missing, nothing more.
func TestFunctionsGrantWhatTheyCall(t *testing.T) {
	tm := loadTemplate(t)
	for id, fn := range tm.functions() {
		name := folderOf(fn)
		roleID, _ := getAttOf(get(fn, "Properties", "Role"))
		mine := own{logGroup: refTo(get(fn, "Properties", "LoggingConfig", "LogGroup")),
			secret: refTo(get(fn, "Properties", "Environment", "Variables", lambdaenv.EnvSecretsARN))}
		var granted []string
		for _, st := range statements(tm.resources("AWS::IAM::Role")[roleID]) {
			for _, a := range list(get(st, "Action")) {
				action := fmt.Sprint(a)
				service, _, _ := strings.Cut(action, ":")
				for _, r := range list(get(st, "Resource")) {
					resource, ok := resourceName(tm, mine, service, r)
					if !ok {
						resource = fmt.Sprint(r)
					}
					granted = append(granted, action+" on "+resource)
				}
			}
		}
		want := append(functionNeeds(t, name), "logs:CreateLogStream on log group", "logs:PutLogEvents on log group")
		slices.Sort(granted)
		slices.Sort(want)
		if !slices.Equal(granted, want) {
			t.Errorf("%s (functions/%s) is granted\n  %v\nits code needs\n  %v", id, name, granted, want)
		}
		for _, g := range want {
			if action, _, _ := strings.Cut(g, " "); !allowedActions[action] {
				t.Errorf("functions/%s needs %s, which is not on the allow-list", name, action)
			}
		}
	}
}
