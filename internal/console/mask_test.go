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

func TestSettingsFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	s, err := console.SettingsFromEnv(env(nil))
	if err != nil || s.TimeZone != time.UTC || s.UnshippedAfter != 72*time.Hour {
		t.Fatalf("defaults: %+v %v", s, err)
	}
	s, err = console.SettingsFromEnv(env(map[string]string{"ORDERWIRE_SELLER_TIMEZONE": "Asia/Shanghai", "ORDERWIRE_UNSHIPPED_DAYS": "5"}))
	if err != nil || s.TimeZone.String() != "Asia/Shanghai" || s.UnshippedAfter != 5*24*time.Hour {
		t.Fatalf("set: %+v %v", s, err)
	}
	_, err = console.SettingsFromEnv(env(map[string]string{"ORDERWIRE_SELLER_TIMEZONE": "Mars/Olympus", "ORDERWIRE_UNSHIPPED_DAYS": "0"}))
	var oe *order.Error
	if order.ErrorCode(err) != order.CodeInvalid || !asError(err, &oe) || len(oe.Fields) != 2 {
		t.Fatalf("bad values: %v", err)
	}
}

func asError(err error, target **order.Error) bool {
	e, ok := err.(*order.Error)
	if ok {
		*target = e
	}
	return ok
}
