package deploytest

import (
	"fmt"
	"reflect"
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
	"dynamodb:Query":                true, // dynamo.Store reads one partition of the table
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
// template (so SAM adds no managed policy); roles trust Lambda only and carry no managed
// policies; every statement allows only actions on the allow-list, on resources of this
// stack named exactly: DynamoDB actions on the table ARN (no index or stream), Secrets
// Manager on the secret its ORDERWIRE_SECRETS_ARN names only (TestFunctionEnvironments
// checks who else reads it), CloudWatch Logs on the function's own log group, which has a
// retention.
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
	for id, role := range roles {
		if owner[id] == "" {
			t.Errorf("role %s is used by no function", id)
		}
		if get(role, "Properties", "ManagedPolicyArns") != nil {
			t.Errorf("role %s: managed policies are not allowed", id)
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
			id, attr := getAttOf(r)
			ok := false
			switch service {
			case "dynamodb":
				ok = tm.resources("AWS::DynamoDB::Table")[id] != nil && attr == "Arn"
			case "logs":
				ok = id == mine.logGroup && attr == "Arn"
			case "secretsmanager":
				ok = refTo(r) == mine.secret && tm.resources("AWS::SecretsManager::Secret")[mine.secret] != nil
			}
			if !ok {
				t.Errorf("%s: %s on %v: want exactly the function's own %s resource (the table, its secret, its log group)", where, action, r, service)
			}
		}
	}
	if strings.Contains(fmt.Sprint(get(st, "Action"), get(st, "Resource")), "*") {
		t.Errorf("%s: a wildcard appears in %v %v", where, get(st, "Action"), get(st, "Resource"))
	}
}

// TestFunctionsGrantWhatTheyCall: every function's role grants exactly what its code calls
// (DynamoDB and Secrets Manager, derived from the code: needs_test.go) plus its own logs:
// nothing missing, nothing more.
func TestFunctionsGrantWhatTheyCall(t *testing.T) {
	tm := loadTemplate(t)
	for id, fn := range tm.functions() {
		name := folderOf(fn)
		roleID, _ := getAttOf(get(fn, "Properties", "Role"))
		var granted []string
		for _, st := range statements(tm.resources("AWS::IAM::Role")[roleID]) {
			for _, a := range list(get(st, "Action")) {
				granted = append(granted, fmt.Sprint(a))
			}
		}
		want := append(functionNeeds(t, name), "logs:CreateLogStream", "logs:PutLogEvents")
		slices.Sort(granted)
		slices.Sort(want)
		if !slices.Equal(granted, want) {
			t.Errorf("%s (functions/%s) is granted\n  %v\nits code needs\n  %v", id, name, granted, want)
		}
		for _, a := range want {
			if !allowedActions[a] {
				t.Errorf("functions/%s needs %s, which is not on the allow-list", name, a)
			}
		}
	}
}
