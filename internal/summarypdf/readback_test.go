package summarypdf

import (
	"bytes"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// The tests read the PDF back with github.com/ledongthuc/pdf (a pure-Go reader: xref,
// objects, stream filters and a content-stream interpreter), so no poppler is needed by
// `make test`. Its own text decoding is not used: it applies a ToUnicode bfrange by adding
// to the last byte only, which garbles fpdf's single <0000> <FFFF> range for any code above
// U+00FF. toUnicode below reads the same CMap with full-code arithmetic (PDF 32000-1 9.10.3).

// shown is one string shown on a page: where, in which fill colour, decoded to Unicode.
type shown struct {
	page  int
	x, y  float64 // text origin in PDF points
	color string  // the fill colour operands ("0.706 0.078 0.078"), "" when none was set
	text  string
}

// readBack parses a PDF and returns every Tj/TJ string of every page in content order.
func readBack(t *testing.T, doc []byte) (pages int, out []shown) {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatalf("the PDF does not open: %v", err)
	}
	for p := 1; p <= r.NumPage(); p++ {
		page := r.Page(p)
		cmaps := map[string]func(string) string{}
		fonts := page.Resources().Key("Font")
		for _, name := range fonts.Keys() {
			cmaps[name] = toUnicode(fonts.Key(name).Key("ToUnicode"))
		}
		var (
			decode = func(s string) string { return s }
			x, y   float64
			color  string
			stack  []string
		)
		pdf.Interpret(page.V.Key("Contents"), func(stk *pdf.Stack, op string) {
			args := make([]pdf.Value, stk.Len())
			for i := len(args) - 1; i >= 0; i-- {
				args[i] = stk.Pop()
			}
			switch op {
			case "Tf":
				if d, ok := cmaps[args[0].Name()]; ok && d != nil {
					decode = d
				}
			case "Td":
				x, y = args[0].Float64(), args[1].Float64()
			case "rg":
				color = args[0].String() + " " + args[1].String() + " " + args[2].String()
			case "q":
				stack = append(stack, color)
			case "Q":
				if len(stack) > 0 {
					color, stack = stack[len(stack)-1], stack[:len(stack)-1]
				}
			case "Tj":
				out = append(out, shown{p, x, y, color, decode(args[0].RawString())})
			case "TJ":
				var b strings.Builder
				for i := 0; i < args[0].Len(); i++ {
					if v := args[0].Index(i); v.Kind() == pdf.String {
						b.WriteString(decode(v.RawString()))
					}
				}
				out = append(out, shown{p, x, y, color, b.String()})
			}
		})
	}
	return r.NumPage(), out
}

// toUnicode returns the decoder of a two-byte ToUnicode CMap (its bfchar and bfrange
// sections with hexadecimal destinations, which is what PDF writers put there), or nil.
func toUnicode(v pdf.Value) func(string) string {
	if v.IsNull() {
		return nil
	}
	raw, err := io.ReadAll(v.Reader())
	if err != nil {
		return nil
	}
	hex := func(h string) int {
		n, _ := strconv.ParseUint(h, 16, 32)
		return int(n)
	}
	chars := map[int]rune{}
	type span struct{ lo, hi, dst int }
	var spans []span
	for _, sec := range sections(string(raw), "beginbfchar", "endbfchar") {
		for _, m := range bfcharRE.FindAllStringSubmatch(sec, -1) {
			chars[hex(m[1])] = rune(hex(m[2]))
		}
	}
	for _, sec := range sections(string(raw), "beginbfrange", "endbfrange") {
		for _, m := range bfrangeRE.FindAllStringSubmatch(sec, -1) {
			spans = append(spans, span{hex(m[1]), hex(m[2]), hex(m[3])})
		}
	}
	return func(raw string) string {
		var b strings.Builder
		for i := 0; i+1 < len(raw); i += 2 {
			c := int(raw[i])<<8 | int(raw[i+1])
			r, ok := chars[c]
			for _, sp := range spans {
				if !ok && c >= sp.lo && c <= sp.hi {
					r, ok = rune(sp.dst+c-sp.lo), true
				}
			}
			if !ok {
				r = unicode.ReplacementChar
			}
			b.WriteRune(r)
		}
		return b.String()
	}
}

var (
	bfcharRE  = regexp.MustCompile(`<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>`)
	bfrangeRE = regexp.MustCompile(`<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>`)
)

// sections returns the text between each begin and the following end keyword.
func sections(s, begin, end string) []string {
	var out []string
	for {
		_, after, ok := strings.Cut(s, begin)
		if !ok {
			return out
		}
		sec, rest, _ := strings.Cut(after, end)
		out = append(out, sec)
		s = rest
	}
}

// lines joins the strings shown on one baseline of one page, in content order, and
// separates baselines with newlines (so a cell's runs in two fonts read as one string).
func lines(items []shown) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 && (it.page != items[i-1].page || it.y != items[i-1].y) {
			b.WriteByte('\n')
		}
		b.WriteString(it.text)
	}
	return b.String()
}
