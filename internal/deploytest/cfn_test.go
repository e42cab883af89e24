package deploytest

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// root is the repository root, seen from this package's folder.
const root = "../.."

// template is template.yaml in CloudFormation's JSON form: maps, lists and scalar strings,
// short tags turned into their long form (!Ref X → {"Ref": X}, !GetAtt A.B →
// {"Fn::GetAtt": [A, B]}, !Sub s → {"Fn::Sub": s}).
type template map[string]any

// loadTemplate parses template.yaml, failing on unknown tags and duplicate keys (which
// CloudFormation rejects too), and on plain scalars that YAML 1.1, which CloudFormation
// reads, takes for booleans (Mode: OFF would reach Scheduler as false).
func loadTemplate(t *testing.T) template {
	t.Helper()
	raw, err := os.ReadFile(root + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		t.Fatalf("template.yaml: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatal("template.yaml is not a mapping")
	}
	return m
}

// shortTags are CloudFormation's short-form intrinsic functions.
var shortTags = map[string]bool{"Ref": true, "Condition": true, "GetAtt": true, "Sub": true,
	"Join": true, "Select": true, "Split": true, "If": true, "Equals": true, "Not": true,
	"And": true, "Or": true, "FindInMap": true, "Base64": true, "Cidr": true, "GetAZs": true,
	"ImportValue": true, "Transform": true, "ToJsonString": true, "Length": true}

// yaml11Bools are YAML 1.1's boolean words that YAML 1.2 (yaml.v3) reads as strings.
var yaml11Bools = map[string]bool{"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true}

func cfnValue(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		return cfnValue(n.Content[0])
	case yaml.AliasNode:
		return cfnValue(n.Alias)
	case yaml.ScalarNode:
		if n.Style == 0 && n.Tag == "!!str" && yaml11Bools[strings.ToLower(n.Value)] {
			return nil, fmt.Errorf("line %d: %s is a boolean in YAML 1.1, which CloudFormation reads: quote it", n.Line, n.Value)
		}
		v = n.Value
	case yaml.SequenceNode:
		list := []any{}
		for _, c := range n.Content {
			item, err := cfnValue(c)
			if err != nil {
				return nil, err
			}
			list = append(list, item)
		}
		v = list
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", n.Content[i].Line, key)
			}
			item, err := cfnValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[key] = item
		}
		v = m
	}
	if !strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!") {
		return v, nil
	}
	name := strings.TrimPrefix(n.Tag, "!")
	switch {
	case !shortTags[name]:
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	case name == "Ref" || name == "Condition":
		return map[string]any{name: v}, nil
	case name == "GetAtt":
		if s, ok := v.(string); ok {
			resource, attr, _ := strings.Cut(s, ".")
			v = []any{resource, attr}
		}
	}
	return map[string]any{"Fn::" + name: v}, nil
}

// resources returns the template's resources of the given type, by logical id.
func (tm template) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	all, _ := tm["Resources"].(map[string]any)
	for id, r := range all {
		if m, ok := r.(map[string]any); ok && m["Type"] == typ {
			out[id] = m
		}
	}
	return out
}

// get walks maps by key; it returns nil where the path does not exist.
func get(v any, path ...string) any {
	if tm, ok := v.(template); ok {
		v = map[string]any(tm)
	}
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// list returns v as a list: a lone value becomes a list of one, as IAM reads it.
func list(v any) []any {
	switch v := v.(type) {
	case nil:
		return nil
	case []any:
		return v
	default:
		return []any{v}
	}
}

// refTo returns the logical id v references with !Ref, or "".
func refTo(v any) string {
	s, _ := get(v, "Ref").(string)
	return s
}

// getAttOf returns the logical id and attribute v reads with !GetAtt, or "", "".
func getAttOf(v any) (string, string) {
	parts, _ := get(v, "Fn::GetAtt").([]any)
	if len(parts) != 2 {
		return "", ""
	}
	id, _ := parts[0].(string)
	attr, _ := parts[1].(string)
	return id, attr
}

// functionProp is a function's property, or the Globals.Function one when it has none.
func (tm template) functionProp(fn map[string]any, name string) any {
	if v := get(fn, "Properties", name); v != nil {
		return v
	}
	return get(tm, "Globals", "Function", name)
}

// TestShortTagsParse: the parser itself turns short tags into CloudFormation's long form
// and refuses what CloudFormation would refuse.
func TestShortTagsParse(t *testing.T) {
	var doc yaml.Node
	src := "a: !Ref X\nb: !GetAtt T.Arn\nc: !Sub \"x-${AWS::Region}\"\nd: !Join [\",\", [a, !Ref Y]]\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	v, err := cfnValue(&doc)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(v)
	want := "map[a:map[Ref:X] b:map[Fn::GetAtt:[T Arn]] c:map[Fn::Sub:x-${AWS::Region}] d:map[Fn::Join:[, [a map[Ref:Y]]]]]"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	for _, bad := range []string{"a: !Reff X\n", "a: 1\na: 2\n", "Mode: OFF\n", "a: [yes]\n"} {
		var doc yaml.Node
		_ = yaml.Unmarshal([]byte(bad), &doc)
		if _, err := cfnValue(&doc); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}
