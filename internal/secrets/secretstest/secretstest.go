// Package secretstest gives tests the secrets.Bundle a Secrets Manager secret would load
// as, without AWS: a hand-written fake of the one call secrets.Fetch makes.
package secretstest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/secrets"
)

// Bundle returns what a secret holding settings (as a JSON object) loads as, through
// secrets.Fetch itself.
func Bundle(t testing.TB, settings map[string]string) secrets.Bundle {
	t.Helper()
	content, err := json.Marshal(settings)
	if err != nil {
		t.Fatal(err)
	}
	b, err := secrets.Fetch(context.Background(), Fake(content), "arn:aws:secretsmanager:eu-west-1:123456789012:secret:Test-AbCdEf")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Fake is a Secrets Manager that answers every GetSecretValue with its content.
type Fake []byte

// GetSecretValue implements secrets.API.
func (f Fake) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	s := string(f)
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: &s}, nil
}
