package payment

import (
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// paymentRefs returns ids without the blank or overlong ones and without repeats, in the
// order given and in the provider's own spelling: the Refs of an order.Event. Callers list PaymentRef first so that it is always among them.
// nil when there is none.
func paymentRefs(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if strings.TrimSpace(id) == "" || len(id) > maxRefLen {
			continue
		}
		dup := false
		for _, have := range out {
			if have == id {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, id)
		}
	}
	return out
}

// maxRefLen bounds one reference: every provider id orderwire reads is far shorter (PayPal's
// longest documented id is 255 characters), and a store key must stay small.
const maxRefLen = 255

// firstValidOrderID returns the first candidate that is a valid order id (order.ValidID),
// or "" when none is. A seller-set field that holds something else (an invoice number with
// spaces, a JSON blob) is not an order reference, so it is skipped rather than passed on.
func firstValidOrderID(candidates ...string) string {
	for _, c := range candidates {
		if order.ValidID(c) {
			return c
		}
	}
	return ""
}
