package templates

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/orderwire/orderwire/internal/order"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		encoding string
		segments int
	}{
		{"empty", "", EncodingGSM7, 1},
		{"160 a", strings.Repeat("a", 160), EncodingGSM7, 1},
		{"161 a", strings.Repeat("a", 161), EncodingGSM7, 2},
		{"306 a", strings.Repeat("a", 306), EncodingGSM7, 2},
		{"307 a", strings.Repeat("a", 307), EncodingGSM7, 3},
		{"euro counts two", strings.Repeat("a", 159) + "€", EncodingGSM7, 2},
		{"80 euros", strings.Repeat("€", 80), EncodingGSM7, 1},
		{"81 euros", strings.Repeat("€", 81), EncodingGSM7, 2},
		{"extension chars", "[]{}^~\\|€\f", EncodingGSM7, 1},
		{"158 a and a bracket", strings.Repeat("a", 158) + "[", EncodingGSM7, 1},
		// 152 + € + 152 is 306 septets, but the escape pair cannot straddle parts: 152 | 2+151 | 1.
		{"escape not split", strings.Repeat("a", 152) + "€" + strings.Repeat("a", 152), EncodingGSM7, 3},
		{"gsm accents", "àéèùìòÄÖÑÜäöñüßÉÇØøÅåÆæ¿¡§£¥¤@_ΔΦΓΛΩΠΨΣΘΞ", EncodingGSM7, 1},
		{"line breaks", "a\nb\rc", EncodingGSM7, 1},
		{"c cedilla small is not gsm", "reçu", EncodingUCS2, 1},
		{"no-break space is not gsm", "1\u00a0234", EncodingUCS2, 1},
		{"emoji", "Hi 😀", EncodingUCS2, 1},
		{"70 cyrillic", strings.Repeat("ж", 70), EncodingUCS2, 1},
		{"71 cyrillic", strings.Repeat("ж", 71), EncodingUCS2, 2},
		{"134 cyrillic", strings.Repeat("ж", 134), EncodingUCS2, 2},
		{"135 cyrillic", strings.Repeat("ж", 135), EncodingUCS2, 3},
		{"35 emoji", strings.Repeat("😀", 35), EncodingUCS2, 1},
		// 36 emoji are 72 units; a part holds 33 whole pairs (66 units), so 33 + 3.
		{"36 emoji", strings.Repeat("😀", 36), EncodingUCS2, 2},
		{"67 emoji", strings.Repeat("😀", 67), EncodingUCS2, 3},
		{"160 a and one hangul", strings.Repeat("a", 159) + "가", EncodingUCS2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			encoding, segments := Segments(tt.text)
			if encoding != tt.encoding || segments != tt.segments {
				t.Errorf("Segments(%q) = %s, %d; want %s, %d", tt.text, encoding, segments, tt.encoding, tt.segments)
			}
		})
	}
}

func TestGSM7Tables(t *testing.T) {
	if n := utf8.RuneCountInString(gsm7Basic); n != 127 {
		t.Errorf("basic table has %d characters, want 127 (128 less the escape)", n)
	}
	if n := utf8.RuneCountInString(gsm7Extension); n != 10 {
		t.Errorf("extension table has %d characters, want 10", n)
	}
	for _, r := range gsm7Extension {
		if strings.ContainsRune(gsm7Basic, r) {
			t.Errorf("%q is in both tables", r)
		}
	}
}

func TestChooseSMS(t *testing.T) {
	long := strings.Repeat("a", 200)
	short := strings.Repeat("b", 100)
	if got, _, n := chooseSMS([]string{long, short}, false); got != long || n != 2 {
		t.Errorf("two segments fit: got %d chars in %d segments, want the long one", len(got), n)
	}
	if got, _, n := chooseSMS([]string{long, short}, true); got != short || n != 1 {
		t.Errorf("single GSM-7 preferred: got %d chars in %d segments, want the short one", len(got), n)
	}
	longUCS2, shortUCS2 := strings.Repeat("ж", 100), strings.Repeat("ж", 60)
	if got, _, _ := chooseSMS([]string{longUCS2, shortUCS2}, true); got != longUCS2 {
		t.Errorf("UCS-2: got %d chars, want the long one (a single UCS-2 segment is not aimed at)", len(got))
	}
	huge := strings.Repeat("c", 1000)
	if got, _, _ := chooseSMS([]string{huge, long}, true); got != long {
		t.Errorf("nothing fits one: got %d chars, want the long one (two segments)", len(got))
	}
	if got, _, _ := chooseSMS([]string{huge + huge, huge}, false); got != huge {
		t.Errorf("nothing fits two: got %d chars, want the fewest segments", len(got))
	}
}

// worstCaseData is d with the longest values an SMS has to carry.
func worstCaseData(d Data) Data {
	d.OrderID = strings.Repeat("Ab9._:-", 10)[:60] + "WXYZ" // 64
	d.SellerName = "Grandes Almacenes Del Sur Ltda"         // 30
	d.TrackingNumber = "JD014600006281470000AB"             // 22
	d.AmountMinor *= 1000                                   // seven-digit amounts
	d.PaidMinor = d.AmountMinor
	return d
}

func TestSMSFitsTwoSegmentsWorstCase(t *testing.T) {
	d0 := worstCaseData(Data{})
	if len(d0.OrderID) != 64 || utf8.RuneCountInString(d0.SellerName) != 30 || len(d0.TrackingNumber) != 22 {
		t.Fatalf("worst case is %d/%d/%d long, want 64/30/22", len(d0.OrderID), utf8.RuneCountInString(d0.SellerName), len(d0.TrackingNumber))
	}
	maxSegments := map[string]int{}
	reminders := map[string]string{} // locale → the reminder SMS encodings and sizes seen
	for _, locale := range Locales() {
		for _, gc := range goldenCases() {
			for _, daysLeft := range []int{0, 1, 2, 5, 21} {
				d := worstCaseData(goldenData(t, locale, gc.kind))
				if gc.edit != nil {
					gc.edit(&d)
				}
				d.Now = d.DueAt.AddDate(0, 0, -daysLeft)
				m, err := Render(d)
				if err != nil {
					t.Fatalf("%s %s: %v", locale, gc.name, err)
				}
				if m.SMSSegments > maxSMSSegments {
					t.Errorf("%s %s (%d days): %d segments: %q", locale, gc.name, daysLeft, m.SMSSegments, m.SMS)
				}
				if enc, n := Segments(m.SMS); enc != m.SMSEncoding || n != m.SMSSegments {
					t.Errorf("%s %s: reported %s/%d, Segments says %s/%d", locale, gc.name, m.SMSEncoding, m.SMSSegments, enc, n)
				}
				if gc.kind == order.NotifyPaymentReminder && m.SMSEncoding == EncodingGSM7 && m.SMSSegments != 1 {
					t.Errorf("%s %s (%d days): GSM-7 reminder takes %d segments: %q", locale, gc.name, daysLeft, m.SMSSegments, m.SMS)
				}
				if !strings.Contains(m.SMS, d.SellerName) {
					t.Errorf("%s %s: SMS does not name the seller: %q", locale, gc.name, m.SMS)
				}
				maxSegments[locale] = max(maxSegments[locale], m.SMSSegments)
				if gc.kind == order.NotifyPaymentReminder {
					if seen := fmt.Sprintf("%s/%d", m.SMSEncoding, m.SMSSegments); !strings.Contains(reminders[locale], seen) {
						reminders[locale] += seen + " "
					}
				}
			}
		}
	}
	t.Logf("most segments per locale in the worst case: %v", maxSegments)
	t.Logf("reminder SMS in the worst case: %v", reminders)
}

func TestSMSKeepsOrderIDWhenItFits(t *testing.T) {
	for _, locale := range Locales() {
		for _, kind := range Kinds() {
			d := goldenData(t, locale, kind)
			d.OrderID = "SHOP-2026-004217" // a typical id
			m, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.SMS, d.OrderID) {
				t.Errorf("%s %s: a short order id was dropped: %q", locale, kind, m.SMS)
			}
			if strings.ContainsAny(m.SMS, "\n\r\u00a0\u202f") {
				t.Errorf("%s %s: SMS has a line break or a no-break space: %q", locale, kind, m.SMS)
			}
		}
	}
}

func TestSMSSellerNameShortened(t *testing.T) {
	d := goldenData(t, "en", order.NotifyShipmentDelivered)
	d.SellerName = "The Very Long Name Of A Shop That Goes On And On\nLtd"
	d.Now = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	m, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.SMS, "The Very Long Name Of A Shop T: ") {
		t.Errorf("SMS = %q, want the seller name cut to 30 characters", m.SMS)
	}
	if !strings.Contains(m.Text, "Goes On And On") {
		t.Error("the email must keep the whole seller name")
	}
}
