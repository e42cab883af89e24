package console_test

import (
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/order"
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

func TestTimeZoneFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string { return map[string]string{console.EnvSellerTimeZone: v}[k] }
	}
	if loc, err := console.TimeZoneFromEnv(env("")); err != nil || loc != time.UTC {
		t.Fatalf("default: %v %v", loc, err)
	}
	if loc, err := console.TimeZoneFromEnv(env("Asia/Shanghai")); err != nil || loc.String() != "Asia/Shanghai" {
		t.Fatalf("set: %v %v", loc, err)
	}
	for _, bad := range []string{"Mars/Olympus", "Local"} {
		_, err := console.TimeZoneFromEnv(env(bad))
		var oe *order.Error
		if !asError(err, &oe) || oe.Code != order.CodeInvalid || oe.Fields[console.EnvSellerTimeZone] == "" {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func asError(err error, target **order.Error) bool {
	e, ok := err.(*order.Error)
	if ok {
		*target = e
	}
	return ok
}
