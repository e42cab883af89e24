package tracking

import "github.com/orderwire/orderwire/internal/order"

// unauthorized builds the caller-safe verification failure of op.
func unauthorized(op, format string, args ...any) error {
	return order.Errorf(order.CodeUnauthorized, op, format, args...)
}

// invalid builds the malformed-body failure of op.
func invalid(op, format string, args ...any) error {
	return order.Errorf(order.CodeInvalid, op, format, args...)
}
