package templates

import (
	"strings"
	"testing"
)

// FuzzRender: whatever a seller puts in the names (buyer, seller, carrier, tracking number)
// and whatever tag the buyer's locale holds, Render never panics, the HTML never carries a
// field's markup unescaped, and the reported SMS encoding and segments are those of the SMS.
func FuzzRender(f *testing.F) {
	f.Add("Ana Souza", "pt-BR", "Casa Ipê", "cainiao", "RR123456785CN", 3, int64(12990))
	f.Add("<script>alert(1)</script>", "ru", "Shop & Co", "<b>ups</b>", "1Z999", 0, int64(1))
	f.Add("\u202eevil", "xx-??", "€€€{}[]", "", "", 21, int64(-5))
	f.Fuzz(func(t *testing.T, name, locale, seller, carrier, tracking string, kindIndex int, amount int64) {
		kinds := Kinds()
		if kindIndex < 0 {
			kindIndex = -kindIndex
		}
		d := goldenData(t, "en", kinds[kindIndex%len(kinds)])
		// Every field carries a tag of its own; escaping must keep every one of them out of
		// the HTML's markup, whatever the fuzzed text around it.
		const tag = "<ow-x>"
		d.BuyerName, d.Locale, d.SellerName, d.Carrier, d.TrackingNumber, d.AmountMinor =
			tag+name, locale, tag+seller, tag+carrier, tag+tracking, amount
		m, err := Render(d)
		if err != nil {
			return
		}
		if strings.Contains(m.HTML, "<ow-x") {
			t.Fatalf("HTML carries a field's markup unescaped:\n%s", m.HTML)
		}
		if enc, n := Segments(m.SMS); enc != m.SMSEncoding || n != m.SMSSegments {
			t.Fatalf("SMS %q is %s×%d, Message says %s×%d", m.SMS, enc, n, m.SMSEncoding, m.SMSSegments)
		}
	})
}
