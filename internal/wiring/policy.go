package wiring

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// PolicyFrom returns the dunning policy: reminder.DefaultPolicy when EnvPolicyFile is
// unset, else that file (YAML or JSON, validated by reminder.LoadPolicy). On Lambda a
// relative path is read from the function's code folder (LAMBDA_TASK_ROOT), so that a file
// deployed next to bootstrap is found whatever the working directory; locally from the
// working directory. The reminder sweep and the seller API (which schedules a new order's
// first step and shows a buyer's cadence) both read it here, so they apply one policy. A
// file that is missing, unreadable or invalid is CodeInvalid naming the variable and the
// file, carrying the policy's bad fields.
func PolicyFrom(src Source) (reminder.Policy, error) {
	path := src.trimmed(EnvPolicyFile)
	if path == "" {
		return reminder.DefaultPolicy(), nil
	}
	if root := strings.TrimSpace(src.env("LAMBDA_TASK_ROOT")); root != "" && !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	p, err := reminder.LoadPolicy(path)
	if err == nil {
		return p, nil
	}
	var fields order.FieldErrors
	var e *order.Error
	if errors.As(err, &e) {
		fields = e.Fields
	}
	return reminder.Policy{}, &order.Error{Code: order.CodeInvalid, Op: "wiring.PolicyFrom", Fields: fields, Err: err,
		Message: fmt.Sprintf("%s=%s: the reminder policy file cannot be used", EnvPolicyFile, path)}
}
