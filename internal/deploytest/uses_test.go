package deploytest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/sesevents"
	"github.com/orderwire/orderwire/internal/store"
)

// Step 1 of the derivation (needs_test.go): what a function's entry point wires, read from
// its source.

// module is the import path of this repository's packages.
const module = "github.com/orderwire/orderwire/"

// use is what a function's code hands the store to, which secrets it reads, which AWS
// wrappers it calls and how it is invoked.
type use struct {
	interfaces []reflect.Type
	sweep      bool // the store runs a reminder.Sweeper
	secret     bool // the secret ORDERWIRE_SECRETS_ARN names (lambdaenv.Load, LoadWithAPITokens)
	// unsubscribeKeys: the unsubscribe-link keys, from the secret
	// ORDERWIRE_UNSUBSCRIBE_SECRET_ARN names (lambdaenv.LoadUnsubscribeSigner).
	unsubscribeKeys bool
	notifier        bool     // it builds a notifier.Notifier over the store
	runsDue         bool     // it calls RunDue: a scheduled due run
	stream          bool     // it handles events.DynamoDBEvent, answering events.DynamoDBEventResponse
	sesEvents       bool     // it builds a sesevents.Handler over the store (events.SNSEvent of SES events)
	wrappers        []string // the AWS wrappers it imports (awsWrappers: "internal/ses", ...)
	settings        []string // the ORDERWIRE_* settings its own source names
}

// lambdaenvLoaders are lambdaenv's cold-start loaders, and the variable naming the secret
// each reads ("" for none).
var lambdaenvLoaders = map[string]string{"Load": lambdaenv.EnvSecretsARN, "LoadWithAPITokens": lambdaenv.EnvSecretsARN,
	"LoadTable": "", "LoadUnsubscribeSigner": lambdaenv.EnvUnsubscribeSecretARN}

// awsPackages are this repository's packages that call AWS, and how deploytest derives
// what they call: dynamo by driving the store (needs_test.go), lambdaenv and secrets by the
// loaders above, the rest through awsWrappers. A function importing any other package that
// imports an AWS SDK service fails TestFunctionUses until it is taught here.
var awsPackages = map[string]bool{"internal/dynamo": true, "internal/lambdaenv": true, "internal/secrets": true,
	"internal/ses": true, "internal/sns": true}

var setting = regexp.MustCompile(`^ORDERWIRE_[A-Z0-9_]+$`)

// functionUses reads functions/<name>'s non-test Go files: the httpapi.Config fields set
// (Orders → seller.Orders, Events → httpapi.EventRecorder, Tracking →
// httpapi.TrackingRecorder, Preferences → httpapi.PreferenceStore, Unfiled →
// httpapi.UnfiledDesk; Payments, Carriers,
// Tokens, Unsubscribe, Logger and Now reach no AWS service), the reminder.Sweeper fields set
// (Store → the sweep; Policy and Batch reach no AWS service), the notifier.Config fields
// set (Store → notifier.Store; the senders reach AWS through the wrapper packages
// imported, the rest reach no AWS service), which lambdaenv loaders it calls, whether it
// runs RunDue and handles a DynamoDB stream, the settings it names, and no AWS client of its
// own.
func functionUses(t *testing.T, name string) use {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "functions", name, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("functions/%s: no Go files (%v)", name, err)
	}
	storeFields := map[string]reflect.Type{
		"Orders":      reflect.TypeFor[seller.Orders](),
		"Events":      reflect.TypeFor[httpapi.EventRecorder](),
		"Tracking":    reflect.TypeFor[httpapi.TrackingRecorder](),
		"Preferences": reflect.TypeFor[httpapi.PreferenceStore](),
		"Unfiled":     reflect.TypeFor[httpapi.UnfiledDesk](),
		"Evidence":    reflect.TypeFor[evidencepack.Source](), // an evidencepack.Packer over the store
		"Messages":    reflect.TypeFor[evidencepack.Source](), // the same Packer: GetOrder, GetBuyer, Notifications
		"OrderList":   reflect.TypeFor[store.OrderLister](),
		"BuyerData":   reflect.TypeFor[httpapi.BuyerDataStore](), // its Store; DisputeWindow, Batch and Local reach no AWS service
	}
	// Console: its console.Config literal is read on its own (consoleFields).
	noAWS := map[string]bool{"Payments": true, "Carriers": true, "Tokens": true, "Unsubscribe": true, "Logger": true, "Now": true,
		"UnshippedAfter": true, "Console": true}
	consoleFields := map[string]reflect.Type{
		"Orders":   reflect.TypeFor[seller.Orders](), // a seller.Service over the store
		"Messages": reflect.TypeFor[evidencepack.Source](),
		"Evidence": reflect.TypeFor[evidencepack.Source](), // an evidencepack.Packer over the store
		"Unfiled":  reflect.TypeFor[httpapi.UnfiledDesk](),
		"Buyers":   reflect.TypeFor[httpapi.PreferenceStore](),
		"List":     reflect.TypeFor[store.OrderLister](),
	}
	consoleNoAWS := map[string]bool{"Tokens": true, "TimeZone": true, "UnshippedAfter": true, "Now": true, "Logger": true}
	sweeperNoAWS := map[string]bool{"Policy": true, "Batch": true}
	var u use
	streamTypes := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") {
				t.Errorf("%s imports %s: teach deploytest what it calls", file, path)
			}
			if pkg, ok := strings.CutPrefix(path, module); ok {
				if _, known := awsWrappers[pkg]; known && !slices.Contains(u.wrappers, pkg) {
					u.wrappers = append(u.wrappers, pkg)
				} else if !known && !awsPackages[pkg] && callsAWS(t, pkg) {
					t.Errorf("functions/%s imports %s, which calls AWS: teach deploytest what it calls", name, pkg)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, err := strconv.Unquote(n.Value); err == nil && setting.MatchString(s) && !slices.Contains(u.settings, s) {
					u.settings = append(u.settings, s)
				}
			case *ast.SelectorExpr:
				pkg, _ := n.X.(*ast.Ident)
				switch {
				case pkg != nil && pkg.Name == "lambdaenv" && strings.HasPrefix(n.Sel.Name, "Load"):
					secret, known := lambdaenvLoaders[n.Sel.Name]
					if !known {
						t.Errorf("functions/%s calls lambdaenv.%s: teach deploytest whether it reads a secret", name, n.Sel.Name)
					}
					u.secret = u.secret || secret == lambdaenv.EnvSecretsARN
					u.unsubscribeKeys = u.unsubscribeKeys || secret == lambdaenv.EnvUnsubscribeSecretARN
				case pkg != nil && pkg.Name == "events" && strings.HasPrefix(n.Sel.Name, "DynamoDBEvent"):
					streamTypes[n.Sel.Name] = true
				case n.Sel.Name == "RunDue":
					u.runsDue = true
				}
			case *ast.CompositeLit:
				sel, ok := n.Type.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				switch lit := fmt.Sprint(sel.X) + "." + sel.Sel.Name; lit {
				case "reminder.Sweeper":
					u.sweep = u.sweep || usesStore(t, name, lit, n, sweeperNoAWS)
				case "sesevents.Handler":
					if usesStore(t, name, lit, n, sesEventsNoAWS) {
						u.sesEvents = true
						u.interfaces = appendNew(u.interfaces, sesEventsStore())
					}
				case "notifier.Config":
					if usesStore(t, name, lit, n, notifierNoAWS) {
						u.notifier = true
						u.interfaces = appendNew(u.interfaces, notifierStore())
					}
				case "console.Config":
					for _, e := range n.Elts {
						kv, ok := e.(*ast.KeyValueExpr)
						if !ok {
							t.Errorf("functions/%s: a console.Config literal without field names", name)
							continue
						}
						field := fmt.Sprint(kv.Key)
						if iface, ok := consoleFields[field]; ok {
							u.interfaces = appendNew(u.interfaces, iface)
						} else if !consoleNoAWS[field] {
							t.Errorf("functions/%s sets console.Config.%s: teach deploytest what it calls", name, field)
						}
					}
				case "httpapi.Config":
					for _, e := range n.Elts {
						kv, ok := e.(*ast.KeyValueExpr)
						if !ok {
							t.Errorf("functions/%s: an httpapi.Config literal without field names", name)
							continue
						}
						field := fmt.Sprint(kv.Key)
						if iface, ok := storeFields[field]; ok {
							u.interfaces = appendNew(u.interfaces, iface)
						} else if !noAWS[field] {
							t.Errorf("functions/%s sets httpapi.Config.%s: teach deploytest what it calls", name, field)
						}
					}
				}
			}
			return true
		})
	}
	u.stream = streamTypes["DynamoDBEvent"] && streamTypes["DynamoDBEventResponse"]
	slices.Sort(u.settings)
	slices.Sort(u.wrappers)
	return u
}

// notifierNoAWS are the notifier.Config fields that reach no AWS service. Email,
// Suppressions, SMS and Alerts do, through the wrapper packages the function imports
// (awsWrappers: internal/sns's TopicPublisher for Alerts); Store is driven like the other
// store interfaces.
var notifierNoAWS = map[string]bool{"Email": true, "Suppressions": true, "SMS": true, "Alerts": true, "Render": true,
	"UnsubscribeURL": true, "From": true, "SellerName": true, "SellerAddress": true, "Owner": true,
	"Lease": true, "SendTries": true, "MaxAttempts": true, "RetryAfter": true, "Now": true, "Sleep": true, "Logger": true}

// sesEventsNoAWS are the sesevents.Handler fields that reach no AWS service.
var sesEventsNoAWS = map[string]bool{"Logger": true}

// sesEventsStore is the type of sesevents.Handler.Store: what the handler calls on the store.
func sesEventsStore() reflect.Type {
	f, _ := reflect.TypeFor[sesevents.Handler]().FieldByName("Store")
	return f.Type
}

// notifierStore is the type of notifier.Config.Store: what the notifier calls on the store.
func notifierStore() reflect.Type {
	f, _ := reflect.TypeFor[notifier.Config]().FieldByName("Store")
	return f.Type
}

func appendNew(list []reflect.Type, typ reflect.Type) []reflect.Type {
	if slices.Contains(list, typ) {
		return list
	}
	return append(list, typ)
}

// usesStore reports whether a struct literal (a reminder.Sweeper, a notifier.Config) sets
// its Store; a field that may reach AWS and is not known here fails the test.
func usesStore(t *testing.T, name, lit string, n *ast.CompositeLit, noAWS map[string]bool) bool {
	t.Helper()
	store := false
	for _, e := range n.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			t.Errorf("functions/%s: a %s literal without field names", name, lit)
			continue
		}
		switch field := fmt.Sprint(kv.Key); {
		case field == "Store":
			store = true
		case !noAWS[field]:
			t.Errorf("functions/%s sets %s.%s: teach deploytest what it calls", name, lit, field)
		}
	}
	return store
}

// callsAWS reports whether this repository's package pkg ("internal/x") imports an AWS SDK
// service package in its non-test files.
func callsAWS(t *testing.T, pkg string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") {
				return true
			}
		}
	}
	return false
}

// TestFunctionUses: the derivation sees what each entry point wires (a check on the AST
// reading itself, with what is known of today's functions).
func TestFunctionUses(t *testing.T) {
	for name, want := range map[string]use{
		// In the order wire.go names them: the console.Config literal first (Orders, List,
		// Messages, Unfiled, Buyers), then httpapi.Config's BuyerData.
		"seller-api": {interfaces: []reflect.Type{reflect.TypeFor[seller.Orders](), reflect.TypeFor[store.OrderLister](), reflect.TypeFor[evidencepack.Source](),
			reflect.TypeFor[httpapi.UnfiledDesk](), reflect.TypeFor[httpapi.PreferenceStore](), reflect.TypeFor[httpapi.BuyerDataStore]()},
			secret: true, unsubscribeKeys: true},
		"payment-webhook":  {interfaces: []reflect.Type{reflect.TypeFor[httpapi.EventRecorder]()}, secret: true},
		"tracking-webhook": {interfaces: []reflect.Type{reflect.TypeFor[httpapi.TrackingRecorder]()}, secret: true},
		"reminders":        {sweep: true},
		"notifier": {interfaces: []reflect.Type{notifierStore()}, unsubscribeKeys: true, notifier: true, runsDue: true,
			stream: true, wrappers: []string{"internal/ses", "internal/sns"},
			settings: []string{"ORDERWIRE_EMAIL_FROM", "ORDERWIRE_PUBLIC_URL", "ORDERWIRE_SELLER_ADDRESS",
				"ORDERWIRE_SELLER_ALERTS_TOPIC", "ORDERWIRE_SELLER_EMAIL", "ORDERWIRE_SELLER_NAME",
				"ORDERWIRE_SES_CONFIGURATION_SET", "ORDERWIRE_SMS_ORIGINATION_NUMBER", "ORDERWIRE_SMS_SENDER_ID", "ORDERWIRE_SMTP_URL"}},
		"delivery-events": {interfaces: []reflect.Type{sesEventsStore()}, sesEvents: true},
	} {
		if u := functionUses(t, name); !reflect.DeepEqual(u, want) {
			t.Errorf("functions/%s uses %+v, want %+v", name, u, want)
		}
	}
}
