package summarypdf

import (
	"strings"
	"testing"
)

func TestWrapFitsAndKeepsEveryCharacter(t *testing.T) {
	r := newRenderer(sample("en"))
	cases := []struct {
		name, text string
		width      float64
		minLines   int
	}{
		{"one short line", "Delivered, front door", 60, 1},
		{"words", strings.Repeat("never arrived ", 20), 40, 5},
		{"a word longer than the line", strings.Repeat("x", 300), 30, 5},
		{"html", `<a href="https://example.test/?a=1&b=2">click</a> <script>alert(1)</script>`, 25, 3},
		{"chinese without spaces", strings.Repeat("买家称包裹未收到，但物流显示已签收。", 4), 30, 5},
		{"mixed", "Shenzhen 深圳市 转运中心 departed facility 已发往 Los Angeles", 22, 3},
		{"explicit newlines", "first\nsecond\n\nfourth", 60, 4},
		{"empty", "", 30, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := wrap(clean(c.text), c.width, sizeBody, r.width)
			if len(got) < c.minLines {
				t.Errorf("%d lines, want at least %d: %q", len(got), c.minLines, got)
			}
			for _, l := range got {
				if w := r.textWidth(l, sizeBody); w > c.width+1e-9 {
					t.Errorf("line %q is %.2f mm wide, more than %.0f", l, w, c.width)
				}
				if strings.HasPrefix(l, " ") || strings.HasSuffix(l, " ") {
					t.Errorf("line %q starts or ends with a space", l)
				}
			}
			join := strings.ReplaceAll(strings.Join(got, ""), " ", "")
			if want := strings.ReplaceAll(strings.ReplaceAll(c.text, "\n", ""), " ", ""); join != want {
				t.Errorf("lines %q lose text: got %q, want %q", got, join, want)
			}
		})
	}
}

func TestRunsSplitByScript(t *testing.T) {
	got := runs("Shenzhen 深圳市 转运中心 (LX1)")
	want := []run{{fontLatin, "Shenzhen "}, {fontCJK, "深圳市 转运中心 "}, {fontLatin, "(LX1)"}}
	if len(got) != len(want) {
		t.Fatalf("runs = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestFormatMoney(t *testing.T) {
	for _, c := range []struct {
		minor int64
		code  string
		want  string
	}{
		{12345, "USD", "123.45 USD"},
		{123456789, "USD", "1,234,567.89 USD"},
		{5, "EUR", "0.05 EUR"},
		{12000, "JPY", "12,000 JPY"},
		{1234, "KWD", "1.234 KWD"},
		{-250, "USD", "-2.50 USD"},
		{0, "", "0"},
		{99, "usd", "99 usd"},
	} {
		if got := formatMoney(c.minor, c.code); got != c.want {
			t.Errorf("formatMoney(%d, %q) = %q, want %q", c.minor, c.code, got, c.want)
		}
	}
}
