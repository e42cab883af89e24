package webhooksig

import (
	"encoding/base64"
	"iter"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// TestShortStandardKeysRefused: a whsec_ secret that decodes to fewer than MinKeyBytes bytes
// (one zero byte, 15 bytes) is refused by position, and the message quotes no secret.
func TestShortStandardKeysRefused(t *testing.T) {
	zeroByte := "whsec_" + base64.StdEncoding.EncodeToString([]byte{0})
	fifteen := "whsec_" + base64.StdEncoding.EncodeToString([]byte("fifteen-bytes!!"))
	sixteen := "whsec_" + base64.StdEncoding.EncodeToString([]byte("sixteen-bytes!!!"))
	var fe order.FieldErrors
	if s := NewStandard("ORDERWIRE_STANDARD_WEBHOOK_SECRETS", []string{sixteen, zeroByte, fifteen}, &fe); s != nil {
		t.Fatal("a short key must disable the verifier")
	}
	if got := slicesSorted(maps.Keys(fe)); got != "ORDERWIRE_STANDARD_WEBHOOK_SECRETS[1] ORDERWIRE_STANDARD_WEBHOOK_SECRETS[2]" {
		t.Fatalf("refused %s; want [1] and [2]", got)
	}
	for name, msg := range fe {
		if !strings.Contains(msg, "at least 16") {
			t.Errorf("%s: %q does not say the minimum", name, msg)
		}
		for _, secret := range []string{zeroByte, fifteen, strings.TrimPrefix(fifteen, "whsec_"), "fifteen-bytes"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: %q quotes the secret", name, msg)
			}
		}
	}
	fe = nil
	if s := NewStandard("X", []string{sixteen}, &fe); s == nil || len(fe) != 0 {
		t.Fatalf("a 16-byte key is refused: %v", fe)
	}
}

func TestCheckSecrets(t *testing.T) {
	const long = "whsec_0123456789abcdef" // 16 bytes after the prefix
	tests := []struct {
		name    string
		prefix  string
		secrets []string
		bad     string // the refused settings, space-separated
	}{
		{"bare whsec_", "whsec_", []string{long, "whsec_"}, "S[1]"},
		{"15 bytes after whsec_", "whsec_", []string{"whsec_0123456789abcde"}, "S[0]"},
		{"16 bytes after whsec_", "whsec_", []string{long}, ""},
		{"raw secret of 16 bytes", "", []string{"0123456789abcdef"}, ""},
		{"short raw secrets", "", []string{"s3kr1t", "0123456789abcdef", "q"}, "S[0] S[2]"},
		{"no prefix where one is usual: the whole string counts", "whsec_", []string{"0123456789abcdef"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fe order.FieldErrors
			ok := CheckSecrets("S", tt.prefix, tt.secrets, &fe)
			if got := slicesSorted(maps.Keys(fe)); got != tt.bad || ok != (tt.bad == "") {
				t.Fatalf("refused %q (ok %v), want %q", got, ok, tt.bad)
			}
			for name, msg := range fe {
				for _, s := range tt.secrets {
					if s != "q" && s != "whsec_" && strings.Contains(msg, s) {
						t.Errorf("%s: %q quotes a secret", name, msg)
					}
				}
			}
		})
	}
}

func slicesSorted(keys iter.Seq[string]) string {
	return strings.Join(slices.Sorted(keys), " ")
}
