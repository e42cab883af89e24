package tracking

import (
	"encoding/base64"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// TestProvidersRefuseShortSecrets: every HMAC secret shorter than 16 bytes (a Standard one
// after decoding) is refused at start, by setting and position, and no message quotes it;
// the other, good settings do not save a provider with one short secret.
func TestProvidersRefuseShortSecrets(t *testing.T) {
	zeroByte := "whsec_" + base64.StdEncoding.EncodeToString([]byte{0})
	cfg := Config{
		AfterShipSecrets:   []string{afterShipSecret, "shrt-as-secret"},
		SeventeenTrackKeys: []string{"K3Y17"},
		EasyPostSecrets:    []string{"ep-tiny-secret", easyPostSecret},
		StandardSecrets:    []string{zeroByte},
	}
	ps, err := Providers(cfg)
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || ps != nil {
		t.Fatalf("Providers = %v, %v; want a CodeInvalid error and no providers", ps, err)
	}
	want := []string{
		SettingSeventeenTrackKeys + "[0]", SettingAfterShipSecrets + "[1]",
		SettingEasyPostSecrets + "[0]", SettingStandardSecrets + "[0]",
	}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		t.Fatalf("refused %v, want %v", got, want)
	}
	text := e.Error() + " " + strings.Join(slices.Collect(maps.Values(e.Fields)), " ")
	for _, secret := range []string{"shrt-as-secret", "K3Y17", "ep-tiny-secret", zeroByte, afterShipSecret, easyPostSecret} {
		if strings.Contains(text, secret) {
			t.Errorf("the error quotes a secret: %s", text)
		}
	}
	const sixteen = "0123456789abcdef" // exactly 16 bytes: accepted
	if _, err := Providers(Config{AfterShipSecrets: []string{sixteen}, SeventeenTrackKeys: []string{sixteen}, EasyPostSecrets: []string{sixteen}}); err != nil {
		t.Fatalf("a 16-byte secret is refused: %v", err)
	}
}
