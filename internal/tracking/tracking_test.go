package tracking

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

func TestProvidersEnablesOnlyConfigured(t *testing.T) {
	ps, err := Providers(Config{AfterShipSecrets: []string{" ", ""}, StandardSecrets: []string{}})
	if err != nil || len(ps) != 0 {
		t.Fatalf("blank config: %v, %v", slices.Collect(maps.Keys(ps)), err)
	}
	ps, err = Providers(Config{
		AfterShipSecrets:   []string{afterShipSecret},
		SeventeenTrackKeys: []string{seventeenKey},
		EasyPostSecrets:    []string{easyPostSecret},
		StandardSecrets:    []string{standardSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{NameAfterShip, NameSeventeenTrack, NameEasyPost, NameStandard} {
		if p, ok := ps[name]; !ok || p.Name() != name {
			t.Errorf("provider %q missing or misnamed", name)
		}
	}
	if len(ps) != 4 {
		t.Errorf("providers %v", slices.Collect(maps.Keys(ps)))
	}
	ps, _ = Providers(Config{EasyPostSecrets: []string{easyPostSecret}})
	if _, ok := ps[NameAfterShip]; ok || len(ps) != 1 {
		t.Errorf("only easypost configured, got %v", slices.Collect(maps.Keys(ps)))
	}
}

func TestProvidersReportsEveryBadSettingWithoutSecrets(t *testing.T) {
	const secretish = "c2VjcmV0LXZhbHVlLW5ldmVyLWVjaG9lZA"
	_, err := Providers(Config{
		AfterShipSecrets: []string{afterShipSecret},
		StandardSecrets:  []string{standardSecret, secretish, "whsec_!!!" + secretish},
	})
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("err = %v, want an invalid *order.Error", err)
	}
	for _, field := range []string{SettingStandardSecrets + "[1]", SettingStandardSecrets + "[2]"} {
		if e.Fields[field] == "" {
			t.Errorf("no reason for %s in %v", field, e.Fields)
		}
	}
	if len(e.Fields) != 2 {
		t.Errorf("fields %v, want exactly the two bad secrets", e.Fields)
	}
	if strings.Contains(e.Error(), secretish) || strings.Contains(strings.Join(slices.Collect(maps.Values(e.Fields)), " "), secretish) {
		t.Fatalf("error echoes a secret: %v %v", e, e.Fields)
	}
}

func TestStatusMappingsIsACopy(t *testing.T) {
	got := StatusMappings(NameAfterShip)
	got[0].Status = order.ShipmentExpired
	if StatusMappings(NameAfterShip)[0].Status != order.ShipmentPending {
		t.Fatal("StatusMappings exposes the provider's table")
	}
	if StatusMappings("dhl") != nil {
		t.Fatal("unknown provider has a table")
	}
	for _, name := range []string{NameAfterShip, NameSeventeenTrack, NameEasyPost} {
		for _, m := range StatusMappings(name) {
			if !m.Status.Valid() {
				t.Errorf("%s: %v maps to an unknown status", name, m)
			}
		}
	}
}

func TestConfigFrom(t *testing.T) {
	settings := map[string]string{
		SettingAfterShipSecrets:   " as_new , ,as_old",
		SettingSeventeenTrackKeys: "KEY",
		SettingStandardSecrets:    standardSecret,
	}
	cfg := ConfigFrom(func(k string) string { return settings[k] })
	if !slices.Equal(cfg.AfterShipSecrets, []string{"as_new", "as_old"}) || !slices.Equal(cfg.SeventeenTrackKeys, []string{"KEY"}) ||
		cfg.EasyPostSecrets != nil || !slices.Equal(cfg.StandardSecrets, []string{standardSecret}) {
		t.Fatalf("ConfigFrom = %+v", cfg)
	}
	if SettingStandardSecrets != "ORDERWIRE_STANDARD_WEBHOOK_SECRETS" || SettingSeventeenTrackKeys != "ORDERWIRE_17TRACK_KEYS" ||
		SettingAfterShipSecrets != "ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS" || SettingEasyPostSecrets != "ORDERWIRE_EASYPOST_WEBHOOK_SECRETS" {
		t.Fatal("setting names differ from issue 4")
	}
}

// TestSettingsAreWhatConfigFromReads: Settings lists every key ConfigFrom looks up, and
// nothing else, and every field of Config is filled from one of them, so the webhook
// functions warn about no setting they use.
func TestSettingsAreWhatConfigFromReads(t *testing.T) {
	var read []string
	cfg := reflect.ValueOf(ConfigFrom(func(k string) string { read = append(read, k); return "from:" + k }))
	if got, want := slices.Sorted(slices.Values(read)), slices.Sorted(slices.Values(Settings)); !slices.Equal(got, want) {
		t.Fatalf("ConfigFrom reads %v, Settings lists %v", got, want)
	}
	for i := range cfg.NumField() {
		got := strings.Trim(fmt.Sprint(cfg.Field(i).Interface()), "[]")
		if setting, ok := strings.CutPrefix(got, "from:"); !ok || !slices.Contains(Settings, setting) {
			t.Errorf("Config.%s is filled %q, not from one of Settings", cfg.Type().Field(i).Name, got)
		}
	}
}

// TestStatusMappingsDocMatchesTables keeps the doc comment tables (quoted by the README) in
// step with the data: every row appears as "<status> [(<sub-status>)]  <normalised>".
func TestStatusMappingsDocMatchesTables(t *testing.T) {
	src, err := os.ReadFile("normalize.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	for _, name := range []string{NameAfterShip, NameSeventeenTrack, NameEasyPost} {
		for _, m := range StatusMappings(name) {
			key := m.ProviderStatus
			if m.SubStatus != "" {
				key += " (" + m.SubStatus + ")"
			}
			row := regexp.MustCompile(`(?m)^//\t  ` + regexp.QuoteMeta(key) + ` +` + string(m.Status) + `$`)
			if !row.MatchString(doc) {
				t.Errorf("%s: no doc row %q -> %s", name, key, m.Status)
			}
		}
	}
}
