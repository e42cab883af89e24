package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stormServer is `orderwire serve` running as its own process (so that it can be killed
// with SIGKILL) on the embedded store, on a free loopback port.
type stormServer struct {
	cmd    *exec.Cmd
	base   string
	token  string
	done   chan struct{}
	client *http.Client
}

// buildOrderwire builds this command into a temporary directory and returns the binary.
func buildOrderwire(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "orderwire")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startStormServer starts bin on dataDir with env (the providers' settings) and waits until
// it listens. The reminder sweep is off; the local notifier drains the outbox every 100 ms
// into the local sink (GET /local/outbox). The server's log goes to logPath.
func startStormServer(t testing.TB, bin, dataDir, logPath string, env []string) *stormServer {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--dev", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--sweep-every", "0", "--notify-every", "100ms")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dataDir}, env...)
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := logFile.Close(); err != nil {
			t.Error(err)
		}
	})
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &stormServer{cmd: cmd, done: make(chan struct{}), client: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32, DisableCompression: true}}}
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })
	lines := bufio.NewScanner(stdout)
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	var printed strings.Builder
	for lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			s.base = m[1]
			break
		}
	}
	if s.base == "" {
		t.Fatalf("serve did not start; printed:\n%s", printed.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	for _, want := range []string{"/webhooks/payments/alipay, /webhooks/payments/antom, /webhooks/payments/paypal, /webhooks/payments/standard, /webhooks/payments/stripe",
		"/webhooks/carriers/17track, /webhooks/carriers/aftership, /webhooks/carriers/easypost, /webhooks/carriers/standard"} {
		if !strings.Contains(printed.String(), want) {
			t.Fatalf("serve did not enable every provider; printed:\n%s", printed.String())
		}
	}
	token, err := os.ReadFile(filepath.Join(dataDir, tokenFile))
	if err != nil {
		t.Fatal(err)
	}
	s.token = strings.TrimSpace(string(token))
	return s
}

// kill ends the server with SIGKILL (no shutdown, no flush) and waits for it.
func (s *stormServer) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop ends the server with SIGTERM (a graceful shutdown) and waits for it.
func (s *stormServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
}

// api calls the seller API with the bearer token and decodes a JSON answer into out.
func (s *stormServer) api(t testing.TB, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode
}

// post sends one signed delivery and returns its status (0 when no answer came) and how long
// the answer took.
func (s *stormServer) post(d signed) (int, time.Duration) {
	req, err := http.NewRequest("POST", s.base+d.Path, bytes.NewReader(d.Body))
	if err != nil {
		return 0, 0
	}
	req.Header = d.Header.Clone()
	began := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, time.Since(began)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, time.Since(began)
}

// parallel runs do(i) for i in [0, n) on workers goroutines.
func parallel(n, workers int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		}()
	}
	wg.Wait()
}

// stormResult is what the storm's sends got.
type stormResult struct {
	status  []int // per send; 0: no answer (the server was killed)
	latency []time.Duration
	elapsed time.Duration
}

// runStorm sends plan.sends[:n] from clients concurrent clients; after is called once when
// afterN answers have come (the crash test kills the server there), unless afterN is 0.
func runStorm(s *stormServer, plan *stormPlan, clients, afterN int, after func()) stormResult {
	n := len(plan.sends)
	r := stormResult{status: make([]int, n), latency: make([]time.Duration, n)}
	var answered atomic.Int64
	var once sync.Once
	began := time.Now()
	parallel(n, clients, func(i int) {
		r.status[i], r.latency[i] = s.post(plan.events[plan.sends[i]].req)
		if r.status[i] != 0 && afterN > 0 && int(answered.Add(1)) == afterN {
			once.Do(after)
		}
	})
	r.elapsed = time.Since(began)
	return r
}

// percentiles are the p50 and p99 of the answered sends' latencies.
func (r stormResult) percentiles() (p50, p99 time.Duration) {
	var answered []time.Duration
	for i, l := range r.latency {
		if r.status[i] != 0 {
			answered = append(answered, l)
		}
	}
	if len(answered) == 0 {
		return 0, 0
	}
	slices.Sort(answered)
	return answered[len(answered)*50/100], answered[min(len(answered)-1, len(answered)*99/100)]
}
