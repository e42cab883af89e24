package deploytest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdaenv"
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

// TestSellerAPIEnvironment: the seller-api function gets exactly the settings
// lambdaenv.Config reads (so Validate passes on AWS), pointing at the table and the
// secret, and the secret generates the key lambdaenv reads the API tokens from.
func TestSellerAPIEnvironment(t *testing.T) {
	tm := loadTemplate(t)
	id, fn := tm.function(t, "seller-api")
	vars, _ := get(fn, "Properties", "Environment", "Variables").(map[string]any)
	setInTemplate := func(key string) string {
		if vars[key] != nil {
			return "set"
		}
		return ""
	}
	if err := lambdaenv.FromEnv(setInTemplate).Validate(); err != nil {
		t.Errorf("%s: the template misses settings: %v", id, err)
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{lambdaenv.EnvSecretsARN, lambdaenv.EnvTable}; !slices.Equal(keys, want) {
		t.Errorf("%s: environment %v, want %v", id, keys, want)
	}
	if ref := refTo(vars[lambdaenv.EnvTable]); tm.resources("AWS::DynamoDB::Table")[ref] == nil {
		t.Errorf("%s: %s = %v, want !Ref of the table", id, lambdaenv.EnvTable, vars[lambdaenv.EnvTable])
	}
	secret := tm.resources("AWS::SecretsManager::Secret")[refTo(vars[lambdaenv.EnvSecretsARN])]
	if secret == nil {
		t.Fatalf("%s: %s = %v, want !Ref of a secret", id, lambdaenv.EnvSecretsARN, vars[lambdaenv.EnvSecretsARN])
	}
	gen, _ := get(secret, "Properties", "GenerateSecretString").(map[string]any)
	want := map[string]any{"SecretStringTemplate": "{}", "GenerateStringKey": lambdaenv.APITokensKey,
		"PasswordLength": "48", "ExcludePunctuation": "true"}
	if !reflect.DeepEqual(gen, want) {
		t.Errorf("secret GenerateSecretString %v, want %v", gen, want)
	}
}

// TestSellerAPIRoutesExist: every HTTP route the template sends to seller-api is one the
// seller API serves (anything but its 404 for unknown routes), on the $default stage of
// the template's HTTP API. A made-up route is 404, proving the probe tells them apart.
func TestSellerAPIRoutesExist(t *testing.T) {
	tm := loadTemplate(t)
	id, fn := tm.function(t, "seller-api")
	h := httpapi.New(httpapi.Config{})
	status := func(method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec.Code
	}
	if status(http.MethodGet, "/not-a-route") != http.StatusNotFound {
		t.Fatal("the probe cannot tell an unknown route")
	}
	events, _ := get(fn, "Properties", "Events").(map[string]any)
	if len(events) == 0 {
		t.Fatalf("%s has no events", id)
	}
	param := regexp.MustCompile(`\{[^}]+\}`)
	for name, ev := range events {
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
		if got := status(strings.ToUpper(method), param.ReplaceAllString(path, "ord-1")); got == http.StatusNotFound {
			t.Errorf("%s.%s: %s %s is not served by httpapi", id, name, method, path)
		}
	}
}

// TestOutputs: the stack tells the operator the API URL, the table and the secret.
func TestOutputs(t *testing.T) {
	tm := loadTemplate(t)
	for _, name := range []string{"ApiUrl", "TableName", "ApiTokensSecretArn"} {
		if get(tm, "Outputs", name, "Value") == nil {
			t.Errorf("no output %s", name)
		}
	}
}
