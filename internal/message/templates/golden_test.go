package templates

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// localeFixture is a buyer and seller natural for a locale.
type localeFixture struct {
	buyer, timeZone, currency, carrier, seller, address string
	amountMinor                                         int64
}

func fixtureFor(t testing.TB, locale string) localeFixture {
	t.Helper()
	switch locale {
	case "en":
		return localeFixture{"Jamie Carter", "America/New_York", "USD", "UPS", "Northwind Goods",
			"1200 Market Street, Suite 400\nSan Francisco, CA 94102\nUnited States", 123450}
	case "es":
		return localeFixture{"Lucía Fernández", "Europe/Madrid", "EUR", "Correos", "Taller Almendro",
			"Calle de Alcalá 120, 3.º B\n28009 Madrid\nEspaña", 123450}
	case "fr":
		return localeFixture{"Camille Lefèvre", "Europe/Paris", "EUR", "Colissimo", "Atelier Lumière",
			"12 rue des Lilas\n69003 Lyon\nFrance", 123450}
	case "pt-BR":
		return localeFixture{"João Pereira", "America/Sao_Paulo", "BRL", "Correios", "Casa Ipê",
			"Rua Augusta, 1500 – conj. 42\nSão Paulo – SP, 01304-001\nBrasil", 123450}
	case "ru":
		return localeFixture{"Анна Смирнова", "Europe/Moscow", "RUB", "СДЭК", "Мастерская «Клён»",
			"ул. Большая Садовая, д. 10, офис 5\nМосква, 123001\nРоссия", 123450}
	case "pl":
		return localeFixture{"Katarzyna Nowak", "Europe/Warsaw", "PLN", "InPost", "Pracownia Jodła",
			"ul. Marszałkowska 84/92 lok. 7\n00-514 Warszawa\nPolska", 123450}
	case "de":
		return localeFixture{"Lena Fischer", "Europe/Berlin", "EUR", "DHL", "Werkstatt Eiche",
			"Torstraße 115\n10119 Berlin\nDeutschland", 123450}
	case "ko":
		return localeFixture{"김민지", "Asia/Seoul", "KRW", "CJ대한통운", "소나무 공방",
			"서울특별시 마포구 양화로 45, 3층\n04036\n대한민국", 123450}
	}
	t.Fatalf("no fixture for locale %s", locale)
	return localeFixture{}
}

// goldenCase is one golden file: a kind, or a variant of one.
type goldenCase struct {
	name string
	kind order.NotificationKind
	edit func(*Data)
}

func goldenCases() []goldenCase {
	var cases []goldenCase
	for _, kind := range Kinds() {
		cases = append(cases, goldenCase{name: string(kind), kind: kind})
	}
	return append(cases, goldenCase{
		name: "payment_reminder_follow_up", kind: order.NotifyPaymentReminder,
		edit: func(d *Data) { d.ReminderNumber, d.Now = 2, d.DueAt.AddDate(0, 0, -2) },
	})
}

// goldenData is the fixed Data of the golden files: due March 5 2026 at noon UTC (the same
// calendar day in every fixture's zone), sent three days before; the final notice one day
// before.
func goldenData(t testing.TB, locale string, kind order.NotificationKind) Data {
	f := fixtureFor(t, locale)
	due := time.Date(2026, time.March, 5, 12, 0, 0, 0, time.UTC)
	now := due.AddDate(0, 0, -3)
	if kind == order.NotifyPaymentFinalNotice {
		now = due.AddDate(0, 0, -1)
	}
	return Data{
		Kind: kind, Locale: locale, TimeZone: f.timeZone,
		BuyerName: f.buyer, OrderID: "A-1042",
		AmountMinor: f.amountMinor, Currency: f.currency, PaidMinor: f.amountMinor,
		DueAt: due, Now: now, ReminderNumber: 1,
		Carrier: f.carrier, TrackingNumber: "1Z999AA10123456784",
		SellerName: f.seller, SellerAddress: f.address,
		UnsubscribeURL: "https://notify.example.com/u/3f9c2b?o=A-1042&c=email",
	}
}

// goldenText is how a rendered message is written to its golden file.
func goldenText(m Message) string {
	return fmt.Sprintf("Locale: %s\nSubject: %s\nSMS (%s, %d segment(s)): %s\n\n===== text =====\n%s\n===== html =====\n%s",
		m.Locale, m.Subject, m.SMSEncoding, m.SMSSegments, m.SMS, m.Text, m.HTML)
}

func TestGolden(t *testing.T) {
	for _, locale := range Locales() {
		for _, gc := range goldenCases() {
			t.Run(locale+"/"+gc.name, func(t *testing.T) {
				d := goldenData(t, locale, gc.kind)
				if gc.edit != nil {
					gc.edit(&d)
				}
				m, err := Render(d)
				if err != nil {
					t.Fatal(err)
				}
				if m.Locale != locale {
					t.Errorf("Locale = %s, want %s", m.Locale, locale)
				}
				got := goldenText(m)
				path := filepath.Join("testdata", "golden", locale, gc.name+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from the rendered message (run go test -update and review the diff):\n%s",
						path, firstDifference(string(want), got))
				}
			})
		}
	}
}

// firstDifference shows the first line where want and got differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant %q\n got %q", i+1, wl, gl)
		}
	}
	return "(no line differs)"
}
