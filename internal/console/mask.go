package console

import (
	"strings"
	"unicode/utf8"
)

// MaskEmail shows an address only enough to recognise it: the first character of the
// local part and of the domain, and the top-level domain ("jane@example.com" →
// "j***@e***.com"). Anything that is not an address with a local part and a domain is
// masked whole ("***"); "" stays "".
func MaskEmail(s string) string {
	if s == "" {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "***"
	}
	local, domain := s[:at], s[at+1:]
	out := first(local) + "***@" + first(domain) + "***"
	if dot := strings.LastIndexByte(domain, '.'); dot > 0 && dot < len(domain)-1 {
		out += domain[dot:]
	}
	return out
}

// MaskPhone keeps an E.164 number's first three characters (the "+" and up to two digits
// of the country code) and its last four ("+8613812345678" → "+86*******5678"). Shorter
// numbers than eight characters are masked whole ("***"); "" stays "".
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	if len(s) < 8 || !utf8.ValidString(s) || utf8.RuneCountInString(s) != len(s) {
		return "***"
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

func first(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return ""
	}
	return string(r)
}
