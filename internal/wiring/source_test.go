package wiring

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/orderwire/orderwire/internal/order"
)

// barrierSecrets answers GetSecretValue only once want calls are in flight together (or
// fails after a second): a fetch that reads its secrets one after the other never gets an
// answer to its first call.
type barrierSecrets struct {
	want    int32
	arrived atomic.Int32
	all     chan struct{}
	content map[string]string // by ARN
}

func (b *barrierSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	if b.arrived.Add(1) == b.want {
		close(b.all)
	}
	select {
	case <-b.all:
	case <-time.After(time.Second):
		return nil, errors.New("the other secret was not asked for meanwhile")
	}
	s := b.content[*in.SecretId]
	return &secretsmanager.GetSecretValueOutput{ARN: in.SecretId, SecretString: &s}, nil
}

// TestFetchSecretsInParallel: the seller API's two secrets are read at the same time, once
// each; their keys are then served from the secret that holds them on AWS (not from the
// environment), and the other settings from the environment.
func TestFetchSecretsInParallel(t *testing.T) {
	api := &barrierSecrets{want: 2, all: make(chan struct{}), content: map[string]string{
		"arn:tokens": `{"ORDERWIRE_API_TOKENS":"tok-new, tok-old"}`, "arn:keys": `{"ORDERWIRE_UNSUBSCRIBE_KEYS":"k1,k2"}`}}
	env := map[string]string{EnvSecretsARN: "arn:tokens", EnvUnsubscribeSecretARN: " arn:keys ", EnvTable: "orderwire",
		EnvAPITokens: "from-the-environment"}
	src, err := FetchSecrets(context.Background(), func(k string) string { return env[k] }, api, EnvSecretsARN, EnvUnsubscribeSecretARN)
	if err != nil {
		t.Fatal(err)
	}
	if api.arrived.Load() != 2 {
		t.Fatalf("%d GetSecretValue calls, want 2", api.arrived.Load())
	}
	cfg, err := APIConfigFrom(src)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cfg.Tokens, []string{"tok-new", "tok-old"}) || !slices.Equal(cfg.UnsubscribeKeys, []string{"k1", "k2"}) ||
		src.Get(EnvTable) != "orderwire" {
		t.Fatalf("tokens %q, keys %q, table %q", cfg.Tokens, cfg.UnsubscribeKeys, src.Get(EnvTable))
	}
}

// TestFetchSecretsNeedsTheirVariables: unset variables are named all at once, before any
// call.
func TestFetchSecretsNeedsTheirVariables(t *testing.T) {
	api := &barrierSecrets{want: 99, all: make(chan struct{})}
	_, err := FetchSecrets(context.Background(), func(string) string { return "" }, api, EnvSecretsARN, EnvUnsubscribeSecretARN)
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid || api.arrived.Load() != 0 {
		t.Fatalf("error %v after %d calls", err, api.arrived.Load())
	}
	if got := slices.Sorted(maps.Keys(e.Fields)); !slices.Equal(got, []string{EnvSecretsARN, EnvUnsubscribeSecretARN}) {
		t.Errorf("fields %v", got)
	}
}

// TestEnvSourceReadsSecretsFromTheEnvironment: locally the same Config reads the secret
// settings from the environment.
func TestEnvSourceReadsSecretsFromTheEnvironment(t *testing.T) {
	cfg, err := APIConfigFrom(EnvSource(func(k string) string {
		return map[string]string{EnvAPITokens: "a,b", EnvUnsubscribeKeys: "k"}[k]
	}))
	if err != nil || !slices.Equal(cfg.Tokens, []string{"a", "b"}) || !slices.Equal(cfg.UnsubscribeKeys, []string{"k"}) {
		t.Fatalf("%+v, %v", cfg, err)
	}
}

// TestNoRetries: the senders' configuration makes one attempt; the one passed in (kept by
// DynamoDB, whose writes are conditional) keeps its retries.
func TestNoRetries(t *testing.T) {
	cfg := aws.Config{Region: "eu-west-1"}
	got := NoRetries(cfg)
	if got.Retryer == nil || got.Retryer().MaxAttempts() != 1 || cfg.Retryer != nil {
		t.Fatal("NoRetries leaves SDK retries on, or changed its argument")
	}
}
