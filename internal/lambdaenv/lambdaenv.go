// Package lambdaenv is the cold-start configuration every orderwire Lambda function shares:
// its settings from the environment (the table and the ARN of the secret the function reads),
// the AWS configuration, and the content of that secret from Secrets Manager. Everything
// here is loaded once per execution environment, before the first invocation, and reused by
// every invocation after it. A function that reads no secret (the reminder sweep) loads with
// LoadTable: it needs the table only, and gets neither a secret nor the right to read one.
//
// What a function reads from its secret is its own business: the seller API takes its
// bearer tokens (APITokensKey) with Secrets.List, the payment and tracking webhooks take
// their senders' settings by name with Secrets.Value. The seller API's secret is its own
// (template.yaml), so no webhook function can read its tokens; the two webhook functions
// read one secret of webhook settings together (template.yaml: WebhookSecrets).
package lambdaenv

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
	"github.com/orderwire/orderwire/internal/store"
)

// The environment variables every function reads (template.yaml sets them), and the key of
// the seller API's tokens inside its secret.
const (
	EnvTable      = "ORDERWIRE_TABLE"       // the DynamoDB table's name
	EnvSecretsARN = "ORDERWIRE_SECRETS_ARN" // the ARN of the secret holding the settings below
	APITokensKey  = "ORDERWIRE_API_TOKENS"  // comma-separated bearer tokens, so one can be rotated
	// EnvPolicyFile is the reminder sweep's optional dunning policy file (YAML or JSON; unset
	// means reminder.DefaultPolicy), a path relative to the function's code folder
	// (LAMBDA_TASK_ROOT): a file deployed next to bootstrap. `orderwire serve` reads the same
	// variable.
	EnvPolicyFile = "ORDERWIRE_POLICY_FILE"
)

// Config is a function's settings from the environment.
type Config struct {
	Table      string
	SecretsARN string
	// Retention is the retention policy the DynamoDB store writes expiries for
	// (ORDERWIRE_RETENTION_*_DAYS, store.RetentionFromEnv; unset: the defaults). Pass it to
	// dynamo.Store.SetRetention.
	Retention    store.Retention
	retentionErr error
}

// FromEnv reads the settings with getenv (os.Getenv in production), trimming spaces.
func FromEnv(getenv func(string) string) Config {
	r, err := store.RetentionFromEnv(getenv)
	return Config{
		Table:        strings.TrimSpace(getenv(EnvTable)),
		SecretsARN:   strings.TrimSpace(getenv(EnvSecretsARN)),
		Retention:    r,
		retentionErr: err,
	}
}

// Validate reports every missing setting at once, as one CodeInvalid error whose Fields
// name each missing variable and whose text lists them all. Both settings are required.
func (c Config) Validate() error {
	return c.require(EnvTable, EnvSecretsARN)
}

// ValidateTable is Validate for a function that reads no secret: only the table is
// required.
func (c Config) ValidateTable() error {
	return c.require(EnvTable)
}

// require reports the named settings that are empty, or else a retention setting that
// is not valid (CodeInvalid naming it).
func (c Config) require(names ...string) error {
	if err := c.requireSet(names...); err != nil {
		return err
	}
	return c.retentionErr
}

func (c Config) requireSet(names ...string) error {
	values := map[string]string{EnvTable: c.Table, EnvSecretsARN: c.SecretsARN}
	var missing []string
	var fields order.FieldErrors
	for _, name := range names {
		if values[name] == "" {
			missing = append(missing, name)
			fields.Add(name, "must be set")
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &order.Error{Code: order.CodeInvalid, Op: "lambdaenv.Validate", Fields: fields,
		Message: "missing settings: " + strings.Join(missing, ", ")}
}

// Env is what a function needs at cold start. Secrets holds the content of the function's
// secret; it prints and logs as "[redacted]", but the values it hands out must never be
// logged.
type Env struct {
	Config  Config
	AWS     aws.Config
	Secrets secrets.Bundle
}

// Load reads and validates the settings, loads the AWS configuration from the Lambda
// environment (region and credentials), and fetches the function's secret with one
// GetSecretValue call. It does not look inside the secret: a secret that is a JSON object of
// strings loads, whatever its keys (even none). Errors are *order.Error values: CodeInvalid
// for missing settings (before any AWS call) or a secret of the wrong shape, CodeInternal for
// a failed AWS call; none quotes the secret's content.
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
	if env.Secrets, err = secrets.Fetch(ctx, newSecrets(env.AWS), env.Config.SecretsARN); err != nil {
		return Env{}, err
	}
	return env, nil
}

// LoadTable is Load for a function that reads no secret (the reminder sweep): it reads and
// validates ORDERWIRE_TABLE (CodeInvalid naming it when missing, before any AWS call) and
// the retention settings, and loads the AWS configuration. It never calls Secrets Manager, whatever the
// environment says: Env.Config.SecretsARN and Env.Secrets are left empty.
func LoadTable(ctx context.Context, getenv func(string) string) (Env, error) {
	const op = "lambdaenv.LoadTable"
	all := FromEnv(getenv)
	env := Env{Config: Config{Table: all.Table, Retention: all.Retention, retentionErr: all.retentionErr}}
	if err := env.Config.ValidateTable(); err != nil {
		return Env{}, err
	}
	var err error
	if env.AWS, err = config.LoadDefaultConfig(ctx); err != nil {
		return Env{}, order.Internal(op, err)
	}
	return env, nil
}

// LoadWithAPITokens is Load for the seller API: it also returns the bearer tokens listed
// under APITokensKey in the function's secret (trimmed, in order), and fails with
// CodeInvalid, naming the key and not the content, when there are none: a seller API that
// accepts no token is a deployment mistake, not a running service.
func LoadWithAPITokens(ctx context.Context, getenv func(string) string) (Env, []string, error) {
	return withAPITokens(Load(ctx, getenv))
}

// withAPITokens takes the tokens out of a loaded Env (or passes on the load's error).
func withAPITokens(env Env, err error) (Env, []string, error) {
	if err != nil {
		return Env{}, nil, err
	}
	tokens, err := env.Secrets.List(APITokensKey)
	if err != nil {
		return Env{}, nil, err
	}
	return env, tokens, nil
}
