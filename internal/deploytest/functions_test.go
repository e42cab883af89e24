package deploytest

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/payment"
	"github.com/orderwire/orderwire/internal/sentmessage"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/tracking"
	"github.com/orderwire/orderwire/internal/unsubscribe"
	"github.com/orderwire/orderwire/internal/wiring"
)

// functions returns every Lambda function of the template, SAM's and plain ones.
func (tm template) functions() map[string]map[string]any {
	fns := tm.resources("AWS::Serverless::Function")
	for id, fn := range tm.resources("AWS::Lambda::Function") {
		fns[id] = fn
	}
	return fns
}

var codeURI = regexp.MustCompile(`^bin/([a-z0-9-]+)/?$`)

// folderOf returns the functions/<name> folder a function deploys, from its CodeUri
// bin/<name>/ (where `make build` puts functions/<name>'s bootstrap), or "".
func folderOf(fn map[string]any) string {
	uri, _ := get(fn, "Properties", "CodeUri").(string)
	if m := codeURI.FindStringSubmatch(uri); m != nil {
		return m[1]
	}
	return ""
}

// function returns the logical id and resource of the function deploying functions/<name>.
func (tm template) function(t *testing.T, name string) (string, map[string]any) {
	t.Helper()
	for id, fn := range tm.functions() {
		if folderOf(fn) == name {
			return id, fn
		}
	}
	t.Fatalf("no function deploys functions/%s", name)
	return "", nil
}

// TestFunctionsRunProvidedAL2023OnArm64: every function (own properties or Globals) runs the
// provided.al2023 runtime on arm64 with the bootstrap handler, from a prebuilt bin/<name>/
// folder that `sam build` is told to skip.
func TestFunctionsRunProvidedAL2023OnArm64(t *testing.T) {
	tm := loadTemplate(t)
	fns := tm.functions()
	if len(fns) == 0 {
		t.Fatal("the template has no function")
	}
	for id, fn := range fns {
		prop := func(name string) any { return get(fn, "Properties", name) }
		if fn["Type"] == "AWS::Serverless::Function" {
			prop = func(name string) any { return tm.functionProp(fn, name) }
		}
		if got := prop("Runtime"); got != "provided.al2023" {
			t.Errorf("%s: Runtime %v, want provided.al2023", id, got)
		}
		if got := prop("Architectures"); !reflect.DeepEqual(got, []any{"arm64"}) {
			t.Errorf("%s: Architectures %v, want [arm64]", id, got)
		}
		if got := prop("Handler"); got != "bootstrap" {
			t.Errorf("%s: Handler %v, want bootstrap", id, got)
		}
		if folderOf(fn) == "" {
			t.Errorf("%s: CodeUri %v, want bin/<function>/", id, get(fn, "Properties", "CodeUri"))
		}
		if get(fn, "Metadata", "SkipBuild") != "true" {
			t.Errorf("%s: Metadata.SkipBuild must be true: the Makefile builds the binary", id)
		}
	}
}

// TestEveryFunctionFolderIsDeployed: each functions/<name>/ folder is deployed by exactly
// one function, and each function deploys a folder that exists.
func TestEveryFunctionFolderIsDeployed(t *testing.T) {
	tm := loadTemplate(t)
	entries, err := os.ReadDir(root + "/functions")
	if err != nil {
		t.Fatal(err)
	}
	deployed := map[string][]string{}
	for id, fn := range tm.functions() {
		deployed[folderOf(fn)] = append(deployed[folderOf(fn)], id)
	}
	folders := map[string]bool{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		folders[e.Name()] = true
		if ids := deployed[e.Name()]; len(ids) != 1 {
			t.Errorf("functions/%s is deployed by %d functions (%v), want 1", e.Name(), len(ids), ids)
		}
	}
	for name, ids := range deployed {
		if _, err := os.Stat(root + "/functions/" + name + "/main.go"); name == "" || err != nil {
			t.Errorf("%v deploy(s) bin/%s/ but there is no functions/%s/main.go", ids, name, name)
		}
	}
	if len(folders) == 0 {
		t.Fatal("no functions/ folders found")
	}
}

// secretReaders lists the functions/<name> folders allowed to read one secret together, and
// why. Any other sharing fails TestFunctionEnvironments: a function's credentials are its own.
var secretReaders = [][]string{
	// One place for a seller's webhook settings: the Standard Webhooks secret
	// (ORDERWIRE_STANDARD_WEBHOOK_SECRETS) signs payment and shipment events alike, and
	// both functions can write the table those settings protect anyway.
	{"payment-webhook", "tracking-webhook"},
	// The unsubscribe-link keys: the notifier signs the links it puts in buyer emails, the
	// seller API verifies them (GET and POST /unsubscribe). Each reads them through
	// ORDERWIRE_UNSUBSCRIBE_SECRET_ARN, next to (never instead of) its own secret.
	{"notifier", "seller-api"},
}

// TestFunctionEnvironments: every function gets exactly the settings its code reads on AWS,
// as wiring.Settings says the template treats each: a Set one always (the table, each
// secret it reads: ORDERWIRE_SECRETS_ARN, ORDERWIRE_UNSUBSCRIBE_SECRET_ARN, and the
// notifier's), a Parameter one as !If [<condition>, !Ref <parameter>, !Ref AWS::NoValue],
// set only when the parameter (empty by default) is, a Defaulted one always as !Ref of a
// parameter whose default is the setting's own, a Never one never (Setting.Doc says
// why), an Unset one and secret keys not at all. ORDERWIRE_POLICY_FILE must be passed to
// every function that reads it (the sweep and the seller API apply one policy). A function
// that reads no secret is given none. A secret is read by one function, or by exactly one
// group of secretReaders, so the seller API's tokens reach no other function. The seller
// API's secret generates the key its tokens are read from, the unsubscribe secret the key
// its link keys are read from (long enough for unsubscribe.New); the webhooks' starts as
// {} (no provider enabled) and generates nothing. ORDERWIRE_PUBLIC_URL is the API's URL
// (the ApiUrl output without its trailing slash).
func TestFunctionEnvironments(t *testing.T) {
	tm := loadTemplate(t)
	readers := map[string][]string{} // secret → functions/<name> folders reading it
	for id, fn := range tm.functions() {
		vars, _ := get(fn, "Properties", "Environment", "Variables").(map[string]any)
		u := functionUses(t, folderOf(fn))
		var want, secretVars []string
		for _, name := range u.settings {
			row, _ := wiring.Lookup(name)
			switch row.OnAWS {
			case wiring.Set:
				want = append(want, name)
			case wiring.Parameter:
				if vars[name] != nil {
					want = append(want, name)
					checkOptionalSetting(t, tm, id, name, vars[name])
				} else if name == wiring.EnvPolicyFile {
					t.Errorf("%s reads %s but the template does not pass it: it would apply the default policy while the sweep applies the file", id, name)
				}
			case wiring.Defaulted:
				want = append(want, name)
				checkDefaultedSetting(t, tm, id, row, vars[name])
			case wiring.Never:
				if vars[name] != nil {
					t.Errorf("%s: %s is set, but must not be on AWS: %s", id, name, row.Doc)
				}
			}
		}
		if u.secret {
			secretVars = append(secretVars, wiring.EnvSecretsARN)
		}
		if u.unsubscribeKeys {
			secretVars = append(secretVars, wiring.EnvUnsubscribeSecretARN)
		}
		if !slices.Contains(u.settings, wiring.EnvTable) {
			t.Errorf("%s: its code does not read %s", id, wiring.EnvTable)
		}
		if keys := slices.Sorted(maps.Keys(vars)); !slices.Equal(keys, slices.Sorted(slices.Values(want))) {
			t.Errorf("%s: environment %v, want %v", id, keys, want)
		}
		if ref := refTo(vars[wiring.EnvTable]); tm.resources("AWS::DynamoDB::Table")[ref] == nil {
			t.Errorf("%s: %s = %v, want !Ref of the table", id, wiring.EnvTable, vars[wiring.EnvTable])
		}
		if v := vars[wiring.EnvPublicURL]; v != nil {
			api, _ := get(tm, "Outputs", "ApiUrl", "Value", "Fn::Sub").(string)
			if sub, _ := get(v, "Fn::Sub").(string); api == "" || sub != strings.TrimSuffix(api, "/") {
				t.Errorf("%s: ORDERWIRE_PUBLIC_URL = %v, want the ApiUrl output without its trailing slash (%s)", id, v, api)
			}
		}
		for _, name := range secretVars {
			secretID := refTo(vars[name])
			if tm.resources("AWS::SecretsManager::Secret")[secretID] == nil {
				t.Errorf("%s: %s = %v, want !Ref of a secret", id, name, vars[name])
				continue
			}
			readers[secretID] = append(readers[secretID], folderOf(fn))
		}
	}
	for id := range tm.resources("AWS::SecretsManager::Secret") {
		got := slices.Sorted(slices.Values(readers[id]))
		allowed := len(got) == 1 || slices.ContainsFunc(secretReaders, func(group []string) bool { return slices.Equal(got, group) })
		if !allowed {
			t.Errorf("secret %s is read by %v: want one function, or one group of secretReaders", id, got)
		}
	}
	secretOf := func(name, variable string) (string, any) {
		_, fn := tm.function(t, name)
		id := refTo(get(fn, "Properties", "Environment", "Variables", variable))
		return id, get(tm.resources("AWS::SecretsManager::Secret")[id], "Properties")
	}
	_, seller := secretOf("seller-api", wiring.EnvSecretsARN)
	want := map[string]any{"SecretStringTemplate": "{}", "GenerateStringKey": wiring.EnvAPITokens,
		"PasswordLength": "48", "ExcludePunctuation": "true"}
	if gen := get(seller, "GenerateSecretString"); !reflect.DeepEqual(gen, want) {
		t.Errorf("seller-api secret GenerateSecretString %v, want %v", gen, want)
	}
	unsubscribeID, keys := secretOf("notifier", wiring.EnvUnsubscribeSecretARN)
	want = map[string]any{"SecretStringTemplate": "{}", "GenerateStringKey": wiring.EnvUnsubscribeKeys,
		"PasswordLength": "64", "ExcludePunctuation": "true"}
	if gen := get(keys, "GenerateSecretString"); !reflect.DeepEqual(gen, want) || 64 < unsubscribe.MinKeyBytes {
		t.Errorf("unsubscribe secret GenerateSecretString %v, want %v (a key of at least %d bytes)", gen, want, unsubscribe.MinKeyBytes)
	}
	if sellerID, _ := secretOf("seller-api", wiring.EnvUnsubscribeSecretARN); sellerID != unsubscribeID {
		t.Errorf("seller-api verifies unsubscribe links with %s, the notifier signs them with %s", sellerID, unsubscribeID)
	}
	paymentID, webhooks := secretOf("payment-webhook", wiring.EnvSecretsARN)
	if get(webhooks, "SecretString") != "{}" || get(webhooks, "GenerateSecretString") != nil {
		t.Errorf("payment-webhook secret %v, want SecretString {} and nothing generated", webhooks)
	}
	if trackingID, _ := secretOf("tracking-webhook", wiring.EnvSecretsARN); trackingID != paymentID {
		t.Errorf("tracking-webhook reads %s, payment-webhook %s: the webhook settings live in one secret", trackingID, paymentID)
	}
}

// checkOptionalSetting: an optional setting (a Parameter row of wiring.Settings) is !If
// [<condition>, !Ref <parameter>, !Ref AWS::NoValue], where the parameter defaults to "" and
// the condition is that it is not "": a stack deployed without it runs on the function's
// defaults instead of getting an empty value (for the policy file, instead of failing its
// cold start on a file that is not there).
func checkOptionalSetting(t *testing.T, tm template, id, name string, v any) {
	t.Helper()
	args, _ := get(v, "Fn::If").([]any)
	if len(args) != 3 || refTo(args[2]) != "AWS::NoValue" {
		t.Errorf("%s: %s = %v, want !If [<condition>, !Ref <parameter>, !Ref AWS::NoValue]", id, name, v)
		return
	}
	param := refTo(args[1])
	cond, _ := args[0].(string)
	wantCond := map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": param}, ""}}}}
	if get(tm, "Parameters", param, "Default") != "" || !reflect.DeepEqual(get(tm, "Conditions", cond), wantCond) {
		t.Errorf("%s: %s reads parameter %q (default %v) under condition %q = %v; want a parameter defaulting to \"\" and the condition that it is set",
			id, name, param, get(tm, "Parameters", param, "Default"), cond, get(tm, "Conditions", cond))
	}
}

// checkDefaultedSetting: a Defaulted setting (wiring.Settings) is !Ref <parameter>, where
// the parameter's default is the setting's Default, so a stack deployed without it behaves
// as `orderwire serve` does without the variable.
func checkDefaultedSetting(t *testing.T, tm template, id string, row wiring.Setting, v any) {
	t.Helper()
	param := refTo(v)
	def := get(tm, "Parameters", param, "Default")
	if param == "" || def == nil || fmt.Sprint(def) != row.Default {
		t.Errorf("%s: %s = %v, want !Ref of a parameter defaulting to %q (its default: %v)", id, row.Name, v, row.Default, def)
	}
}

// probeProvider is a payment provider, and probeCarrier a carrier-tracking sender, that
// refuses every signature: a route that reaches one answers 401, which tells a served
// webhook route from httpapi's 404 for unknown ones.
type probeProvider struct{}

func (probeProvider) Name() string { return "probe" }
func (probeProvider) Verify(context.Context, payment.Request, time.Time) error {
	return order.Errorf(order.CodeUnauthorized, "probe", "no signature is good enough")
}
func (probeProvider) Parse(payment.Request) (order.Event, error) { return order.Event{}, nil }
func (probeProvider) Acknowledge() (status int, ct string, b []byte) {
	return http.StatusOK, "text/plain", nil
}

type probeCarrier struct{}

func (probeCarrier) Name() string { return "probe" }
func (probeCarrier) Verify(context.Context, tracking.Request, time.Time) error {
	return order.Errorf(order.CodeUnauthorized, "probe", "no signature is good enough")
}
func (probeCarrier) Parse(tracking.Request) (order.TrackingEvent, error) {
	return order.TrackingEvent{}, nil
}
func (probeCarrier) Acknowledge() (status int, ct string, b []byte) {
	return http.StatusOK, "text/plain", nil
}

// probePreferences is a buyer-preferences store that knows no buyer, and probeVerifier an
// unsubscribe-token verifier that accepts no token: with them httpapi serves the preference
// and unsubscribe routes, which answer 401 (no bearer token) or 400 (a bad link), not 404.
type probePreferences struct{}

func (probePreferences) GetBuyer(context.Context, string) (order.Buyer, error) {
	return order.Buyer{}, order.Errorf(order.CodeNotFound, "probe", "no buyer")
}
func (probePreferences) SetPreferences(context.Context, string, order.Preferences) error {
	return order.Errorf(order.CodeNotFound, "probe", "no buyer")
}

// probeUnfiled is an unfiled-events desk with nothing unfiled.
type probeUnfiled struct{}

func (probeUnfiled) UnfiledEvents(context.Context, string, int) ([]store.UnfiledEvent, error) {
	return nil, nil
}

func (probeUnfiled) AssignEvent(context.Context, string, string, string, time.Time) (store.Recorded, error) {
	return store.Recorded{}, order.Errorf(order.CodeNotFound, "probe", "nothing is unfiled")
}

// probeEvidence is an evidence-pack maker that knows no order.
type probeEvidence struct{}

func (probeEvidence) PackEvidence(context.Context, string, string) (func(context.Context, io.Writer) error, error) {
	return nil, order.Errorf(order.CodeNotFound, "probe", "no order")
}

// probeMessages is a buyer-message log that knows no order; probeLister lists no order.
type probeMessages struct{}

func (probeMessages) BuyerMessages(context.Context, string) ([]sentmessage.Message, error) {
	return nil, order.Errorf(order.CodeNotFound, "probe", "no order")
}

type probeLister struct{}

func (probeLister) ListOrders(context.Context, store.OrderQuery) (store.OrderPage, error) {
	return store.OrderPage{}, nil
}

// probeBuyerData is a buyer-data store that knows no buyer.
type probeBuyerData struct{ probePreferences }

func (probeBuyerData) GetOrder(context.Context, string) (order.Order, error) {
	return order.Order{}, order.Errorf(order.CodeNotFound, "probe", "no order")
}
func (probeBuyerData) Timeline(context.Context, string) ([]order.TimelineEntry, error) {
	return nil, nil
}
func (probeBuyerData) Notifications(context.Context, string) ([]order.Notification, error) {
	return nil, nil
}
func (probeBuyerData) BuyerOrders(context.Context, string, string, int) ([]string, error) {
	return nil, nil
}
func (probeBuyerData) EraseBuyer(context.Context, string, time.Time, time.Duration, int) (store.Erasure, error) {
	return store.Erasure{}, order.Errorf(order.CodeNotFound, "probe", "no buyer")
}

type probeVerifier struct{}

func (probeVerifier) Verify(string, time.Time) (string, error) {
	return "", order.Errorf(order.CodeInvalid, "probe", "no token is good enough")
}

// TestRoutesExist: every HTTP route the template sends to a function is one httpapi serves
// (anything but its 404 for unknown routes and 405 for a route's other methods; path parameters are replaced by "probe", a
// payment provider and a carrier that are enabled, preferences and unsubscribe links
// wired), on the $default stage of the template's HTTP API; no route goes to two functions;
// and each function gets the routes it exists for. A made-up route is 404, proving the probe
// tells them apart. A function's other events are its stream (TestStreamEventSources);
// nothing else may invoke a function.
func TestRoutesExist(t *testing.T) {
	tm := loadTemplate(t)
	h := httpapi.New(httpapi.Config{Payments: map[string]payment.Provider{"probe": probeProvider{}},
		Carriers: map[string]tracking.Provider{"probe": probeCarrier{}}, Preferences: probePreferences{},
		Unsubscribe: probeVerifier{}, Unfiled: probeUnfiled{}, Evidence: probeEvidence{}, Messages: probeMessages{},
		OrderList: probeLister{}, BuyerData: httpapi.BuyerDataConfig{Store: probeBuyerData{}}, Console: console.New(console.Config{})})
	status := func(method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code
	}
	if status(http.MethodGet, "/not-a-route") != http.StatusNotFound || status(http.MethodPost, "/webhooks/payments/none") != http.StatusNotFound ||
		status(http.MethodPost, "/webhooks/carriers/none") != http.StatusNotFound ||
		status(http.MethodGet, "/webhooks/payments/probe") != http.StatusMethodNotAllowed {
		t.Fatal("the probe cannot tell an unknown route, or a route's wrong method")
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	routeOwner := map[string]string{}
	routesOf := map[string][]string{}
	scheduled := tm.scheduleTargets()
	for id, fn := range tm.functions() {
		events, _ := get(fn, "Properties", "Events").(map[string]any)
		if len(events) == 0 && len(scheduled[id]) == 0 {
			t.Errorf("%s has no events and no schedule: nothing invokes it", id)
		}
		for name, ev := range events {
			if get(ev, "Type") == "DynamoDB" || get(ev, "Type") == "SNS" { // TestStreamEventSources, TestEmailEvents
				continue
			}
			method, _ := get(ev, "Properties", "Method").(string)
			path, _ := get(ev, "Properties", "Path").(string)
			api := tm.resources("AWS::Serverless::HttpApi")[refTo(get(ev, "Properties", "ApiId"))]
			if get(ev, "Type") != "HttpApi" || api == nil {
				t.Errorf("%s.%s: want an HttpApi event on the template's HttpApi", id, name)
				continue
			}
			if stage := get(api, "Properties", "StageName"); stage != "$default" {
				t.Errorf("HTTP API stage %v, want $default", stage)
			}
			route := strings.ToUpper(method) + " " + path
			if other, dup := routeOwner[route]; dup {
				t.Errorf("%s goes to %s and %s", route, id, other)
			}
			routeOwner[route] = id
			routesOf[folderOf(fn)] = append(routesOf[folderOf(fn)], route)
			if got := status(strings.ToUpper(method), param.ReplaceAllString(path, "probe")); got == http.StatusNotFound || got == http.StatusMethodNotAllowed {
				t.Errorf("%s.%s: %s is not served by httpapi", id, name, route)
			}
		}
	}
	for name, want := range map[string][]string{
		"seller-api": {"DELETE /v1/buyers/{buyer_id}", "GET /console", "GET /console/{proxy+}", "GET /healthz", "GET /unsubscribe", "GET /v1/buyers/{buyer_id}", "GET /v1/buyers/{buyer_id}/export", "GET /v1/events", "GET /v1/openapi.json", "GET /v1/orders", "GET /v1/orders/{order_id}", "GET /v1/orders/{order_id}/evidence",
			"GET /v1/orders/{order_id}/messages", "POST /console/{proxy+}", "POST /unsubscribe",
			"POST /v1/events/{provider}/{event_id}/assign",
			"POST /v1/orders/{order_id}/shipments", "PUT /v1/buyers/{buyer_id}/preferences", "PUT /v1/orders/{order_id}"},
		"payment-webhook":  {"POST /webhooks/payments/{provider}"},
		"tracking-webhook": {"POST /webhooks/carriers/{provider}"},
		"reminders":        nil, // invoked by its schedule only
		"notifier":         nil, // invoked by the table's stream and its schedule
		"delivery-events":  nil, // invoked by the email events topic
	} {
		if got := slices.Sorted(slices.Values(routesOf[name])); !slices.Equal(got, want) {
			t.Errorf("functions/%s gets routes %v, want %v", name, got, want)
		}
	}
}

// TestOutputs: the stack tells the operator the API URL, the table, the secrets, where
// payment providers and carriers send webhooks, which functions to refresh after changing
// the webhook settings or the unsubscribe keys, the reminder function (to run a sweep by
// hand) and its schedule (to pause reminders), the notifier (to run a due run by hand), its
// schedule, and its on-failure queue (to read it, and to alarm on it).
func TestOutputs(t *testing.T) {
	tm := loadTemplate(t)
	for _, name := range []string{"ApiUrl", "TableName", "ApiTokensSecretArn", "WebhookSecretsArn",
		"PaymentWebhookUrl", "PaymentWebhookFunctionName", "TrackingWebhookUrl", "TrackingWebhookFunctionName",
		"RemindersFunctionName", "RemindersScheduleName", "SellerApiFunctionName", "UnsubscribeSecretArn",
		"NotifierFunctionName", "NotifierScheduleName", "NotifierFailuresQueueUrl", "NotifierFailuresQueueArn"} {
		if get(tm, "Outputs", name, "Value") == nil {
			t.Errorf("no output %s", name)
		}
	}
	if id, _ := tm.function(t, "reminders"); refTo(get(tm, "Outputs", "RemindersFunctionName", "Value")) != id {
		t.Errorf("RemindersFunctionName is %v, want !Ref %s", get(tm, "Outputs", "RemindersFunctionName", "Value"), id)
	}
	if id := refTo(get(tm, "Outputs", "RemindersScheduleName", "Value")); tm.resources("AWS::Scheduler::Schedule")[id] == nil {
		t.Errorf("RemindersScheduleName is %v, want !Ref of the schedule", get(tm, "Outputs", "RemindersScheduleName", "Value"))
	}
	for output, name := range map[string]string{"NotifierFunctionName": "notifier", "SellerApiFunctionName": "seller-api"} {
		if id, _ := tm.function(t, name); refTo(get(tm, "Outputs", output, "Value")) != id {
			t.Errorf("%s is %v, want !Ref %s", output, get(tm, "Outputs", output, "Value"), id)
		}
	}
	_, notifierFn := tm.function(t, "notifier")
	queue := ownOf(notifierFn).failureQueue
	if refTo(get(tm, "Outputs", "NotifierFailuresQueueUrl", "Value")) != queue || queue == "" {
		t.Errorf("NotifierFailuresQueueUrl is %v, want !Ref of the notifier's on-failure queue %q", get(tm, "Outputs", "NotifierFailuresQueueUrl", "Value"), queue)
	}
	if id, attr := getAttOf(get(tm, "Outputs", "NotifierFailuresQueueArn", "Value")); id != queue || attr != "Arn" {
		t.Errorf("NotifierFailuresQueueArn is %v, want !GetAtt %s.Arn", get(tm, "Outputs", "NotifierFailuresQueueArn", "Value"), queue)
	}
}
