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

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/sesevents"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/wiring"
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
	secret     bool // the secret ORDERWIRE_SECRETS_ARN names (its code reads that variable)
	// unsubscribeKeys: the unsubscribe-link keys, from the secret
	// ORDERWIRE_UNSUBSCRIBE_SECRET_ARN names (its code reads that variable).
	unsubscribeKeys bool
	notifier        bool     // it builds a notifier.Notifier over the store
	runsDue         bool     // it calls RunDue: a scheduled due run
	stream          bool     // it handles events.DynamoDBEvent, answering events.DynamoDBEventResponse
	sesEvents       bool     // it builds a sesevents.Handler over the store (events.SNSEvent of SES events)
	wrappers        []string // the AWS wrappers it imports (awsWrappers: "internal/ses", ...)
	// settings are the environment variables a function reads on AWS (wiring.Settings rows
	// with Where Lambda, secret keys excluded) that its code names.
	settings []string
}

// wiringPackages are the packages that build the functions' components, by the name the
// code imports them as: functionUses follows a function's calls into them.
var wiringPackages = map[string]string{"wiring": "internal/wiring", "senders": "internal/wiring/senders",
	"sellerapi": "internal/wiring/sellerapi"}

// awsPackages are this repository's packages that call AWS, and how deploytest derives
// what they call: dynamo by driving the store (needs_test.go), the wiring's Secrets
// Manager calls by the secret variables its code reads, the rest through awsWrappers. A
// function importing any other package that imports an AWS SDK service fails
// TestFunctionUses until it is taught here.
var awsPackages = map[string]bool{"internal/dynamo": true, "internal/secrets": true, "internal/wiring": true,
	"internal/wiring/senders": true, "internal/wiring/sellerapi": true, "internal/ses": true, "internal/sns": true}

var setting = regexp.MustCompile(`^ORDERWIRE_[A-Z0-9_]+$`)

// wiringCode is the parsed source of the wiring packages: their functions and string
// constants by "<package>.<name>", and the file each function is in.
type wiringCode struct {
	funcs  map[string]*ast.FuncDecl
	consts map[string]string
	fileOf map[*ast.FuncDecl]*ast.File
}

func parseWiring(t *testing.T) wiringCode {
	t.Helper()
	w := wiringCode{funcs: map[string]*ast.FuncDecl{}, consts: map[string]string{}, fileOf: map[*ast.FuncDecl]*ast.File{}}
	for pkg, dir := range wiringPackages {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						w.funcs[pkg+"."+d.Name.Name] = d
						w.fileOf[d] = f
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						vs, ok := spec.(*ast.ValueSpec)
						if !ok || d.Tok != token.CONST {
							continue
						}
						for i, name := range vs.Names {
							if i < len(vs.Values) {
								if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
									v, _ := strconv.Unquote(lit.Value)
									w.consts[pkg+"."+name.Name] = v
								}
							}
						}
					}
				}
			}
		}
	}
	return w
}

// functionUses reads functions/<name>'s non-test Go files and, following its calls, the
// functions of the wiring packages they reach (wiring.PaymentWebhook, then what that calls,
// ...): the httpapi.Config fields set (Orders → seller.Orders, Events →
// httpapi.EventRecorder, Tracking → httpapi.TrackingRecorder, Preferences →
// httpapi.PreferenceStore, Unfiled → httpapi.UnfiledDesk; Payments, Carriers, Tokens,
// Unsubscribe, Logger and Now reach no AWS service), the reminder.Sweeper fields set
// (Store → the sweep; Policy and Batch reach no AWS service), the notifier.Config fields
// set (Store → notifier.Store; the senders reach AWS through the wrapper packages imported,
// the rest reach no AWS service), which secret variables it reads, whether it runs RunDue
// and handles a DynamoDB stream, the settings it names (wiring's constants and literals;
// each must be a row of wiring.Settings), and no AWS client of its own.
func functionUses(t *testing.T, name string) use {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "functions", name, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("functions/%s: no Go files (%v)", name, err)
	}
	w := parseWiring(t)
	var u use
	r := &reader{t: t, name: name, w: w, u: &u, streamTypes: map[string]bool{}, seen: map[*ast.FuncDecl]bool{}, names: map[string]bool{}}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		r.imports(f, false)
		r.inspect(f, "")
	}
	for len(r.queue) > 0 {
		d := r.queue[0]
		r.queue = r.queue[1:]
		r.imports(w.fileOf[d], true)
		r.inspect(d, r.pkgOf[d])
	}
	for n := range r.names {
		row, known := wiring.Lookup(n)
		switch {
		case !known:
			t.Errorf("functions/%s reads %s, which is not a row of wiring.Settings", name, n)
		case row.Where&wiring.Lambda != 0 && row.OnAWS != wiring.InSecret:
			u.settings = append(u.settings, n)
		}
	}
	u.secret = r.names[wiring.EnvSecretsARN]
	u.unsubscribeKeys = r.names[wiring.EnvUnsubscribeSecretARN]
	u.stream = r.streamTypes["DynamoDBEvent"] && r.streamTypes["DynamoDBEventResponse"]
	slices.Sort(u.settings)
	slices.Sort(u.wrappers)
	return u
}

// reader walks a function's code and the wiring code it reaches.
type reader struct {
	t           *testing.T
	name        string
	w           wiringCode
	u           *use
	streamTypes map[string]bool
	names       map[string]bool // the ORDERWIRE_* settings named
	queue       []*ast.FuncDecl
	seen        map[*ast.FuncDecl]bool
	pkgOf       map[*ast.FuncDecl]string
}

// follow queues the wiring function key ("<package>.<name>") when there is one.
func (r *reader) follow(key string) {
	d := r.w.funcs[key]
	if d == nil || r.seen[d] {
		return
	}
	r.seen[d] = true
	if r.pkgOf == nil {
		r.pkgOf = map[*ast.FuncDecl]string{}
	}
	r.pkgOf[d], _, _ = strings.Cut(key, ".")
	r.queue = append(r.queue, d)
}

// imports notes the AWS wrappers a file imports and refuses an AWS SDK service client of
// its own (a wiring file may use Secrets Manager: its reads are the secret variables).
func (r *reader) imports(f *ast.File, wiringFile bool) {
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		if strings.HasPrefix(path, "github.com/aws/aws-sdk-go-v2/service/") &&
			!(wiringFile && path == "github.com/aws/aws-sdk-go-v2/service/secretsmanager") {
			r.t.Errorf("functions/%s reaches code importing %s: teach deploytest what it calls", r.name, path)
		}
		if pkg, ok := strings.CutPrefix(path, module); ok {
			if _, known := awsWrappers[pkg]; known && !slices.Contains(r.u.wrappers, pkg) {
				r.u.wrappers = append(r.u.wrappers, pkg)
			} else if !known && !awsPackages[pkg] && callsAWS(r.t, pkg) {
				r.t.Errorf("functions/%s reaches an import of %s, which calls AWS: teach deploytest what it calls", r.name, pkg)
			}
		}
	}
}

// inspect reads one file of the function (pkg "") or one wiring function (pkg its package).
func (r *reader) inspect(node ast.Node, pkg string) {
	ast.Inspect(node, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if pkg != "" {
				r.follow(pkg + "." + n.Name)
				if v, ok := r.w.consts[pkg+"."+n.Name]; ok && setting.MatchString(v) {
					r.names[v] = true
				}
			}
		case *ast.BasicLit:
			if s, err := strconv.Unquote(n.Value); err == nil && setting.MatchString(s) {
				r.names[s] = true
			}
		case *ast.SelectorExpr:
			x, _ := n.X.(*ast.Ident)
			switch {
			case x != nil && wiringPackages[x.Name] != "":
				r.follow(x.Name + "." + n.Sel.Name)
				if v, ok := r.w.consts[x.Name+"."+n.Sel.Name]; ok && setting.MatchString(v) {
					r.names[v] = true
				}
				return false
			case x != nil && x.Name == "events" && strings.HasPrefix(n.Sel.Name, "DynamoDBEvent"):
				r.streamTypes[n.Sel.Name] = true
			case n.Sel.Name == "RunDue":
				r.u.runsDue = true
			}
		case *ast.CompositeLit:
			r.literal(n)
		}
		return true
	})
}

// literal notes what a struct literal hands the store to.
func (r *reader) literal(n *ast.CompositeLit) {
	sel, ok := n.Type.(*ast.SelectorExpr)
	if !ok {
		return
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
	// Metrics (here and in the sweeper and notifier) is internal/emf: lines on stdout, no AWS call.
	noAWS := map[string]bool{"Payments": true, "Carriers": true, "Tokens": true, "Unsubscribe": true, "Logger": true, "Now": true,
		"Metrics": true, "MetricsPage": true, "UnshippedAfter": true, "Console": true}
	consoleFields := map[string]reflect.Type{
		"Orders":   reflect.TypeFor[seller.Orders](), // a seller.Service over the store
		"Messages": reflect.TypeFor[evidencepack.Source](),
		"Evidence": reflect.TypeFor[evidencepack.Source](), // an evidencepack.Packer over the store
		"Unfiled":  reflect.TypeFor[httpapi.UnfiledDesk](),
		"Buyers":   reflect.TypeFor[httpapi.PreferenceStore](),
		"List":     reflect.TypeFor[store.OrderLister](),
		"Sessions": reflect.TypeFor[console.SessionRevoker](), // sign-out's PutItem, every page's GetItem
	}
	consoleNoAWS := map[string]bool{"Tokens": true, "TimeZone": true, "UnshippedAfter": true, "Now": true, "Logger": true}
	sweeperNoAWS := map[string]bool{"Policy": true, "Batch": true, "Metrics": true}
	u, t, name := r.u, r.t, r.name
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
		literalFields(u, t, name, lit, n, consoleFields, consoleNoAWS)
	case "httpapi.Config":
		literalFields(u, t, name, lit, n, storeFields, noAWS)
	}
}

// literalFields adds to u the store interface of each field the literal lit sets that
// fields names; a field in neither fields nor noAWS is an error (deploytest must learn what
// it calls), and so is a literal without field names.
func literalFields(u *use, t *testing.T, name, lit string, n *ast.CompositeLit, fields map[string]reflect.Type, noAWS map[string]bool) {
	t.Helper()
	for _, e := range n.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			t.Errorf("functions/%s: a %s literal without field names", name, lit)
			continue
		}
		field := fmt.Sprint(kv.Key)
		if iface, ok := fields[field]; ok {
			u.interfaces = appendNew(u.interfaces, iface)
		} else if !noAWS[field] {
			t.Errorf("functions/%s sets %s.%s: teach deploytest what it calls", name, lit, field)
		}
	}
}

// notifierNoAWS are the notifier.Config fields that reach no AWS service. Email,
// Suppressions, SMS and Alerts do, through the wrapper packages the function imports
// (awsWrappers: internal/sns's TopicPublisher for Alerts); Store is driven like the other
// store interfaces.
var notifierNoAWS = map[string]bool{"Email": true, "Suppressions": true, "SMS": true, "Alerts": true, "Render": true,
	"UnsubscribeURL": true, "From": true, "SellerName": true, "SellerAddress": true, "Owner": true,
	"Lease": true, "SendTries": true, "MaxAttempts": true, "RetryAfter": true, "Now": true, "Sleep": true, "Logger": true, "Metrics": true}

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

// TestFunctionUses: the derivation sees what each entry point wires, through the wiring
// packages (a check on the AST reading itself, with what is known of today's functions).
func TestFunctionUses(t *testing.T) {
	for name, want := range map[string]use{
		"seller-api": {interfaces: []reflect.Type{reflect.TypeFor[seller.Orders](), reflect.TypeFor[httpapi.PreferenceStore](), reflect.TypeFor[httpapi.UnfiledDesk](),
			reflect.TypeFor[evidencepack.Source](), reflect.TypeFor[store.OrderLister](), reflect.TypeFor[httpapi.BuyerDataStore](),
			reflect.TypeFor[console.SessionRevoker]()}, secret: true, unsubscribeKeys: true,
			settings: []string{"ORDERWIRE_POLICY_FILE", "ORDERWIRE_SECRETS_ARN", "ORDERWIRE_SELLER_TIMEZONE", "ORDERWIRE_TABLE",
				"ORDERWIRE_UNSHIPPED_DAYS", "ORDERWIRE_UNSUBSCRIBE_SECRET_ARN"}},
		"payment-webhook": {interfaces: []reflect.Type{reflect.TypeFor[httpapi.EventRecorder]()}, secret: true,
			settings: []string{"ORDERWIRE_SECRETS_ARN", "ORDERWIRE_TABLE"}},
		"tracking-webhook": {interfaces: []reflect.Type{reflect.TypeFor[httpapi.TrackingRecorder]()}, secret: true,
			settings: []string{"ORDERWIRE_SECRETS_ARN", "ORDERWIRE_TABLE"}},
		"reminders": {sweep: true, settings: []string{"ORDERWIRE_POLICY_FILE", "ORDERWIRE_TABLE"}},
		"notifier": {interfaces: []reflect.Type{notifierStore()}, unsubscribeKeys: true, notifier: true, runsDue: true,
			stream: true, wrappers: []string{"internal/ses", "internal/sns"},
			settings: []string{"ORDERWIRE_EMAIL_FROM", "ORDERWIRE_PUBLIC_URL", "ORDERWIRE_SELLER_ADDRESS",
				"ORDERWIRE_SELLER_ALERTS_TOPIC", "ORDERWIRE_SELLER_EMAIL", "ORDERWIRE_SELLER_NAME",
				"ORDERWIRE_SES_CONFIGURATION_SET", "ORDERWIRE_SMS_ORIGINATION_NUMBER", "ORDERWIRE_SMS_SENDER_ID", "ORDERWIRE_SMTP_URL",
				"ORDERWIRE_TABLE", "ORDERWIRE_UNSUBSCRIBE_SECRET_ARN"}},
		"delivery-events": {interfaces: []reflect.Type{sesEventsStore()}, sesEvents: true, settings: []string{"ORDERWIRE_TABLE"}},
	} {
		if u := functionUses(t, name); !reflect.DeepEqual(u, want) {
			t.Errorf("functions/%s uses %+v, want %+v", name, u, want)
		}
	}
}
