package console_test

import (
	"testing"

	"github.com/orderwire/orderwire/internal/console"
)

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{"jane.doe@example.com": "j***@e***.com", "a@b": "a***@b***",
		"ü@例え.jp": "ü***@例***.jp", "": "", "not-an-address": "***", "@example.com": "***", "x@": "***"} {
		if got := console.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"+8613812345678": "+86*******5678", "+5511912345678": "+55*******5678",
		"+1234567": "+12*4567", "": "", "+123456": "***", "+86１３８１２３４５６７８": "***"} {
		if got := console.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
