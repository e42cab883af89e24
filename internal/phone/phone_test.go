package phone

import "testing"

// TestValid: numbers in assigned ranges of several countries pass; a number too short for
// its country, an unassigned country code, and anything not in E.164 form fail.
func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"+5511912345678": true,  // Brazil, mobile
		"+14155550100":   true,  // US
		"+351912345678":  true,  // Portugal, mobile
		"+8613123456789": true,  // China, mobile
		"+1555000":       false, // US number too short
		"+999123456789":  false, // no such country code
		"5511912345678":  false, // no '+'
		"+55 11 91234":   false, // spaces
		"":               false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
