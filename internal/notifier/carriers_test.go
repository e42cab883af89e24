package notifier_test

import (
	"testing"

	"github.com/orderwire/orderwire/internal/notifier"
)

func TestCarrierName(t *testing.T) {
	for slug, want := range map[string]string{
		"ups": "UPS", "dhl": "DHL", "fedex": "FedEx", "usps": "USPS", "china-post": "China Post",
		"cainiao": "Cainiao", "la-poste": "La Poste", "correios": "Correios", "4px": "4PX",
		"sf-express": "SF Express", "royal_mail": "Royal Mail", "": "", "a--b": "A B",
	} {
		if got := notifier.CarrierName(slug); got != want {
			t.Errorf("CarrierName(%q) = %q, want %q", slug, got, want)
		}
	}
}
