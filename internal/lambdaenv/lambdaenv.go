// Package lambdaenv is the cold-start configuration of the seller-api Lambda function: its
// settings from the environment, the AWS configuration, and its secret settings from
// Secrets Manager. Everything here is loaded once per execution environment, before the
// first invocation, and reused by every invocation after it.
package lambdaenv

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
)

// The environment variables the function reads (template.yaml sets them), and the key of
// the API tokens inside the secret.
const (
	EnvTable      = "ORDERWIRE_TABLE"       // the DynamoDB table's name
	EnvSecretsARN = "ORDERWIRE_SECRETS_ARN" // the ARN of the secret holding the settings below
	APITokensKey  = "ORDERWIRE_API_TOKENS"  // comma-separated bearer tokens, so one can be rotated
)

// Config is the seller-api function's settings from the environment.
type Config struct {
	Table      string
	SecretsARN string
}

// FromEnv reads the settings with getenv (os.Getenv in production), trimming spaces.
func FromEnv(getenv func(string) string) Config {
	return Config{
		Table:      strings.TrimSpace(getenv(EnvTable)),
		SecretsARN: strings.TrimSpace(getenv(EnvSecretsARN)),
	}
}

// Validate reports every missing setting at once, as one CodeInvalid error whose Fields
// name each missing variable and whose text lists them all.
func (c Config) Validate() error {
	var missing []string
	var fields order.FieldErrors
	for _, s := range []struct{ name, value string }{{EnvTable, c.Table}, {EnvSecretsARN, c.SecretsARN}} {
		if s.value == "" {
			missing = append(missing, s.name)
			fields.Add(s.name, "must be set")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &order.Error{Code: order.CodeInvalid, Op: "lambdaenv.Validate", Fields: fields,
		Message: "missing settings: " + strings.Join(missing, ", ")}
}

// Env is what the function needs at cold start. APITokens are secret: never log them.
type Env struct {
	Config    Config
	AWS       aws.Config
	APITokens []string
}

// Load reads and validates the settings, loads the AWS configuration from the Lambda
// environment (region and credentials), and fetches the API tokens from the secret.
func Load(ctx context.Context, getenv func(string) string) (Env, error) {
	return load(ctx, getenv, func(cfg aws.Config) secrets.API { return secretsmanager.NewFromConfig(cfg) })
}

// load is Load with the Secrets Manager client swappable for tests.
func load(ctx context.Context, getenv func(string) string, newSecrets func(aws.Config) secrets.API) (Env, error) {
	const op = "lambdaenv.Load"
	env := Env{Config: FromEnv(getenv)}
	if err := env.Config.Validate(); err != nil {
		return Env{}, err
	}
	var err error
	if env.AWS, err = config.LoadDefaultConfig(ctx); err != nil {
		return Env{}, order.Internal(op, err)
	}
	bundle, err := secrets.Fetch(ctx, newSecrets(env.AWS), env.Config.SecretsARN)
	if err != nil {
		return Env{}, err
	}
	if env.APITokens, err = bundle.List(APITokensKey); err != nil {
		return Env{}, err
	}
	return env, nil
}
