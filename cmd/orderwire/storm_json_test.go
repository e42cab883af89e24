package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The storm's payloads are the providers' own fixtures (internal/payment/testdata and
// internal/tracking/testdata, each of which names the document it follows) used as
// templates: a builder loads one, sets the fields that identify the order, the payment or
// the parcel, the amounts and the times, and leaves every other field as the provider sends
// it. Paths are dotted; a number segment indexes an array, a negative one counts from its end.

// removed marks a field the builder deletes (a provider that does not send it).
var removed = &struct{}{}

// jsonTemplate is a decoded fixture being edited.
type jsonTemplate struct {
	t   testing.TB
	doc any
}

// loadJSON reads fixture file of provider from testdata dir ("payment" or "tracking").
func loadJSON(t testing.TB, dir, provider, file string) *jsonTemplate {
	t.Helper()
	raw := readFixture(t, dir, provider, file)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // amounts and unix times stay as written
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("fixture %s/%s: %v", provider, file, err)
	}
	return &jsonTemplate{t: t, doc: doc}
}

func readFixture(t testing.TB, dir, provider, file string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "internal", dir, "testdata", provider, file))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// set sets each path to its value (removed deletes it); every path but the last segment
// must exist, so a fixture that changed shape fails loudly rather than being half edited.
func (j *jsonTemplate) set(pathValues ...any) *jsonTemplate {
	j.t.Helper()
	for i := 0; i+1 < len(pathValues); i += 2 {
		path := pathValues[i].(string)
		segs := strings.Split(path, ".")
		parent := j.get(path, segs[:len(segs)-1])
		last := segs[len(segs)-1]
		switch p := parent.(type) {
		case map[string]any:
			if pathValues[i+1] == removed {
				delete(p, last)
			} else {
				p[last] = pathValues[i+1]
			}
		case []any:
			n := index(j.t, path, last, len(p))
			p[n] = pathValues[i+1]
		default:
			j.t.Fatalf("template: %s: parent is not an object or array", path)
		}
	}
	return j
}

// get returns the value at segs (a prefix of path, for messages).
func (j *jsonTemplate) get(path string, segs []string) any {
	j.t.Helper()
	cur := j.doc
	for _, s := range segs {
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[s]
			if !ok {
				j.t.Fatalf("template: %s: no field %q", path, s)
			}
			cur = next
		case []any:
			cur = c[index(j.t, path, s, len(c))]
		default:
			j.t.Fatalf("template: %s: %q is inside a scalar", path, s)
		}
	}
	return cur
}

// length is the length of the array at path.
func (j *jsonTemplate) length(path string) int {
	j.t.Helper()
	list, ok := j.get(path, strings.Split(path, ".")).([]any)
	if !ok {
		j.t.Fatalf("template: %s is not an array", path)
	}
	return len(list)
}

func index(t testing.TB, path, seg string, n int) int {
	t.Helper()
	i, err := strconv.Atoi(seg)
	if err != nil {
		t.Fatalf("template: %s: %q indexes an array", path, seg)
	}
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		t.Fatalf("template: %s: index %s out of range (%d)", path, seg, n)
	}
	return i
}

// bytes is the edited document as a provider would send it (compact JSON).
func (j *jsonTemplate) bytes() []byte {
	j.t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j.doc); err != nil {
		j.t.Fatal(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// loadForm reads a form-encoded fixture (Alipay's notifications).
func loadForm(t testing.TB, provider, file string) url.Values {
	t.Helper()
	form, err := url.ParseQuery(strings.TrimSpace(string(readFixture(t, "payment", provider, file))))
	if err != nil {
		t.Fatalf("fixture %s/%s: %v", provider, file, err)
	}
	return form
}

// num is a JSON number as written.
func num(n int64) json.Number { return json.Number(strconv.FormatInt(n, 10)) }
