package httpapi

import (
	"bytes"
	"encoding/json"
)

// repeatedMember returns the first member name that appears twice in one object anywhere in
// raw, as a dotted path from the outermost object ("buyer.email"; array elements add no
// segment), and reports whether there was one. Malformed JSON reports none: the decoder
// that reads raw reports it.
func repeatedMember(raw []byte) (string, bool) {
	type frame struct {
		names   map[string]bool // nil for an array
		key     bool            // an object expecting a member name next
		current string          // the dotted path of the member being read
	}
	var stack []*frame
	path := func(name string) string {
		for i := len(stack) - 2; i >= 0; i-- {
			if stack[i].names != nil {
				return stack[i].current + "." + name
			}
		}
		return name
	}
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].names != nil {
			stack[n-1].key = true
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // io.EOF at the end, or malformed
		}
		top := (*frame)(nil)
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &frame{names: map[string]bool{}, key: true})
			case '[':
				stack = append(stack, &frame{})
			default: // '}' or ']'
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			if top != nil && top.names != nil && top.key {
				full := path(t)
				if top.names[t] {
					return full, true
				}
				top.names[t], top.key, top.current = true, false, full
				continue
			}
			valueDone()
		default:
			valueDone()
		}
	}
}
