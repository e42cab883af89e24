package dynamo

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/orderwire/orderwire/internal/store"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/attribute_names.golden")

// TestAttributeNamesPinned pins the table format: every attribute path (nested maps and
// lists included, with its DynamoDB type) of each item kind the store writes, once with
// every field set and once zero (which attributes omitempty drops). A renamed field, a
// changed tag option or another time encoding changes the list; data already written would
// no longer read, so the golden file changes only on purpose (go test -run
// TestAttributeNamesPinned -update). Times must stay RFC 3339 strings (S).
func TestAttributeNamesPinned(t *testing.T) {
	kinds := []struct {
		name string
		v    any
	}{
		{"order item", orderItem{}}, {"outbox row", outboxItem{}}, {"dedupe item", dedupeItem{}},
		{"ref item", refItem{}}, {"park item", parkItem{}}, {"evidence item", evidenceItem{}},
		{"claim item", claimItem{}}, {"claim row", claimRow{}}, {"parked tracking item", parkedTrackingItem{}},
		{"buyer order item", buyerOrderItem{}}, {"hold item", holdItem{}}, {"retain item", retainItem{}},
		{"suppression", store.SuppressionRecord{}}, {"preferences", store.PreferencesRecord{}},
		{"unfiled", store.UnfiledRecord{}}, {"buyer", store.BuyerRecord{}},
		{"dispute deadline", store.DisputeDeadlineRecord{}},
	}
	var b strings.Builder
	for _, k := range kinds {
		for _, filled := range []bool{true, false} {
			v := reflect.New(reflect.TypeOf(k.v)).Elem()
			if filled {
				fill(v, 0)
			}
			av, err := marshal(v.Interface())
			if err != nil {
				t.Fatalf("%s: %v", k.name, err)
			}
			fmt.Fprintf(&b, "## %s (filled=%v)\n", k.name, filled)
			var paths []string
			attrPaths(av, "", &paths)
			slices.Sort(paths)
			for _, p := range paths {
				b.WriteString(p + "\n")
			}
		}
	}
	const golden = "testdata/attribute_names.golden"
	if *updateGolden {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != string(want) {
		t.Fatalf("attribute names changed (table format!):\n%s", lineDiff(string(want), got))
	}
}

// TestTimesAreRFC3339Strings: a time attribute is written as an RFC 3339 string, as before
// the codec took the json tags.
func TestTimesAreRFC3339Strings(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 5, 120000000, time.UTC)
	av, err := marshal(store.SuppressionRecord{Reason: "bounce", At: at})
	if err != nil {
		t.Fatal(err)
	}
	m, ok := av.(*types.AttributeValueMemberM)
	if !ok {
		t.Fatalf("got %T, want a map", av)
	}
	var found bool
	for name, v := range m.Value {
		s, ok := v.(*types.AttributeValueMemberS)
		if ok && s.Value == at.Format(time.RFC3339Nano) {
			found = true
			t.Logf("time attribute %q = %s", name, s.Value)
		}
	}
	if !found {
		t.Fatalf("no attribute holds %s as an RFC 3339 string: %v", at.Format(time.RFC3339Nano), m.Value)
	}
}

// fill sets every exported field of v to a non-zero value (one element per slice and map),
// recursing into structs, up to a depth that stops recursive types.
func fill(v reflect.Value, depth int) {
	if depth > 6 || (!v.CanSet() && v.Kind() != reflect.Struct) {
		return // an unexported embedded struct is walked: its exported fields are promoted
	}
	if v.Type() == reflect.TypeOf(time.Time{}) {
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() || f.Anonymous {
				fill(v.Field(i), depth+1)
			}
		}
	}
}

// attrPaths lists av's attribute paths with their types ("payments[].amount N").
func attrPaths(av types.AttributeValue, prefix string, out *[]string) {
	switch v := av.(type) {
	case *types.AttributeValueMemberM:
		if prefix != "" {
			*out = append(*out, prefix+" M")
			prefix += "."
		}
		for name, e := range v.Value {
			attrPaths(e, prefix+name, out)
		}
	case *types.AttributeValueMemberL:
		*out = append(*out, prefix+" L")
		for _, e := range v.Value {
			attrPaths(e, prefix+"[]", out)
		}
	default:
		*out = append(*out, fmt.Sprintf("%s %s", prefix, strings.TrimPrefix(fmt.Sprintf("%T", av), "*types.AttributeValueMember")))
	}
}

// lineDiff names the lines only in want (-) and only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
