package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
)

const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orderwire-api-tokens-AbCdEf"

// fakeSecrets is a hand-written Secrets Manager: it answers every GetSecretValue with the
// configured string (nil: a binary secret) or error, and records the calls.
type fakeSecrets struct {
	secret *string
	err    error
	calls  []string
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls = append(f.calls, *in.SecretId)
	if f.err != nil {
		return nil, f.err
	}
	if f.secret == nil {
		return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretBinary: []byte{1, 2}}, nil
	}
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: f.secret}, nil
}

func secretString(s string) *string { return &s }

// TestFetchList: one GetSecretValue call for the named secret; the comma-separated token
// list comes back trimmed, empty items dropped, in order.
func TestFetchList(t *testing.T) {
	api := &fakeSecrets{secret: secretString(`{"ORDERWIRE_API_TOKENS":" tok-new-1 , tok-old-2,, ","OTHER":"x"}`)}
	b, err := secrets.Fetch(context.Background(), api, arn)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(api.calls, []string{arn}) {
		t.Fatalf("calls %q", api.calls)
	}
	got, err := b.List("ORDERWIRE_API_TOKENS")
	if err != nil || !slices.Equal(got, []string{"tok-new-1", "tok-old-2"}) {
		t.Fatalf("List = %q, %v", got, err)
	}
	if keys := b.Keys(); !slices.Equal(keys, []string{"ORDERWIRE_API_TOKENS", "OTHER"}) {
		t.Errorf("Keys = %q", keys)
	}
	if _, err := b.List("ORDERWIRE_API_TOKENS"); err != nil || len(api.calls) != 1 {
		t.Errorf("a second List called Secrets Manager again (%d calls)", len(api.calls))
	}
}

// TestValue: a value comes back exactly as stored (line breaks and spaces kept, as a PEM
// needs); a missing key is "", as an unset environment variable is.
func TestValue(t *testing.T) {
	pem := "-----BEGIN PUBLIC KEY-----\nMIIBIjAN\n-----END PUBLIC KEY-----\n"
	content, _ := json.Marshal(map[string]string{"ORDERWIRE_ANTOM_PUBLIC_KEY": pem, "ORDERWIRE_STRIPE_WEBHOOK_SECRETS": " whsec_a,whsec_b "})
	b, err := secrets.Fetch(context.Background(), &fakeSecrets{secret: secretString(string(content))}, arn)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Value("ORDERWIRE_ANTOM_PUBLIC_KEY"); got != pem {
		t.Errorf("Value(PEM) = %q", got)
	}
	if got := b.Value("ORDERWIRE_STRIPE_WEBHOOK_SECRETS"); got != " whsec_a,whsec_b " {
		t.Errorf("Value(list) = %q", got)
	}
	if got := b.Value("ORDERWIRE_PAYPAL_WEBHOOK_ID"); got != "" {
		t.Errorf("Value(missing) = %q", got)
	}
	if got := (secrets.Bundle{}).Value("ANY"); got != "" {
		t.Errorf("zero Bundle Value = %q", got)
	}
}

// TestListMissingOrEmpty: a missing key, or a list of nothing but commas and spaces, is an
// invalid setting that names the key and the secret.
func TestListMissingOrEmpty(t *testing.T) {
	b, err := secrets.Fetch(context.Background(), &fakeSecrets{secret: secretString(`{"ORDERWIRE_API_TOKENS":" , ,"}`)}, arn)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"ORDERWIRE_API_TOKENS", "NOT_THERE"} {
		_, err := b.List(key)
		if order.ErrorCode(err) != order.CodeInvalid || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), arn) {
			t.Errorf("List(%s) error %v", key, err)
		}
	}
}

// TestFetchBadShapes: content that is not a JSON object of strings, or binary, is invalid,
// and the error text never quotes the secret's content.
func TestFetchBadShapes(t *testing.T) {
	for _, content := range []*string{
		secretString(`s3cr3t-plain-text`),
		secretString(`{"ORDERWIRE_API_TOKENS":["s3cr3t-in-array"]}`),
		secretString(`{"ORDERWIRE_API_TOKENS":"s3cr3t-unterminated`),
		secretString(`null`),
		nil,
	} {
		_, err := secrets.Fetch(context.Background(), &fakeSecrets{secret: content}, arn)
		if order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("content %v: error %v, want invalid", content, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("the error quotes the secret: %v", err)
		}
	}
}

// TestFetchAPIError: a failed call is an internal error that wraps the SDK's error, so the
// operator's log says why (missing permission, unknown secret).
func TestFetchAPIError(t *testing.T) {
	notFound := &types.ResourceNotFoundException{Message: secretString("Secrets Manager can't find the specified secret.")}
	_, err := secrets.Fetch(context.Background(), &fakeSecrets{err: notFound}, arn)
	var target *types.ResourceNotFoundException
	if order.ErrorCode(err) != order.CodeInternal || !errors.As(err, &target) || !strings.Contains(err.Error(), "secrets.Fetch") {
		t.Fatalf("error %v", err)
	}
}

// TestBundleIsRedacted: printing or logging a Bundle shows none of its values.
func TestBundleIsRedacted(t *testing.T) {
	b, err := secrets.Fetch(context.Background(), &fakeSecrets{secret: secretString(`{"ORDERWIRE_API_TOKENS":"s3cr3t-token"}`)}, arn)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("loaded", "secret", b)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("loaded", "secret", b)
	out := fmt.Sprint(b) + fmt.Sprintf("%v %+v %#v %s", b, b, b, b) + logs.String()
	if strings.Contains(out, "s3cr3t") {
		t.Fatalf("a secret value leaked: %s", out)
	}
}
