package coldstart

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// secretsLatency is how long the fake Secrets Manager takes to answer GetSecretValue: about
// one round trip to Secrets Manager from a Lambda function in the same region.
const secretsLatency = 20 * time.Millisecond

// startTimeout bounds one start: a function that has not asked for its first invocation by
// then failed its cold start (its stderr says why).
const startTimeout = 10 * time.Second

// The fake secrets, by ARN: what each function's secret holds in template.yaml's layout
// (test values only).
const (
	arnWebhooks    = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orderwire-webhooks-AbCdEf"
	arnSellerAPI   = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orderwire-seller-api-AbCdEf"
	arnUnsubscribe = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orderwire-unsubscribe-AbCdEf"
)

var fakeSecrets = map[string]map[string]string{
	arnWebhooks: {
		"ORDERWIRE_STRIPE_WEBHOOK_SECRETS":    "whsec_" + strings.Repeat("k", 32),
		"ORDERWIRE_AFTERSHIP_WEBHOOK_SECRETS": strings.Repeat("a", 32),
	},
	arnSellerAPI:   {"ORDERWIRE_API_TOKENS": strings.Repeat("t", 40)},
	arnUnsubscribe: {"ORDERWIRE_UNSUBSCRIBE_KEYS": strings.Repeat("u", 48)},
}

// functionEnv is the environment each function needs to reach its first invocation
// request, beyond the AWS and runtime variables every start gets (see start).
var functionEnv = map[string][]string{
	"empty":            nil,
	"reminders":        {"ORDERWIRE_TABLE=orderwire"},
	"delivery-events":  {"ORDERWIRE_TABLE=orderwire"},
	"payment-webhook":  {"ORDERWIRE_TABLE=orderwire", "ORDERWIRE_SECRETS_ARN=" + arnWebhooks},
	"tracking-webhook": {"ORDERWIRE_TABLE=orderwire", "ORDERWIRE_SECRETS_ARN=" + arnWebhooks},
	"seller-api": {"ORDERWIRE_TABLE=orderwire", "ORDERWIRE_SECRETS_ARN=" + arnSellerAPI,
		"ORDERWIRE_UNSUBSCRIBE_SECRET_ARN=" + arnUnsubscribe},
	"notifier": {"ORDERWIRE_TABLE=orderwire", "ORDERWIRE_UNSUBSCRIBE_SECRET_ARN=" + arnUnsubscribe,
		"ORDERWIRE_EMAIL_FROM=Shop <orders@shop.example>", "ORDERWIRE_SELLER_NAME=Shop",
		"ORDERWIRE_SELLER_ADDRESS=1 Main St, Springfield", "ORDERWIRE_PUBLIC_URL=https://api.shop.example"},
}

// functionNames lists functions/* (every function `make build` builds), sorted.
func functionNames(tb testing.TB) []string {
	entries, err := os.ReadDir(filepath.Join(repoRoot, "functions"))
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

const repoRoot = "../.."

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// bootstraps builds every function and the empty one once per test binary, into a
// temporary folder removed by TestMain, and returns that folder: <dir>/<name>/bootstrap.
func bootstraps(tb testing.TB) string {
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "orderwire-coldstart-")
		if buildErr != nil {
			return
		}
		pkgs := map[string]string{"empty": "./internal/coldstart/testdata/empty"}
		for _, name := range functionNames(tb) {
			pkgs[name] = "./functions/" + name
		}
		for name, pkg := range pkgs {
			if buildErr = build(pkg, filepath.Join(buildDir, name, "bootstrap")); buildErr != nil {
				return
			}
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return buildDir
}

// build compiles pkg like the Makefile's build target, for this machine's GOARCH.
func build(pkg, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath",
		"-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// fakes are the fake Lambda Runtime API and Secrets Manager one benchmark starts against.
type fakes struct {
	runtime, secrets *httptest.Server
	next             chan time.Time // the arrival of each GET .../invocation/next
	done             chan struct{}  // closed on close: releases held requests
}

// newFakes starts both fakes on loopback. The Runtime API records when each next-invocation
// request arrives and holds it (no invocation is ever given) until the caller's connection
// goes (the process is killed) or the fakes close.
func newFakes() *fakes {
	f := &fakes{next: make(chan time.Time, 16), done: make(chan struct{})}
	f.runtime = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/2018-06-01/runtime/invocation/next" {
			http.NotFound(w, r) // an init error report, say: the start fails by timeout
			return
		}
		select {
		case f.next <- time.Now():
		default:
		}
		select {
		case <-r.Context().Done():
		case <-f.done:
		}
	}))
	f.secrets = httptest.NewServer(http.HandlerFunc(serveGetSecretValue))
	return f
}

func (f *fakes) close() {
	close(f.done)
	f.runtime.Close()
	f.secrets.Close()
}

// serveGetSecretValue answers Secrets Manager's GetSecretValue (AWS JSON 1.1: POST /,
// X-Amz-Target secretsmanager.GetSecretValue, {"SecretId": ...}) after secretsLatency, with
// the fake secret of that ARN as SecretString; an unknown ARN is ResourceNotFoundException.
func serveGetSecretValue(w http.ResponseWriter, r *http.Request) {
	var in struct {
		SecretID string `json:"SecretId"`
	}
	if r.Header.Get("X-Amz-Target") != "secretsmanager.GetSecretValue" || json.NewDecoder(r.Body).Decode(&in) != nil {
		http.Error(w, `{"__type":"InvalidRequestException"}`, http.StatusBadRequest)
		return
	}
	select {
	case <-time.After(secretsLatency):
	case <-r.Context().Done():
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	secret, ok := fakeSecrets[in.SecretID]
	if !ok {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","message":"no such secret"}`))
		return
	}
	s, _ := json.Marshal(secret)
	_ = json.NewEncoder(w).Encode(map[string]any{"ARN": in.SecretID, "Name": in.SecretID,
		"VersionId": "00000000-0000-0000-0000-000000000001", "SecretString": string(s),
		"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": 1.7e9})
}

// start execs bootstrap with a clean environment (nothing from this process's, so no
// shared AWS config, proxy or metadata service is used) plus extra, and returns the time
// from exec to its first next-invocation request and its stderr; then it kills the process
// and waits for it. A process that exits first, or does not ask within startTimeout, is an
// error quoting its stderr.
func (f *fakes) start(bootstrap string, extra []string) (time.Duration, string, error) {
	home := filepath.Dir(bootstrap)
	env := []string{
		"AWS_LAMBDA_RUNTIME_API=" + strings.TrimPrefix(f.runtime.URL, "http://"),
		"AWS_ENDPOINT_URL_SECRETS_MANAGER=" + f.secrets.URL,
		"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_SESSION_TOKEN=coldstart", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "no-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "no-credentials"),
		"HOME=" + home, "LAMBDA_TASK_ROOT=" + home, "_HANDLER=bootstrap",
		"AWS_LAMBDA_FUNCTION_NAME=coldstart", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512",
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_LOG_STREAM_NAME=2026/12/05/[$LATEST]coldstart",
	}
	cmd := exec.Command(bootstrap)
	cmd.Env = append(env, extra...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	for len(f.next) > 0 { // a request of an earlier start: never counted for this one
		<-f.next
	}
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, "", err
	}
	var waitErr error // set before exited closes
	exited := make(chan struct{})
	go func() { waitErr = cmd.Wait(); close(exited) }()
	timeout := time.NewTimer(startTimeout)
	defer timeout.Stop()
	select {
	case t := <-f.next:
		_ = cmd.Process.Kill()
		<-exited // killed on purpose: its exit status says so and nothing else
		return t.Sub(began), stderr.String(), nil
	case <-exited:
		return 0, stderr.String(), fmt.Errorf("%s exited before its first invocation request (%v): %s", bootstrap, waitErr, stderr.String())
	case <-timeout.C:
		_ = cmd.Process.Kill()
		<-exited // killed on purpose: its exit status says so and nothing else
		return 0, stderr.String(), fmt.Errorf("%s: no invocation request within %v: %s", bootstrap, startTimeout, stderr.String())
	}
}
