// Package secrets reads orderwire's secret settings from AWS Secrets Manager: one secret
// per Lambda function, so that no function can read another's credentials, each a JSON
// object of string values ({"ORDERWIRE_API_TOKENS": "t1,t2"} for the seller API, the
// payment providers' webhook settings for the payment webhook).
//
// A Lambda function calls Fetch once, at cold start, and keeps the result for every
// invocation of that execution environment: no per-request call, no per-request cost. A
// rotated value is therefore seen by new execution environments only; rotate by adding the
// new value next to the old one, letting the environments recycle (or forcing it by updating
// the function's configuration), then removing the old value.
//
// Secret values never appear in errors, in fmt output or in slog output of a Bundle.
package secrets

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/commalist"
	"github.com/orderwire/orderwire/internal/order"
)

// API is the part of the Secrets Manager client Fetch calls (*secretsmanager.Client
// satisfies it).
type API interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Bundle is the content of one secret: its JSON object's keys and string values. It prints
// and logs as "[redacted]".
type Bundle struct {
	id     string
	values map[string]string
}

// Fetch reads the current version of secret id (a name or an ARN) with one GetSecretValue
// call. The secret must be a JSON object whose values are strings. Errors name the secret
// and the failing operation, never its content: a failed call is CodeInternal (the SDK's
// error wrapped), a secret of the wrong shape is CodeInvalid.
func Fetch(ctx context.Context, api API, id string) (Bundle, error) {
	const op = "secrets.Fetch"
	out, err := api.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: &id})
	if err != nil {
		return Bundle{}, order.Internal(op, err)
	}
	if out.SecretString == nil {
		return Bundle{}, order.Errorf(order.CodeInvalid, op, "secret %s holds binary data, not a JSON object", id)
	}
	var values map[string]string
	// The decoder's error is dropped on purpose: its text can quote the secret's content.
	if json.Unmarshal([]byte(*out.SecretString), &values) != nil || values == nil {
		return Bundle{}, order.Errorf(order.CodeInvalid, op, "secret %s is not a JSON object of string values", id)
	}
	return Bundle{id: id, values: values}, nil
}

// List returns the comma-separated list stored under key, each item trimmed of spaces,
// empty items dropped. A missing key or an empty list is CodeInvalid.
func (b Bundle) List(key string) ([]string, error) {
	items := commalist.Split(b.values[key])
	if len(items) == 0 {
		return nil, order.Errorf(order.CodeInvalid, "secrets.List",
			"secret %s has no non-empty %s (a comma-separated list)", b.id, key)
	}
	return items, nil
}

// Value returns the value stored under key exactly as stored (not trimmed: a PEM keeps its
// line breaks), or "" when the secret has no such key. Its shape fits lookups by setting
// name such as payment.ConfigFrom's. The value is secret: never log it or put it in an
// error.
func (b Bundle) Value(key string) string { return b.values[key] }

// Keys returns the sorted names of the values the secret holds (never the values).
func (b Bundle) Keys() []string { return slices.Sorted(maps.Keys(b.values)) }

// String keeps the values out of fmt output.
func (b Bundle) String() string { return "[redacted]" }

// GoString keeps the values out of %#v output.
func (b Bundle) GoString() string { return "secrets.Bundle[redacted]" }

// LogValue keeps the values out of slog output.
func (b Bundle) LogValue() slog.Value { return slog.StringValue("[redacted]") }
