package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/seller"
)

type anyVerifier struct{}

func (anyVerifier) Verify(string, time.Time) (string, error) { return "buyer-1", nil }

// fullConfig wires every optional route, local ones included, so the route table is whole.
func fullConfig(t *testing.T) httpapi.Config {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	list := func() (any, error) { return []string{}, nil }
	packs := &evidencepack.Packer{Source: st}
	return httpapi.Config{Orders: &seller.Service{Orders: st}, Events: st, Tracking: st, Preferences: st,
		Unsubscribe: anyVerifier{}, Unfiled: st, Evidence: packs, Messages: packs, OrderList: &fakeLister{},
		BuyerData:   httpapi.BuyerDataConfig{Store: st},
		LocalSweep:  func(context.Context, time.Time) (reminder.Report, error) { return reminder.Report{}, nil },
		LocalOutbox: list, LocalAlerts: list, Tokens: []string{token}}
}

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

type openAPIDoc struct {
	OpenAPI string                                `json:"openapi"`
	Paths   map[string]map[string]json.RawMessage `json:"paths"`
}

func readDoc(t *testing.T) (openAPIDoc, []byte) {
	t.Helper()
	rec := call(httpapi.New(httpapi.Config{}), "GET", "/v1/openapi.json", nil) // no token needed
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /v1/openapi.json: %d %v", rec.Code, rec.Header())
	}
	var doc openAPIDoc
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Fatalf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	return doc, rec.Body.Bytes()
}

// documented lists the document's operations as mux patterns ("GET /v1/orders/{order_id}").
func documented(doc openAPIDoc) []string {
	var out []string
	for path, item := range doc.Paths {
		for _, m := range methods {
			if _, ok := item[m]; ok {
				out = append(out, strings.ToUpper(m)+" "+path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIMatchesRoutes: every route the router serves is in openapi.json, and every
// operation in it is served: the route table equals the document, and each documented
// operation, sent to the handler, reaches a route (not the catch-all's 404 or 405).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, _ := readDoc(t)
	cfg := fullConfig(t)
	served := httpapi.RoutePatterns(cfg)
	sort.Strings(served)
	inDoc := documented(doc)
	for _, p := range served {
		if !slices.Contains(inDoc, p) {
			t.Errorf("served but not in openapi.json: %s", p)
		}
	}
	h := httpapi.New(cfg)
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, p := range inDoc {
		if !slices.Contains(served, p) {
			t.Errorf("in openapi.json but not served: %s", p)
		}
		method, path, _ := strings.Cut(p, " ")
		rec := call(h, method, param.ReplaceAllString(path, "x1"), strings.NewReader("{}"))
		if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), "no route for") {
			t.Errorf("%s reached no route: %d %s", p, rec.Code, rec.Body)
		}
	}
	// A route whose feature is not configured is neither served nor claimed by the table.
	if minimal := httpapi.RoutePatterns(httpapi.Config{}); slices.Contains(minimal, "GET /v1/orders") ||
		slices.Contains(minimal, "GET /local/outbox") || !slices.Contains(minimal, "GET /v1/openapi.json") {
		t.Errorf("the table of an unconfigured handler = %v", minimal)
	}
}

// TestOpenAPIDocument checks the document's structure: libopenapi builds its model (every
// $ref resolves), every operation has an operationId (unique) and responses, every path
// parameter is declared, only /local routes are marked local-only, and every /v1 route but
// the document itself needs the bearer token.
func TestOpenAPIDocument(t *testing.T) {
	doc, raw := readDoc(t)
	parsed, err := libopenapi.NewDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	model, err := parsed.BuildV3Model()
	if err != nil {
		t.Fatalf("openapi.json does not build: %v", err)
	}
	if model.Model.Components == nil || model.Model.Components.SecuritySchemes.GetOrZero("bearer") == nil {
		t.Fatal("no bearer security scheme")
	}
	var required []string
	for _, req := range model.Model.Security {
		for name := range req.Requirements.KeysFromOldest() {
			required = append(required, name)
		}
	}
	if !slices.Equal(required, []string{"bearer"}) {
		t.Fatal("the bearer token is not the default requirement")
	}
	ids := map[string]string{}
	param := regexp.MustCompile(`\{([a-z_]+)\}`)
	for path, item := range model.Model.Paths.PathItems.FromOldest() {
		for method, op := range item.GetOperations().FromOldest() {
			name := strings.ToUpper(method) + " " + path
			if op.OperationId == "" || ids[op.OperationId] != "" {
				t.Errorf("%s: operationId %q missing or also used by %s", name, op.OperationId, ids[op.OperationId])
			}
			ids[op.OperationId] = name
			if op.Responses == nil || op.Responses.Codes.Len() == 0 {
				t.Errorf("%s has no responses", name)
			}
			for code, resp := range op.Responses.Codes.FromOldest() {
				if resp.Description == "" {
					t.Errorf("%s %s: a response needs a description", name, code)
				}
			}
			declared := map[string]bool{}
			for _, p := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if p.In == "path" {
					declared[p.Name] = true
				}
			}
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s: path parameter %s is not declared", name, m[1])
				}
				delete(declared, m[1])
			}
			if len(declared) > 0 {
				t.Errorf("%s declares path parameters it has not: %v", name, declared)
			}
			_, local := op.Extensions.Get("x-orderwire-local-only")
			if local != strings.HasPrefix(path, "/local/") {
				t.Errorf("%s: x-orderwire-local-only = %v", name, local)
			}
			var sec struct {
				Security *[]any `json:"security"`
			}
			if err := json.Unmarshal(doc.Paths[path][method], &sec); err != nil {
				t.Fatal(err)
			}
			public := sec.Security != nil && len(*sec.Security) == 0 // "security": [] lifts the default
			wantPublic := !strings.HasPrefix(path, "/v1/") && !strings.HasPrefix(path, "/local/") || path == "/v1/openapi.json"
			if public != wantPublic {
				t.Errorf("%s: public = %v, want %v", name, public, wantPublic)
			}
		}
	}
	if len(ids) < 20 {
		t.Errorf("only %d operations in the document", len(ids))
	}
}
