package templates

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestLocales(t *testing.T) {
	got := Locales()
	want := []string{"en", "de", "es", "fr", "ko", "pl", "pt-BR", "ru"}
	if !slices.Equal(got, want) {
		t.Errorf("Locales() = %v, want %v", got, want)
	}
	got[0] = "xx"
	if Locales()[0] != "en" {
		t.Error("Locales returns the catalog's own slice")
	}
}

func TestLocaleFallback(t *testing.T) {
	tests := map[string]string{
		"pt-PT": "pt-BR", "pt": "pt-BR", "pt_BR": "pt-BR",
		"es-MX": "es", "es-419": "es",
		"de-AT": "de", "de-CH": "de", "fr-CA": "fr", "ko-KR": "ko", "ru-RU": "ru", "pl-PL": "pl",
		"en-GB": "en", "EN-us": "en",
		"ja": "en", "": "en", "  ": "en", "garbage!!": "en", "x-1234567890": "en", "zh-Hant": "en",
		// The matcher offers ru for uk and sr only with no confidence: not taken.
		"uk": "en", "sr": "en",
	}
	for tag, want := range tests {
		d := goldenData(t, "en", order.NotifyShipmentShipped)
		d.Locale = tag
		m, err := Render(d)
		if err != nil {
			t.Fatalf("%q: %v", tag, err)
		}
		if m.Locale != want {
			t.Errorf("%q → %s, want %s", tag, m.Locale, want)
		}
	}
	// And the message really is in that language.
	d := goldenData(t, "en", order.NotifyShipmentShipped)
	d.Locale = "pt-PT"
	if m, _ := Render(d); !strings.Contains(m.Subject, "Seu pedido") {
		t.Errorf("pt-PT subject %q is not Portuguese", m.Subject)
	}
}

func TestHTMLEscaping(t *testing.T) {
	d := goldenData(t, "en", order.NotifyPaymentReminder)
	d.BuyerName = `<script>alert("x")</script>`
	d.SellerName = `Tom & Jerry's <b>Shop</b>`
	d.SellerAddress = "1 Main St\n<img src=x onerror=alert(1)>"
	d.UnsubscribeURL = `javascript:alert(1)`
	m, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>Shop", "<img", "javascript:"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "Tom &amp; Jerry&#39;s &lt;b&gt;Shop&lt;/b&gt;", "&lt;img src=x"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if !strings.Contains(m.Text, `Hello <script>alert("x")</script>,`) {
		t.Error("the plain-text body must carry the name as it is")
	}
}

func TestUnsubscribe(t *testing.T) {
	d := goldenData(t, "de", order.NotifyShipmentDelivered)
	m, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "Abmelden: "+d.UnsubscribeURL) || !strings.Contains(m.HTML, `>Abmelden</a>`) {
		t.Error("unsubscribe line missing")
	}
	d.UnsubscribeURL = ""
	if m, _ = Render(d); strings.Contains(m.Text, "Abmelden") || strings.Contains(m.HTML, "<a ") {
		t.Error("unsubscribe line present without a URL")
	}
}

func TestFooterAndGreeting(t *testing.T) {
	d := goldenData(t, "en", order.NotifyPaymentReceived)
	d.BuyerName = "  "
	d.SellerAddress = "1 Main St\r\n\r\nSpringfield  \n"
	m, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "Hello,\n") {
		t.Errorf("no anonymous greeting: %q", m.Text[:20])
	}
	if !strings.Contains(m.Text, "Northwind Goods\n1 Main St\nSpringfield\n") {
		t.Errorf("footer address not on its own lines:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, "Northwind Goods<br>1 Main St<br>Springfield</p>") {
		t.Error("HTML footer address not on its own lines")
	}
}

func TestKindContents(t *testing.T) {
	wants := map[order.NotificationKind][]string{
		order.NotifyPaymentReceived:            {"$1,234.50", "received your payment"},
		order.NotifyPaymentReminder:            {"$1,234.50", "A-1042", "March 5, 2026", "in 3 days"},
		order.NotifyPaymentFinalNotice:         {"$1,234.50", "A-1042", "March 5, 2026", "tomorrow", "cancelled"},
		order.NotifyOrderTerminated:            {"$1,234.50", "has been cancelled", "March 5, 2026"},
		order.NotifyShipmentShipped:            {"UPS", "1Z999AA10123456784", "has shipped"},
		order.NotifyShipmentOutForDelivery:     {"UPS", "1Z999AA10123456784", "out for delivery"},
		order.NotifyShipmentAvailableForPickup: {"UPS", "1Z999AA10123456784", "pickup"},
		order.NotifyShipmentAttemptFailed:      {"UPS", "1Z999AA10123456784", "could not"},
		order.NotifyShipmentDelivered:          {"UPS", "1Z999AA10123456784", "has been delivered"},
		order.NotifyShipmentException:          {"UPS", "1Z999AA10123456784", "problem"},
	}
	for kind, want := range wants {
		d := goldenData(t, "en", kind)
		m, err := Render(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(m.Text, w) || !strings.Contains(m.HTML, w) {
				t.Errorf("%s: text or HTML lacks %q", kind, w)
			}
		}
	}
}

func TestPaidDefaultsToAmount(t *testing.T) {
	d := goldenData(t, "en", order.NotifyPaymentReceived)
	d.PaidMinor = 0
	if m, _ := Render(d); !strings.Contains(m.Text, "payment of $1,234.50") {
		t.Errorf("PaidMinor 0 does not read as the whole amount:\n%s", m.Text)
	}
	d.PaidMinor = 50000
	if m, _ := Render(d); !strings.Contains(m.Text, "payment of $500.00") {
		t.Errorf("PaidMinor not used:\n%s", m.Text)
	}
}

func TestShipmentWithoutCarrierOrTracking(t *testing.T) {
	d := goldenData(t, "en", order.NotifyShipmentShipped)
	d.Carrier = ""
	m, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "Carrier:") || !strings.Contains(m.SMS, "Tracking: 1Z999AA10123456784") {
		t.Errorf("no carrier: text or SMS wrong:\n%s\n%s", m.Text, m.SMS)
	}
	d.TrackingNumber = ""
	m, err = Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.Text, "Tracking number") || strings.Contains(m.Text, "tracking number above") || strings.Contains(m.SMS, "Tracking") {
		t.Errorf("no tracking number: still mentioned:\n%s\n%s", m.Text, m.SMS)
	}
	// A shipment message needs no currency.
	d.Currency = ""
	if _, err := Render(d); err != nil {
		t.Errorf("shipment without currency: %v", err)
	}
}

func TestRenderErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Data)
		want error
	}{
		{"unknown kind", func(d *Data) { d.Kind = "payment_refunded" }, ErrUnknownKind},
		{"empty kind", func(d *Data) { d.Kind = "" }, ErrUnknownKind},
		{"bad currency", func(d *Data) { d.Currency = "XYZ" }, ErrInvalidCurrency},
		{"lower-case currency", func(d *Data) { d.Currency = "usd" }, ErrInvalidCurrency},
		{"missing currency", func(d *Data) { d.Currency = "" }, ErrInvalidCurrency},
		{"bad time zone", func(d *Data) { d.TimeZone = "Mars/Olympus_Mons" }, ErrInvalidTimeZone},
		{"local time zone", func(d *Data) { d.TimeZone = "Local" }, ErrInvalidTimeZone},
		{"path time zone", func(d *Data) { d.TimeZone = "../../etc/passwd" }, ErrInvalidTimeZone},
		{"no due date", func(d *Data) { d.DueAt = time.Time{} }, ErrMissingDate},
		{"no send time", func(d *Data) { d.Now = time.Time{} }, ErrMissingDate},
	}
	for _, tt := range tests {
		d := goldenData(t, "fr", order.NotifyPaymentReminder)
		tt.edit(&d)
		m, err := Render(d)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
		if m != (Message{}) {
			t.Errorf("%s: a message came with the error", tt.name)
		}
	}
	// A shipment with a currency set still checks it.
	d := goldenData(t, "fr", order.NotifyShipmentShipped)
	d.Currency = "EURO"
	if _, err := Render(d); !errors.Is(err, ErrInvalidCurrency) {
		t.Errorf("shipment with a bad currency: %v", err)
	}
}

func TestRenderNeverPanics(t *testing.T) {
	odd := []Data{
		{},
		{Kind: order.NotifyPaymentReminder},
		{Kind: order.NotifyPaymentReminder, Currency: "USD", DueAt: time.Unix(0, 0), Now: time.Unix(1<<40, 0), AmountMinor: -1 << 63},
		{Kind: order.NotifyOrderTerminated, Currency: "KWD", DueAt: time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), AmountMinor: 1<<63 - 1, Locale: "ko"},
		{Kind: order.NotifyShipmentException, Locale: "ru", OrderID: "{{.Secret}}", SellerName: "{{template \"x\"}}", BuyerName: "\x00\xff"},
	}
	for i, d := range odd {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("case %d panicked: %v", i, r)
				}
			}()
			m, err := Render(d)
			if err == nil && i == 4 && !strings.Contains(m.Text, "{{.Secret}}") {
				t.Errorf("a value was read as a template: %q", m.Text)
			}
		}()
	}
}

func TestRenderConcurrently(t *testing.T) {
	var wg sync.WaitGroup
	for _, locale := range Locales() {
		for _, kind := range Kinds() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := Render(goldenData(t, locale, kind)); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
}
