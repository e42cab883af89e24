package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/testservice"
)

const orderBody = `{"buyer":{"id":"buyer-1","name":"Ana Souza","email":"ana@example.com",
 "phone":"+5511912345678","locale":"pt-BR","timezone":"America/Sao_Paulo","country":"BR"},
 "amount_minor":12990,"currency":"BRL","payment_due_at":"2026-12-01T12:00:00Z"}`

// startServe runs `orderwire serve --dev` (local mode, as `make run` does: the /local/*
// routes, the local outbox) in-process with env, and returns its base URL, what it printed
// so far, and a stop function that cancels it (as SIGTERM would) and returns its exit code.
func startServe(t *testing.T, env map[string]string) (base string, printed *strings.Builder, stop func() int) {
	t.Helper()
	return startServeArgs(t, env)
}

// startServeArgs is startServe with extra serve flags.
func startServeArgs(t *testing.T, env map[string]string, flags ...string) (base string, printed *strings.Builder, stop func() int) {
	t.Helper()
	return startServeLogging(t, env, io.Discard, flags...)
}

// lockedBuffer is a strings.Builder safe for the server's goroutines to write while a test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServeLogging is startServeArgs with the server's log (stderr) written to logs.
func startServeLogging(t *testing.T, env map[string]string, logs io.Writer, flags ...string) (base string, printed *strings.Builder, stop func() int) {
	t.Helper()
	return startServeWith(t, env, logs, append([]string{"--dev"}, flags...)...)
}

// startServeWith runs `orderwire serve` with exactly these flags: production mode unless
// they say --dev.
func startServeWith(t *testing.T, env map[string]string, logs io.Writer, flags ...string) (base string, printed *strings.Builder, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, flags...), func(k string) string { return env[k] }, outW, logs)
		_ = outW.Close() // a pipe writer's Close always returns nil
	}()
	printed = &strings.Builder{}
	lines := bufio.NewScanner(outR)
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	for lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start (exit %d); printed:\n%s", <-done, printed)
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	var code int
	var once sync.Once
	return base, printed, func() int { once.Do(func() { cancel(); code = <-done }); return code }
}

func call(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func TestServeEmbeddedGeneratesTokenAndKeepsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir}
	base, printed, stop := startServe(t, env)

	token := regexp.MustCompile(`(?m)^\s+([A-Za-z0-9_-]{43})$`).FindStringSubmatch(printed.String())
	if token == nil {
		t.Fatalf("no generated token printed:\n%s", printed)
	}
	saved, err := os.ReadFile(filepath.Join(dir, tokenFile))
	if err != nil || strings.TrimSpace(string(saved)) != token[1] {
		t.Fatalf("token file = %q, %v; printed %q", saved, err, token[1])
	}
	if info, _ := os.Stat(filepath.Join(dir, tokenFile)); info.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, want 0600", info.Mode().Perm())
	}
	if code, _ := call(t, "GET", base+"/healthz", "", ""); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-1", token[1], orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("graceful stop exited %d", code)
	}

	// A restart reads the same token (not printed again) and the same data.
	base, printed, stop = startServe(t, env)
	defer stop()
	if strings.Contains(printed.String(), token[1]) {
		t.Fatal("the saved token was printed again on restart")
	}
	if code, body := call(t, "GET", base+"/v1/orders/AE-1", token[1], ""); code != 200 || !strings.Contains(body, `"status":"pending_payment"`) {
		t.Fatalf("GET after restart %d %s", code, body)
	}
}

func TestServeTokenFromEnvironment(t *testing.T) {
	env := map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok-a, tok-b"}
	base, printed, stop := startServe(t, env)
	defer stop()
	if strings.Contains(printed.String(), "token") {
		t.Fatalf("mentions a token although one was configured:\n%s", printed)
	}
	for _, tok := range []string{"tok-a", "tok-b"} {
		if code, _ := call(t, "GET", base+"/v1/orders/none", tok, ""); code != 404 {
			t.Fatalf("token %s: %d, want 404", tok, code)
		}
	}
	if code, _ := call(t, "GET", base+"/v1/orders/none", "tok-c", ""); code != 401 {
		t.Fatalf("unknown token: %d, want 401", code)
	}
}

func TestServeOnDynamoDB(t *testing.T) {
	endpoint := testservice.Endpoint(t, "ORDERWIRE_TEST_DYNAMODB_ENDPOINT")
	env := map[string]string{
		"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok",
		"ORDERWIRE_TABLE": "serve-test-" + time.Now().Format("150405.000000"), "ORDERWIRE_CREATE_TABLE": "1",
	}
	for k, v := range map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"} {
		t.Setenv(k, v) // the AWS SDK reads its settings from the process environment
	}
	base, printed, stop := startServe(t, env)
	defer stop()
	if !strings.Contains(printed.String(), "DynamoDB table") {
		t.Fatalf("not on DynamoDB:\n%s", printed)
	}
	if code, body := call(t, "PUT", base+"/v1/orders/AE-2", "tok", orderBody); code != 201 {
		t.Fatalf("PUT %d %s", code, body)
	}
	if code, body := call(t, "GET", base+"/v1/orders/AE-2", "tok", ""); code != 200 {
		t.Fatalf("GET %d %s", code, body)
	}
}

func TestUsageErrors(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, args := range [][]string{{}, {"bogus"}, {"serve", "--nope"}, {"serve", "extra"}} {
		if code := run(context.Background(), args, getenv, io.Discard, io.Discard); code != 2 {
			t.Errorf("run %v = %d, want 2", args, code)
		}
	}
}
