package deploytest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/seller"
)

// Step 1 of the derivation (needs_test.go): what a function's entry point wires, read from
// its source.

// use is what a function's code hands the store to, and whether it reads a secret.
type use struct {
	interfaces []reflect.Type
	sweep      bool // the store runs a reminder.Sweeper
	secret     bool
}

// lambdaenvLoaders are lambdaenv's cold-start loaders, and whether each reads a secret.
var lambdaenvLoaders = map[string]bool{"Load": true, "LoadWithAPITokens": true, "LoadTable": false}

// functionUses reads functions/<name>'s non-test Go files: the httpapi.Config fields set
// (Orders → seller.Orders, Events → httpapi.EventRecorder, Tracking →
// httpapi.TrackingRecorder; Payments, Carriers, Tokens, Logger and Now reach no AWS
// service), the reminder.Sweeper fields set (Store → the sweep; Policy and Batch reach no
// AWS service), whether the lambdaenv loader it calls reads a secret, and no AWS client of
// its own.
func functionUses(t *testing.T, name string) use {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "functions", name, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("functions/%s: no Go files (%v)", name, err)
	}
	storeFields := map[string]reflect.Type{
		"Orders":   reflect.TypeFor[seller.Orders](),
		"Events":   reflect.TypeFor[httpapi.EventRecorder](),
		"Tracking": reflect.TypeFor[httpapi.TrackingRecorder](),
	}
	noAWS := map[string]bool{"Payments": true, "Carriers": true, "Tokens": true, "Logger": true, "Now": true}
	sweeperNoAWS := map[string]bool{"Policy": true, "Batch": true}
	var u use
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") {
				t.Errorf("%s imports %s: teach deploytest what it calls", file, path)
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if pkg, ok := n.X.(*ast.Ident); ok && pkg.Name == "lambdaenv" && strings.HasPrefix(n.Sel.Name, "Load") {
					secret, known := lambdaenvLoaders[n.Sel.Name]
					if !known {
						t.Errorf("functions/%s calls lambdaenv.%s: teach deploytest whether it reads a secret", name, n.Sel.Name)
					}
					u.secret = u.secret || secret
				}
			case *ast.CompositeLit:
				sel, ok := n.Type.(*ast.SelectorExpr)
				if ok && fmt.Sprint(sel.X) == "reminder" && sel.Sel.Name == "Sweeper" {
					u.sweep = u.sweep || sweeperUsesStore(t, name, n, sweeperNoAWS)
					return true
				}
				if !ok || fmt.Sprint(sel.X) != "httpapi" || sel.Sel.Name != "Config" {
					return true
				}
				for _, e := range n.Elts {
					kv, ok := e.(*ast.KeyValueExpr)
					if !ok {
						t.Errorf("functions/%s: an httpapi.Config literal without field names", name)
						continue
					}
					field := fmt.Sprint(kv.Key)
					if iface, ok := storeFields[field]; ok && !slices.Contains(u.interfaces, iface) {
						u.interfaces = append(u.interfaces, iface)
					} else if !ok && !noAWS[field] {
						t.Errorf("functions/%s sets httpapi.Config.%s: teach deploytest what it calls", name, field)
					}
				}
			}
			return true
		})
	}
	return u
}

// sweeperUsesStore reports whether a reminder.Sweeper literal sets its Store; a field that
// may reach AWS and is not known here fails the test.
func sweeperUsesStore(t *testing.T, name string, lit *ast.CompositeLit, noAWS map[string]bool) bool {
	t.Helper()
	store := false
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			t.Errorf("functions/%s: a reminder.Sweeper literal without field names", name)
			continue
		}
		switch field := fmt.Sprint(kv.Key); {
		case field == "Store":
			store = true
		case !noAWS[field]:
			t.Errorf("functions/%s sets reminder.Sweeper.%s: teach deploytest what it calls", name, field)
		}
	}
	return store
}

// TestFunctionUses: the derivation sees what each entry point wires (a check on the AST
// reading itself, with what is known of today's functions).
func TestFunctionUses(t *testing.T) {
	for name, want := range map[string]use{
		"seller-api":       {interfaces: []reflect.Type{reflect.TypeFor[seller.Orders]()}, secret: true},
		"payment-webhook":  {interfaces: []reflect.Type{reflect.TypeFor[httpapi.EventRecorder]()}, secret: true},
		"tracking-webhook": {interfaces: []reflect.Type{reflect.TypeFor[httpapi.TrackingRecorder]()}, secret: true},
		"reminders":        {sweep: true},
	} {
		if u := functionUses(t, name); !slices.Equal(u.interfaces, want.interfaces) || u.sweep != want.sweep || u.secret != want.secret {
			t.Errorf("functions/%s uses %+v, want %+v", name, u, want)
		}
	}
}
