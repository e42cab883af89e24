package wiring

import (
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// invalid is one CodeInvalid error naming every bad setting of fe in its text and its
// Fields (the reasons, never the values), or nil when fe is empty.
func invalid(op string, fe order.FieldErrors) error {
	if len(fe) == 0 {
		return nil
	}
	return &order.Error{Code: order.CodeInvalid, Op: op, Fields: fe,
		Message: "invalid settings: " + strings.Join(slices.Sorted(maps.Keys(fe)), ", ")}
}

// joinInvalid merges the components' configuration errors into one, so that a cold start
// names every bad setting at once: the CodeInvalid ones become one error with all their
// fields; any other error (one with a cause, such as a policy file's) is returned first, as it is.
func joinInvalid(op string, errs ...error) error {
	var fe order.FieldErrors
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *order.Error
		if !errors.As(err, &e) || e.Code != order.CodeInvalid || len(e.Fields) == 0 || e.Err != nil {
			return err
		}
		for field, reason := range e.Fields {
			fe.Add(field, reason)
		}
	}
	return invalid(op, fe)
}

// Missing is the CodeInvalid error of a required setting that is unset.
func Missing(name string) error {
	var fe order.FieldErrors
	fe.Add(name, "must be set")
	return invalid("wiring.Missing", fe)
}

// JoinInvalid is joinInvalid for the component packages (wiring/senders, wiring/sellerapi).
func JoinInvalid(op string, errs ...error) error { return joinInvalid(op, errs...) }
