package wiring

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/secrets"
)

// Source is where the components' settings come from: the environment, and, for the
// settings Settings marks InSecret, the secrets a function fetched at cold start. Locally
// (EnvSource) those come from the environment too, so every component reads its Config the
// same way on both. Get returns a secret's value exactly as stored (a PEM keeps its line
// breaks); a secret value must never be logged or put in an error.
type Source struct {
	env func(string) string
	// secrets are the fetched secrets by the variable naming them; nil locally.
	secrets map[string]secrets.Bundle
}

// EnvSource reads every setting, secret ones included, with getenv (os.Getenv locally).
func EnvSource(getenv func(string) string) Source { return Source{env: getenv} }

// Get returns the setting name: from the secret that holds it on AWS when this Source has
// fetched secrets, else from the environment.
func (s Source) Get(name string) string {
	if s.secrets != nil {
		if row, ok := rows()[name]; ok && row.OnAWS == InSecret {
			return s.secrets[row.Secret].Value(name)
		}
	}
	return s.env(name)
}

// trimmed is Get without surrounding spaces.
func (s Source) trimmed(name string) string { return strings.TrimSpace(s.Get(name)) }

// SecretKeys returns the key names the secret named by variable holds (never the values),
// or nil when this Source read no such secret (locally).
func (s Source) SecretKeys(variable string) []string {
	if b, ok := s.secrets[variable]; ok {
		return b.Keys()
	}
	return nil
}

var rows = sync.OnceValue(func() map[string]Setting {
	m := map[string]Setting{}
	for _, s := range Settings() {
		m[s.Name] = s
	}
	return m
})

// AWSConfig loads the AWS configuration from the standard settings (region and
// credentials from the environment, the Lambda role on AWS). DynamoDB and Secrets Manager
// clients keep the SDK's retries; senders get NoRetries.
func AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, order.Internal("wiring.AWSConfig", err)
	}
	return cfg, nil
}

// NoRetries is cfg with the SDK's retries turned off: the one way orderwire does it, for
// the SES and SNS clients. A send whose response is lost (a timeout, a reset connection)
// may have been accepted: the SDK would retry it and could send the message twice. The
// notifier retries on its own, and only failures that cannot have sent the message
// (throttling, a refused request); an uncertain one leaves the row unknown instead.
// DynamoDB keeps the SDK's retries: the store's writes are conditional, so a repeated one
// cannot apply twice.
func NoRetries(cfg aws.Config) aws.Config {
	cfg = cfg.Copy()
	cfg.Retryer = func() aws.Retryer { return aws.NopRetryer{} }
	return cfg
}

// FetchSecrets reads the secrets the variables name (EnvSecretsARN,
// EnvUnsubscribeSecretARN), each with one GetSecretValue call, all at the same time, and
// returns the Source that serves their keys. It is called once per cold start; the values
// live as long as the execution environment. A variable that is unset is CodeInvalid
// naming every such variable, before any call; a failed call or a secret of the wrong
// shape is secrets.Fetch's error (naming the secret, never its content).
func FetchSecrets(ctx context.Context, getenv func(string) string, api secrets.API, variables ...string) (Source, error) {
	var fe order.FieldErrors
	arns := make([]string, len(variables))
	for i, v := range variables {
		if arns[i] = strings.TrimSpace(getenv(v)); arns[i] == "" {
			fe.Add(v, "must be set")
		}
	}
	if err := fe.Err("wiring.FetchSecrets"); err != nil {
		return Source{}, err
	}
	bundles := make([]secrets.Bundle, len(variables))
	errs := make([]error, len(variables))
	var wg sync.WaitGroup
	for i := range variables {
		wg.Go(func() { bundles[i], errs[i] = secrets.Fetch(ctx, api, arns[i]) })
	}
	wg.Wait()
	src := Source{env: getenv, secrets: map[string]secrets.Bundle{}}
	for i, v := range variables {
		if errs[i] != nil {
			return Source{}, errs[i]
		}
		src.secrets[v] = bundles[i]
	}
	return src, nil
}

// LambdaEnv is what a function has after its cold start's AWS steps: the AWS configuration
// and, once Secrets returns, the Source of its settings (its secrets fetched).
type LambdaEnv struct {
	AWS     aws.Config
	fetched chan struct{} // closed when src and err are set
	src     Source
	err     error
}

// Secrets waits for the fetch StartLambda began and returns the Source of the function's
// settings, or the fetch's error.
func (e *LambdaEnv) Secrets() (Source, error) {
	<-e.fetched
	return e.src, e.err
}

// StartLambda loads the AWS configuration and starts fetching the secrets the variables
// name, in parallel (FetchSecrets), without waiting for them: the caller builds what needs
// no secret (the store, the senders) during the round trip, then calls Secrets. With no
// variable it calls Secrets Manager not at all. Check the settings before calling it: it
// is the cold start's first AWS step.
func StartLambda(ctx context.Context, getenv func(string) string, variables ...string) (*LambdaEnv, error) {
	awsCfg, err := AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	env := &LambdaEnv{AWS: awsCfg, fetched: make(chan struct{}), src: EnvSource(getenv)}
	if len(variables) == 0 {
		close(env.fetched)
		return env, nil
	}
	api := secretsmanager.NewFromConfig(awsCfg)
	go func() {
		defer close(env.fetched)
		env.src, env.err = FetchSecrets(ctx, getenv, api, variables...)
	}()
	return env, nil
}

// Logger is every function's logger: JSON lines on stderr.
func Logger() *slog.Logger { return slog.New(slog.NewJSONHandler(os.Stderr, nil)) }

// Exit ends a cold start that failed: it logs err (which names settings, never secret
// values) and exits with status 1, so Lambda reports an init error.
func Exit(logger *slog.Logger, err error) {
	logger.Error("cold start failed", "err", err.Error())
	os.Exit(1)
}
