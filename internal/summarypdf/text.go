package summarypdf

import (
	_ "embed"
	"strings"
	"unicode"
)

// The two fonts (see fonts/README.md for their origin and licenses). Droid Sans Fallback
// draws CJK and has no Latin letters; DejaVu Sans draws everything else.
var (
	//go:embed fonts/DejaVuSans.ttf
	latinTTF []byte
	//go:embed fonts/DroidSansFallbackFull.ttf
	cjkTTF []byte
)

// Font family names as registered with fpdf.
const (
	fontLatin = "dejavu"
	fontCJK   = "droid"
)

// isCJK reports whether r is drawn with the CJK font: Han ideographs, kana, Hangul,
// Bopomofo, CJK symbols and punctuation, and the full-width and compatibility forms.
func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x2FDF, // CJK radicals, Kangxi radicals
		r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation (、。「」)
		r >= 0x3040 && r <= 0x31FF, // kana, Bopomofo, Hangul compatibility jamo
		r >= 0x3200 && r <= 0x4DBF, // enclosed CJK, compatibility, extension A
		r >= 0x4E00 && r <= 0x9FFF, // CJK unified ideographs
		r >= 0xAC00 && r <= 0xD7AF, // Hangul syllables
		r >= 0xF900 && r <= 0xFAFF, // CJK compatibility ideographs
		r >= 0xFE30 && r <= 0xFE4F, // CJK compatibility forms
		r >= 0xFF00 && r <= 0xFFEF: // half-width and full-width forms (，：（）)
		return true
	}
	return false
}

// hasCJK reports whether s has a character drawn with the CJK font.
func hasCJK(s string) bool { return strings.ContainsFunc(s, isCJK) }

// clean makes s drawable: CR LF and CR become LF, tabs and other control characters
// become spaces, and runes outside the Basic Multilingual Plane (which fpdf's UTF-8 fonts
// cannot address) become U+FFFD.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\r', unicode.IsControl(r):
			return ' '
		case r > 0xFFFF, r == unicode.ReplacementChar:
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

// run is a piece of one line drawn with one font.
type run struct {
	font string
	text string
}

// measurer gives the width of a rune, in mm at a 1 pt font size, in the font fontFor
// picks for it.
type measurer func(font string, r rune) float64

// fontFor is the font that draws r. Spaces and other neutral characters (digits excepted)
// stay in the font of the run they are in, so "深圳市 转运中心" is one run.
func fontFor(r rune, current string) string {
	if isCJK(r) {
		return fontCJK
	}
	if current != "" && (r == ' ' || r == '\u00a0') {
		return current
	}
	return fontLatin
}

// runs splits one line of text into runs of one font each.
func runs(line string) []run {
	var out []run
	var b strings.Builder
	font := ""
	for _, r := range line {
		f := fontFor(r, font)
		if f != font && b.Len() > 0 {
			out = append(out, run{font: font, text: b.String()})
			b.Reset()
		}
		font = f
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{font: font, text: b.String()})
	}
	return out
}

// wrap breaks text (already cleaned) into lines no wider than width mm at size pt: at
// explicit newlines, after spaces, before and after any CJK character, and, for a word
// longer than the line, inside the word. Leading spaces of a wrapped line are dropped.
// It always returns at least one line.
func wrap(text string, width, size float64, measure measurer) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, wrapParagraph([]rune(para), width, size, measure)...)
	}
	return lines
}

func wrapParagraph(rs []rune, width, size float64, measure measurer) []string {
	var lines []string
	start, brk := 0, -1 // brk: where the next line may start (a break opportunity)
	w := 0.0
	font := ""
	widthOf := func(r rune) float64 {
		font = fontFor(r, font)
		return measure(font, r) * size
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if isCJK(r) && i > start {
			brk = i
		}
		rw := widthOf(r)
		if w+rw > width && i > start && r != ' ' {
			end := i
			if brk > start {
				end = brk
			}
			lines = append(lines, strings.TrimRight(string(rs[start:end]), " "))
			start = end
			for start < len(rs) && rs[start] == ' ' {
				start++
			}
			w, font, brk = 0, "", -1
			for _, q := range rs[start:i] {
				w += widthOf(q)
			}
			rw = widthOf(r)
		}
		w += rw
		if r == ' ' || isCJK(r) {
			brk = i + 1
		}
	}
	if start < len(rs) || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(string(rs[start:]), " "))
	}
	return lines
}
