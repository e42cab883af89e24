package deploytest

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/wiring"
)

// allowedActions is every IAM action any function may be granted. Adding one is a design
// decision: say why next to it.
var allowedActions = map[string]bool{
	"logs:CreateLogStream":          true, // a function writes its own log group
	"logs:PutLogEvents":             true,
	"dynamodb:GetItem":              true, // dynamo.Store reads one item (ConsistentRead)
	"dynamodb:BatchGetItem":         true, // ... or an order and its payment references at once
	"dynamodb:Query":                true, // dynamo.Store reads one partition of the table, or of an index
	"dynamodb:PutItem":              true, // the items of a TransactWriteItems ...
	"dynamodb:UpdateItem":           true,
	"dynamodb:DeleteItem":           true,
	"dynamodb:ConditionCheckItem":   true,
	"secretsmanager:GetSecretValue": true, // secrets.Fetch at cold start
	// Lambda's event source mapping reads the table's stream with the function's role ...
	"dynamodb:DescribeStream":   true,
	"dynamodb:GetRecords":       true,
	"dynamodb:GetShardIterator": true,
	"dynamodb:ListStreams":      true,
	"sqs:SendMessage":           true, // ... and sends a batch it gives up on to its on-failure queue
	// The notifier's senders (awsWrappers): SES email and its suppression list, SNS SMS.
	"ses:SendEmail":                    true,
	"ses:GetSuppressedDestination":     true,
	"sns:Publish":                      true,
	"sns:CheckIfPhoneNumberIsOptedOut": true,
}

// streamActions are the actions on a table's stream (and only they may be granted on it).
var streamActions = []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"}

// noResourceType lists the allowed actions that IAM authorises on "*" only, and why; no other
// action may be granted on "*".
var noResourceType = map[string]string{
	"ses:GetSuppressedDestination":     "the account-level suppression list has no ARN",
	"sns:Publish":                      "a text message to a phone number has no ARN (everything that has one but the seller alerts topic is denied: guards)",
	"sns:CheckIfPhoneNumberIsOptedOut": "the action has no resource type",
}

// The guards' names in grants: every SNS ARN but those tagged as the seller alerts topic
// (SellerAlertsTag), and every SNS ARN of another account.
const (
	snsUntagged      = "every SNS ARN not tagged as the seller alerts topic"
	snsOtherAccounts = "every SNS ARN of another account"
)

// SellerAlertsTag is the tag (key, value) the SellerAlerts topic carries, which the guard
// against publishing to topics lets through.
var SellerAlertsTag = [2]string{"orderwire-sink", "seller-alerts"}

// everySNSARN is the guards' resource.
var everySNSARN = map[string]any{"Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*"}

// guards are the only Deny statements a role may carry, by the name grants give their
// resource: each narrows an Allow on "*" (noResourceType) to what has no ARN. An explicit
// Deny beats any Allow, so the one topic publish the notifier needs (the seller alerts) is
// let through by a condition: not the topic's ARN (IAM cannot subtract an ARN from a
// wildcard), its tag; and the topic must be in this account.
var guards = map[string]map[string]any{
	snsUntagged: {"Effect": "Deny", "Action": "sns:Publish", "Resource": everySNSARN,
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:ResourceTag/" + SellerAlertsTag[0]: SellerAlertsTag[1]}}},
	snsOtherAccounts: {"Effect": "Deny", "Action": "sns:Publish", "Resource": everySNSARN,
		"Condition": map[string]any{"StringNotEquals": map[string]any{"aws:ResourceAccount": map[string]any{"Ref": "AWS::AccountId"}}}},
}

// guardName returns the name of the guard st is (its Sid aside), or "".
func guardName(st any) string {
	m, _ := st.(map[string]any)
	bare := map[string]any{}
	for k, v := range m {
		if k != "Sid" {
			bare[k] = v
		}
	}
	for name, g := range guards {
		if reflect.DeepEqual(bare, g) {
			return name
		}
	}
	return ""
}

// callActions maps each SDK operation the code performs to the IAM action that authorises
// it. TransactWriteItems has no action of its own: each of its items needs the action of
// the matching single-item call (AWS: "Using IAM with DynamoDB transactions").
var callActions = map[string]string{
	"dynamodb.GetItem":              "dynamodb:GetItem",
	"dynamodb.BatchGetItem":         "dynamodb:BatchGetItem",
	"dynamodb.Query":                "dynamodb:Query",
	"dynamodb.PutItem":              "dynamodb:PutItem",    // single-item writes: an outbox row's transition
	"dynamodb.UpdateItem":           "dynamodb:UpdateItem", // a buyer's preferences
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
// ARN of an index the table defines (!Sub "${Table.Arn}/index/<name>"), or the stream
// actions on the table's stream (!GetAtt Table.StreamArn) and nothing else there; Secrets
// Manager on the secrets its ORDERWIRE_SECRETS_ARN and ORDERWIRE_UNSUBSCRIBE_SECRET_ARN name
// only (TestFunctionEnvironments checks who else reads them); SQS on the on-failure queue of
// its own stream event source; SES on the identity a template parameter names; "*" only for
// the actions that have no resource type (noResourceType); CloudWatch Logs on the
// function's own log group, which has a retention. A Deny is allowed only as one of the
// guards.
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
		for _, st := range statements(roles[roleID]) {
			checkStatement(t, tm, roleID, ownOf(fn), st)
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

// own names the resources of one function (logical ids): its log group, its secret, the
// unsubscribe-link secret it reads, and the on-failure queue of its stream event source.
type own struct{ logGroup, secret, unsubscribeSecret, failureQueue string }

func ownOf(fn map[string]any) own {
	vars := get(fn, "Properties", "Environment", "Variables")
	mine := own{logGroup: refTo(get(fn, "Properties", "LoggingConfig", "LogGroup")),
		secret:            refTo(get(vars, wiring.EnvSecretsARN)),
		unsubscribeSecret: refTo(get(vars, wiring.EnvUnsubscribeSecretARN))}
	for _, ev := range streamEvents(fn) {
		mine.failureQueue, _ = getAttOf(get(ev, "Properties", "DestinationConfig", "OnFailure", "Destination"))
	}
	return mine
}

func checkStatement(t *testing.T, tm template, roleID string, mine own, st any) {
	t.Helper()
	where := fmt.Sprintf("role %s, statement %v", roleID, get(st, "Sid"))
	for _, forbidden := range []string{"NotAction", "NotResource", "NotPrincipal"} {
		if get(st, forbidden) != nil {
			t.Errorf("%s: %s is not allowed", where, forbidden)
		}
	}
	if get(st, "Effect") == "Deny" {
		if guardName(st) == "" {
			t.Errorf("%s: a Deny that is not one of the guards", where)
		}
		return
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
			if r == "*" {
				if noResourceType[action] == "" {
					t.Errorf("%s: %s on *: only actions without a resource type may be granted on *", where, action)
				}
				continue
			}
			if strings.Contains(fmt.Sprint(r), "*") {
				t.Errorf("%s: a wildcard appears in %s's resource %v", where, action, r)
			}
			name, ok := resourceName(tm, mine, service, r)
			switch {
			case !ok:
				t.Errorf("%s: %s on %v: want exactly the function's own %s resource (the table, one of its indexes or its stream, its secrets, its log group, its failure queue, the SES identity)", where, action, r, service)
			case strings.HasPrefix(name, "index/") && action != "dynamodb:Query":
				t.Errorf("%s: %s on %s: only a Query reads an index; grant the rest on the table", where, action, name)
			case (name == "table stream") != slices.Contains(streamActions, action):
				t.Errorf("%s: %s on %s: the stream actions go on the table's stream, and nothing else does", where, action, name)
			}
		}
	}
}

// indexARN is how the template names an index of the table: !Sub "${Table.Arn}/index/GSI2".
var indexARN = regexp.MustCompile(`^\$\{([A-Za-z0-9]+)\.Arn\}/index/([A-Za-z0-9_.-]+)$`)

// sesIdentityARN is how the template names the SES identity a parameter holds.
var sesIdentityARN = regexp.MustCompile(`^arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:identity/\$\{([A-Za-z0-9]+)\}$`)

// sesConfigurationSetARN is how the template names its SES configuration set (a resource
// whose !Ref is its name).
var sesConfigurationSetARN = regexp.MustCompile(`^arn:\$\{AWS::Partition\}:ses:\$\{AWS::Region\}:\$\{AWS::AccountId\}:configuration-set/\$\{([A-Za-z0-9]+)\}$`)

// resourceName names a statement's resource as grants are compared: "table", "index/<name>"
// (an index the table defines), "table stream", "log group" (the function's own), "secret"
// (the one its ORDERWIRE_SECRETS_ARN names), "unsubscribe secret" (the one its
// ORDERWIRE_UNSUBSCRIBE_SECRET_ARN names), "failure queue" (its stream event source's
// on-failure destination), "ses identity" (the identity a template parameter names), "ses
// configuration set" (one the template defines); false
// for anything else.
func resourceName(tm template, mine own, service string, r any) (string, bool) {
	id, attr := getAttOf(r)
	tables := tm.resources("AWS::DynamoDB::Table")
	switch service {
	case "dynamodb":
		if tables[id] != nil && attr == "Arn" {
			return "table", true
		}
		if tables[id] != nil && attr == "StreamArn" {
			return "table stream", true
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
		secrets := tm.resources("AWS::SecretsManager::Secret")
		if mine.secret != "" && refTo(r) == mine.secret && secrets[mine.secret] != nil {
			return "secret", true
		}
		if mine.unsubscribeSecret != "" && refTo(r) == mine.unsubscribeSecret && secrets[mine.unsubscribeSecret] != nil {
			return "unsubscribe secret", true
		}
	case "sqs":
		if mine.failureQueue != "" && id == mine.failureQueue && attr == "Arn" && tm.resources("AWS::SQS::Queue")[id] != nil {
			return "failure queue", true
		}
	case "sns":
		if topic := tm.resources("AWS::SNS::Topic")[refTo(r)]; topic != nil && refTo(r) == "SellerAlerts" && taggedAsAlerts(topic) {
			return "seller alerts topic", true
		}
	case "ses":
		sub, _ := get(r, "Fn::Sub").(string)
		if m := sesIdentityARN.FindStringSubmatch(sub); m != nil && get(tm, "Parameters", m[1]) != nil {
			return "ses identity", true
		}
		if m := sesConfigurationSetARN.FindStringSubmatch(sub); m != nil && tm.resources("AWS::SES::ConfigurationSet")[m[1]] != nil {
			return "ses configuration set", true
		}
	}
	return "", false
}

// TestFunctionsGrantWhatTheyCall: every function's role grants exactly what its code calls,
// each action on exactly the resource the call needs (DynamoDB on the table, Query of an
// index on that index, Secrets Manager on its secrets, all derived from the code:
// needs_test.go, sweepstates_test.go, outboxstates_test.go; SES and SNS from the wrapper
// packages it imports: awsWrappers), what Lambda's event source mapping does with the
// function's role for its stream event (eventSourceNeeds), plus its own logs: nothing
// missing, nothing more. A guard is listed as "deny <action> on <guard>".
func TestFunctionsGrantWhatTheyCall(t *testing.T) {
	tm := loadTemplate(t)
	for id, fn := range tm.functions() {
		name := folderOf(fn)
		roleID, _ := getAttOf(get(fn, "Properties", "Role"))
		mine := ownOf(fn)
		var granted []string
		for _, st := range statements(tm.resources("AWS::IAM::Role")[roleID]) {
			for _, a := range list(get(st, "Action")) {
				action := fmt.Sprint(a)
				service, _, _ := strings.Cut(action, ":")
				for _, r := range list(get(st, "Resource")) {
					resource, ok := resourceName(tm, mine, service, r)
					switch {
					case guardName(st) != "":
						action, resource = "deny "+action, guardName(st)
					case r == "*":
						resource = "*"
					case !ok:
						resource = fmt.Sprint(r)
					}
					granted = append(granted, action+" on "+resource)
				}
			}
		}
		want := append(functionNeeds(t, name), eventSourceNeeds(fn)...)
		want = append(want, "logs:CreateLogStream on log group", "logs:PutLogEvents on log group")
		slices.Sort(granted)
		slices.Sort(want)
		if !slices.Equal(granted, want) {
			t.Errorf("%s (functions/%s) is granted\n  %v\nits code needs\n  %v", id, name, granted, want)
		}
		for _, g := range want {
			if action, _, _ := strings.Cut(strings.TrimPrefix(g, "deny "), " "); !allowedActions[action] {
				t.Errorf("functions/%s needs %s, which is not on the allow-list", name, action)
			}
		}
	}
}

// taggedAsAlerts reports whether topic carries SellerAlertsTag, which the guard lets through.
func taggedAsAlerts(topic any) bool {
	for _, tag := range list(get(topic, "Properties", "Tags")) {
		if get(tag, "Key") == SellerAlertsTag[0] && get(tag, "Value") == SellerAlertsTag[1] {
			return true
		}
	}
	return false
}
