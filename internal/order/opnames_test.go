package order_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestOpNamesArePkgFunc keeps one style for error operations across the module: every op
// string literal given to order.Errorf or order.Internal, set as an Error's Op, or declared
// as `op` reads "pkg.Func" or "pkg.type.Method", pkg being the package's name (a main
// package's directory name, e.g. "notifier.Handle" in functions/notifier).
func TestOpNamesArePkgFunc(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		pkg := f.Name.Name
		if pkg == "main" {
			pkg = filepath.Base(filepath.Dir(path))
		}
		want := regexp.MustCompile(`^` + regexp.QuoteMeta(pkg) + `\.[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?$`)
		for _, lit := range opLiterals(f) {
			checked++
			if s, _ := strconv.Unquote(lit.Value); !want.MatchString(s) {
				t.Errorf("%s: op %q is not %s.Func", fset.Position(lit.Pos()), s, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Fatalf("only %d op names found: is the walk still rooted at the module?", checked)
	}
}

// opLiterals returns f's string literals in op position.
func opLiterals(f *ast.File) []*ast.BasicLit {
	var out []*ast.BasicLit
	add := func(e ast.Expr) {
		if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
			out = append(out, bl)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "order" {
					if sel.Sel.Name == "Errorf" && len(n.Args) > 1 {
						add(n.Args[1])
					} else if sel.Sel.Name == "Internal" && len(n.Args) > 0 {
						add(n.Args[0])
					}
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Op" {
				add(n.Value)
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name == "op" && i < len(n.Values) {
					add(n.Values[i])
				}
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == "op" && i < len(n.Rhs) {
					add(n.Rhs[i])
				}
			}
		}
		return true
	})
	return out
}
