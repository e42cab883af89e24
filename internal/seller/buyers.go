package seller

import (
	"context"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// BuyerProfile is a buyer as the seller API shows it: contact details masked, the payment
// rating with its inputs and reason, and the reminder cadence the rating selects.
type BuyerProfile struct {
	Buyer   order.Buyer // Name, Email and Phone masked
	Rating  reminder.Rating
	Cadence reminder.Cadence
}

// BuyerProfile returns buyer id's profile.
func (s *Service) BuyerProfile(ctx context.Context, id string) (BuyerProfile, error) {
	if !order.ValidID(id) {
		var fe order.FieldErrors
		fe.Add("buyer_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
		return BuyerProfile{}, fe.Err("seller.BuyerProfile")
	}
	b, err := s.Orders.GetBuyer(ctx, id)
	if err != nil {
		return BuyerProfile{}, err
	}
	rating, cadence := s.RatingOf(b)
	b.Name, b.Email, b.Phone = maskName(b.Name), maskEmail(b.Email), maskPhone(b.Phone)
	return BuyerProfile{Buyer: b, Rating: rating, Cadence: cadence}, nil
}

// RatingOf is buyer b's payment rating and the reminder cadence it selects, for a buyer
// the caller has read already (BuyerProfile without the read).
func (s *Service) RatingOf(b order.Buyer) (reminder.Rating, reminder.Cadence) {
	rating := reminder.Rate(b.Stats)
	return rating, s.policy().Tiers[rating.Tier]
}

// maskEmail keeps the first letter of the local part and the domain: a***@example.com.
func maskEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return ""
	}
	return string([]rune(local)[:1]) + "***@" + domain
}

// maskPhone keeps the country code's first digits and the last four: +55*******5678.
func maskPhone(s string) string {
	if len(s) < 8 {
		return ""
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

// maskName keeps the first letter of each word: A*** S***.
func maskName(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = string([]rune(w)[:1]) + "***"
	}
	return strings.Join(words, " ")
}
