package notifier

import (
	"strings"
	"unicode"
)

// carrierNames are the display names of carrier slugs whose spelling no rule guesses (mixed
// case, initials that are not short). The slugs are the sellers' (AfterShip-style, lower
// case); a name is a brand, the same in every language.
var carrierNames = map[string]string{
	"fedex":         "FedEx",
	"usps":          "USPS",
	"yunexpress":    "YunExpress",
	"sf-express":    "SF Express",
	"postnl":        "PostNL",
	"dhl-ecommerce": "DHL eCommerce",
	"china-ems":     "China EMS",
	"4px":           "4PX",
	"jtexpress":     "J&T Express",
	"ctt":           "CTT",
	"inpost":        "InPost",
	"cjlogistics":   "CJ Logistics",
	"pochta":        "Russian Post",
	"russian-post":  "Russian Post",
	"kr-post":       "Korea Post",
	"korea-post":    "Korea Post",
}

// CarrierName is how a carrier slug is shown to a buyer: the known brand spelling; else a
// slug of at most three letters in capitals (ups → UPS, dhl, gls, dpd, tnt); else each
// hyphen-separated word capitalised (china-post → China Post, la-poste → La Poste).
func CarrierName(slug string) string {
	slug = strings.TrimSpace(slug)
	if name, ok := carrierNames[strings.ToLower(slug)]; ok {
		return name
	}
	if len(slug) <= 3 {
		return strings.ToUpper(slug)
	}
	words := strings.FieldsFunc(slug, func(r rune) bool { return r == '-' || r == '_' })
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		words[i] = string(r)
	}
	return strings.Join(words, " ")
}
