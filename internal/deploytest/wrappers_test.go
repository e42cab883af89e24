package deploytest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// awsWrappers are this repository's packages that wrap an AWS API other than DynamoDB and
// Secrets Manager (the notifier's senders), with the permissions each operation of that API
// needs, as TestFunctionsGrantWhatTheyCall names them ("<action> on <resource>"). These are
// not derivable from the DynamoDB recorder, so they are an explicit table; what keeps it
// honest is TestAWSWrappersCallWhatIsListed: each package's API interface (the part of the
// SDK client it calls) must declare exactly the operations listed, so a new call fails until
// its permission is listed here and granted in template.yaml.
var awsWrappers = map[string]map[string][]string{
	"internal/ses": {
		// Content.Simple, which SES authorises as ses:SendEmail (Content.Raw would be
		// ses:SendRawEmail: TestAWSWrappersCallWhatIsListed checks it is not used), on the
		// sending identity (the template's EmailIdentity parameter) and, since every send
		// names the configuration set whose events feed functions/delivery-events, on that
		// configuration set too (SES authorises a send on both).
		"SendEmail": {"ses:SendEmail on ses identity", "ses:SendEmail on ses configuration set"},
		// The account-level suppression list has no ARN.
		"GetSuppressedDestination": {"ses:GetSuppressedDestination on *"},
	},
	"internal/sns": {
		// A text message to a phone number has no ARN; publishing to anything that has one
		// (topics, platform endpoints) is denied (guards) except the seller alerts topic
		// (TopicPublisher), granted by its ARN and tagged so that the guard lets it through.
		"Publish": {"sns:Publish on *", "sns:Publish on seller alerts topic",
			"deny sns:Publish on " + snsUntagged, "deny sns:Publish on " + snsOtherAccounts},
		"CheckIfPhoneNumberIsOptedOut": {"sns:CheckIfPhoneNumberIsOptedOut on *"},
	},
}

// wrapperNeeds returns the permissions the wrapper packages a function imports need.
func wrapperNeeds(u use) []string {
	var need []string
	for _, pkg := range u.wrappers {
		for _, grants := range awsWrappers[pkg] {
			need = append(need, grants...)
		}
	}
	return need
}

// interfaceMethods returns the methods of the interface types pkg's non-test files declare,
// and whether any file uses the selector forbidden (e.g. types.RawMessage).
func interfaceMethods(t *testing.T, pkg, forbidden string) ([]string, bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files (%v)", pkg, err)
	}
	methods := map[string]bool{}
	uses := false
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.InterfaceType:
				for _, m := range n.Methods.List {
					for _, name := range m.Names {
						methods[name.Name] = true
					}
				}
			case *ast.SelectorExpr:
				uses = uses || n.Sel.Name == forbidden
			}
			return true
		})
	}
	return slices.Sorted(maps.Keys(methods)), uses
}

// TestAWSWrappersCallWhatIsListed: the API interface each wrapper package declares has
// exactly the operations awsWrappers lists permissions for, and internal/ses sends no raw
// MIME message (which SES would authorise as ses:SendRawEmail, not granted).
func TestAWSWrappersCallWhatIsListed(t *testing.T) {
	for pkg, ops := range awsWrappers {
		got, raw := interfaceMethods(t, pkg, "RawMessage")
		if want := slices.Sorted(maps.Keys(ops)); !slices.Equal(got, want) {
			t.Errorf("%s's API interface calls %v, awsWrappers lists %v: list each operation's permissions", pkg, got, want)
		}
		if raw {
			t.Errorf("%s builds a RawMessage: SES authorises it as ses:SendRawEmail, which is neither listed nor granted", pkg)
		}
	}
}
