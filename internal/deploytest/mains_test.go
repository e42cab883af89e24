package deploytest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// builders are the cold starts the wiring offers the functions.
var builders = []string{"wiring.PaymentWebhook", "wiring.TrackingWebhook", "wiring.Reminders", "wiring.DeliveryEvents",
	"senders.Lambda", "sellerapi.Lambda"}

// TestMainsOnlyPickComponents: each functions/<name>/main.go builds what it serves with
// exactly one of the wiring's builders (functionUses follows it to derive the grants), in a
// main of a few statements, and builds nothing else itself: no store, client or secret of
// its own (no dynamo, secrets or AWS SDK import).
func TestMainsOnlyPickComponents(t *testing.T) {
	mains, _ := filepath.Glob(filepath.Join(root, "functions", "*", "main.go"))
	if len(mains) == 0 {
		t.Fatal("no functions/*/main.go")
	}
	for _, file := range mains {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == module+"internal/dynamo" || path == module+"internal/secrets" ||
				strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/") {
				t.Errorf("%s imports %s: components are built by the wiring", file, path)
			}
		}
		var called []string
		var statements int
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if n.Name.Name == "main" {
					statements = len(n.Body.List)
				}
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && slices.Contains(builders, x.Name+"."+n.Sel.Name) {
					called = append(called, x.Name+"."+n.Sel.Name)
				}
			}
			return true
		})
		if len(called) != 1 || statements == 0 || statements > 5 {
			t.Errorf("%s: main has %d statements and calls %v; want a few, and exactly one of %v", file, statements, called, builders)
		}
	}
}
