package templates

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"
)

// phrasebookFor returns a phrasebook for a catalog locale.
func phrasebookFor(t *testing.T, locale string) *phrasebook {
	t.Helper()
	c, err := loadedCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c.phrasebook(language.MustParse(locale))
}

// readable shows the no-break spaces of s as "_" (U+00A0) and "^" (U+202F).
func readable(s string) string {
	return strings.NewReplacer("\u00a0", "_", "\u202f", "^").Replace(s)
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		locale, currency string
		minor            int64
		want             string // "_" is U+00A0, "^" is U+202F
	}{
		{"en", "USD", 123450, "$1,234.50"},
		{"en", "EUR", 123450, "€1,234.50"},
		{"en", "USD", 5, "$0.05"},
		{"en", "USD", 0, "$0.00"},
		{"en", "USD", -123450, "-$1,234.50"},
		{"en", "JPY", 1234, "¥1,234"},
		{"en", "KWD", 1234567, "KWD_1,234.567"},
		{"en", "PLN", 123450, "PLN_1,234.50"},
		{"en", "USD", 100000000000000, "$1,000,000,000,000.00"},
		{"de", "EUR", 123450, "1.234,50_€"},
		{"de", "EUR", 99, "0,99_€"},
		{"de", "CHF", 123450, "1.234,50_CHF"},
		{"fr", "EUR", 123450, "1^234,50_€"},
		{"fr", "USD", 123450, "1^234,50_$US"},
		{"fr", "EUR", 123456789, "1^234^567,89_€"},
		{"es", "EUR", 123450, "1234,50_€"},
		{"es", "EUR", 1234550, "12.345,50_€"},
		{"es", "USD", 123450, "1234,50_US$"},
		{"es", "MXN", 123450, "1234,50_MXN"},
		{"pt-BR", "BRL", 123450, "R$_1.234,50"},
		{"pt-BR", "BRL", 100, "R$_1,00"},
		{"ru", "RUB", 123450, "1_234,50_₽"},
		{"ru", "USD", 999, "9,99_$"},
		{"pl", "PLN", 123450, "1234,50_zł"},
		{"pl", "PLN", 1234550, "12_345,50_zł"},
		{"pl", "EUR", 5000, "50,00_€"},
		{"ko", "KRW", 12000, "₩12,000"},
		{"ko", "KRW", 123450, "₩123,450"},
		{"ko", "USD", 123450, "US$1,234.50"},
		{"ko", "JPY", 500, "JP¥500"},
	}
	for _, tt := range tests {
		unit, err := parseCurrency(tt.currency)
		if err != nil {
			t.Fatal(err)
		}
		p := phrasebookFor(t, tt.locale)
		got := p.formatMoney(tt.minor, unit)
		if p.err != nil {
			t.Fatal(p.err)
		}
		if readable(got) != tt.want {
			t.Errorf("%s %d %s = %q, want %q", tt.locale, tt.minor, tt.currency, readable(got), tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	march5 := time.Date(2026, time.March, 5, 12, 0, 0, 0, time.UTC)
	march1 := time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		locale string
		at     time.Time
		want   string
	}{
		{"en", march5, "March 5, 2026"},
		{"de", march5, "5. März 2026"},
		{"fr", march5, "5 mars 2026"},
		{"fr", march1, "1er mars 2026"},
		{"es", march5, "5 de marzo de 2026"},
		{"pt-BR", march5, "5 de março de 2026"},
		{"pt-BR", march1, "1º de março de 2026"},
		{"ru", march5, "5 марта 2026_г."},
		{"pl", march5, "5 marca 2026"},
		{"pl", time.Date(2026, time.September, 30, 12, 0, 0, 0, time.UTC), "30 września 2026"},
		{"ko", march5, "2026년 3월 5일"},
		{"ko", time.Date(2026, time.December, 25, 12, 0, 0, 0, time.UTC), "2026년 12월 25일"},
	}
	for _, tt := range tests {
		p := phrasebookFor(t, tt.locale)
		got := p.formatDate(tt.at, time.UTC)
		if p.err != nil {
			t.Fatal(p.err)
		}
		if readable(got) != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.locale, tt.at.Format(time.DateOnly), readable(got), tt.want)
		}
	}
}

func TestDatesInBuyersTimeZone(t *testing.T) {
	// 02:30 UTC on March 6 is still March 5 in São Paulo and already March 6 in Seoul.
	due := time.Date(2026, time.March, 6, 2, 30, 0, 0, time.UTC)
	for zone, want := range map[string]string{"America/Sao_Paulo": "March 5, 2026", "Asia/Seoul": "March 6, 2026", "": "March 6, 2026"} {
		loc, err := loadTimeZone(zone)
		if err != nil {
			t.Fatal(err)
		}
		if got := phrasebookFor(t, "en").formatDate(due, loc); got != want {
			t.Errorf("%q: %s, want %s", zone, got, want)
		}
	}
}

func TestCalendarDaysUntil(t *testing.T) {
	saoPaulo, _ := time.LoadLocation("America/Sao_Paulo")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	tests := []struct {
		name     string
		now, due time.Time
		loc      *time.Location
		want     int
	}{
		{"same day", time.Date(2026, 3, 5, 1, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 23, 0, 0, 0, time.UTC), time.UTC, 0},
		{"late evening to next morning", time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 1, 0, 0, 0, time.UTC), time.UTC, 1},
		{"zone moves the due day back", time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC), saoPaulo, 1},
		{"across a DST change", time.Date(2026, 3, 28, 12, 0, 0, 0, berlin), time.Date(2026, 3, 30, 12, 0, 0, 0, berlin), berlin, 2},
		{"past", time.Date(2026, 3, 7, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC), time.UTC, -2},
	}
	for _, tt := range tests {
		if got := calendarDaysUntil(tt.now, tt.due, tt.loc); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestDaysLeftPlurals(t *testing.T) {
	tests := []struct {
		locale string
		days   int
		want   string
	}{
		{"ru", 1, "через 1 день"},
		{"ru", 2, "через 2 дня"},
		{"ru", 5, "через 5 дней"},
		{"ru", 11, "через 11 дней"},
		{"ru", 21, "через 21 день"},
		{"ru", 22, "через 22 дня"},
		{"pl", 1, "za 1 dzień"},
		{"pl", 2, "za 2 dni"},
		{"pl", 5, "za 5 dni"},
		{"pl", 21, "za 21 dni"},
		{"pl", 22, "za 22 dni"},
		{"en", 1, "in 1 day"},
		{"en", 21, "in 21 days"},
		{"de", 1, "in 1 Tag"},
		{"de", 5, "in 5 Tagen"},
		{"fr", 1, "dans 1 jour"},
		{"fr", 2, "dans 2 jours"},
		{"es", 1, "en 1 día"},
		{"es", 5, "en 5 días"},
		{"pt-BR", 1, "em 1 dia"},
		{"pt-BR", 5, "em 5 dias"},
		{"ko", 1, "1일 후"},
		{"ko", 5, "5일 후"},
	}
	for _, tt := range tests {
		p := phrasebookFor(t, tt.locale)
		got := p.daysLeft(tt.days)
		if p.err != nil {
			t.Fatal(p.err)
		}
		if got != tt.want {
			t.Errorf("%s %d days = %q, want %q", tt.locale, tt.days, got, tt.want)
		}
	}
}

func TestDueRelative(t *testing.T) {
	p := phrasebookFor(t, "ru")
	for days, want := range map[int]string{-1: "сегодня", 0: "сегодня", 1: "завтра", 2: "через 2 дня", 21: "через 21 день"} {
		if got := p.dueRelative(days); got != want {
			t.Errorf("%d days = %q, want %q", days, got, want)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for _, code := range []string{"USD", "EUR", "KRW", "KWD", "BRL"} {
		if _, err := parseCurrency(code); err != nil {
			t.Errorf("%s: %v", code, err)
		}
	}
	for _, code := range []string{"", "usd", "US", "USDX", "ZZZ", "€"} {
		if _, err := parseCurrency(code); err == nil {
			t.Errorf("%q accepted", code)
		}
	}
}
