package templates

import (
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// BenchmarkRender is one payment reminder rendered (subject, text, HTML, SMS with its
// segment count) in each language, from the golden files' data.
func BenchmarkRender(b *testing.B) {
	for _, locale := range Locales() {
		d := goldenData(b, locale, order.NotifyPaymentReminder)
		b.Run(locale, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Render(d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
