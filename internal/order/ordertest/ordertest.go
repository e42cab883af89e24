// Package ordertest holds test helpers about the domain's errors, shared by the packages
// whose tests check them.
package ordertest

import (
	"errors"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// WantCode fails t unless err is an *order.Error with the given code and a message; an
// empty code wants no error at all.
func WantCode(t testing.TB, err error, code order.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	var e *order.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *order.Error with code %s", err, code)
	}
	if e.Code != code || e.Message == "" {
		t.Fatalf("code = %s, message %q; want %s and a message (%v)", e.Code, e.Message, code, err)
	}
}
