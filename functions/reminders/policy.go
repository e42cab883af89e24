package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// loadPolicy returns the dunning policy the sweep applies: reminder.DefaultPolicy when
// ORDERWIRE_POLICY_FILE is unset, else that file (YAML or JSON, validated by
// reminder.LoadPolicy). A relative path is read from the function's code folder,
// LAMBDA_TASK_ROOT, so that a file deployed next to bootstrap is found whatever the working
// directory. A file that is missing, unreadable or invalid fails the cold start: the error
// is CodeInvalid, names the variable and the file, and carries the policy's bad fields.
func loadPolicy(getenv func(string) string) (reminder.Policy, error) {
	path := strings.TrimSpace(getenv(lambdaenv.EnvPolicyFile))
	if path == "" {
		return reminder.DefaultPolicy(), nil
	}
	if root := strings.TrimSpace(getenv("LAMBDA_TASK_ROOT")); root != "" && !filepath.IsAbs(path) {
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
	return reminder.Policy{}, &order.Error{Code: order.CodeInvalid, Op: "reminders.loadPolicy", Fields: fields, Err: err,
		Message: fmt.Sprintf("%s=%s: the dunning policy file cannot be used", lambdaenv.EnvPolicyFile, path)}
}
