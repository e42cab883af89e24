package httpapi

import "testing"

func TestRepeatedMember(t *testing.T) {
	for raw, want := range map[string]string{
		`{"a":1,"b":{"a":2}}`:                 "",
		`[{"a":1},{"a":1}]`:                   "", // different objects
		`{"a":"a","b":"a"}`:                   "", // values are not names
		`{"a":[],"b":{},"c":[1,{"d":1}]}`:     "",
		`{"a":{"b":1},"a":2}`:                 "a",
		`{"a":[{"x":1},{"x":1,"x":2}]}`:       "a.x",
		`{"a":{"b":{"c":1,"c":2}}}`:           "a.b.c",
		`{"a":{"b":[1,2]},"c":{"d":1,"d":1}}`: "c.d",
		`{"a":1,"\u0061":2}`:                  "a",
		`{"a":1,`:                             "", // malformed: the decoder reports it
	} {
		got, ok := repeatedMember([]byte(raw))
		if got != want || ok != (want != "") {
			t.Errorf("repeatedMember(%s) = %q %v, want %q", raw, got, ok, want)
		}
	}
}
