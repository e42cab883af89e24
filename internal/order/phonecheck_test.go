package order

import "github.com/orderwire/orderwire/internal/phone"

// The tests check buyers as the seller API does: with libphonenumber's check installed.
func init() { UsePhoneCheck(phone.Valid) }
