package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/orderwire/orderwire/internal/loadgen"
)

// loadtestServer is the `orderwire serve` a load test started: on 127.0.0.1, a fresh
// embedded store in a temporary directory, every provider configured with generated keys,
// --dev (its notifier drains the outbox into the local sink), no reminder sweep.
type loadtestServer struct {
	base, token, dir, how string
	keys                  *loadgen.Keys
	stop                  func()
	// pid is the server's process (this one when in process), for its CPU time.
	pid int
}

var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

// startLoadtestServer starts the server as a child process (this executable), or inside
// this process when inProcess; its log goes to serve.log in its directory. stop ends it and
// removes the directory.
func startLoadtestServer(ctx context.Context, inProcess bool) (*loadtestServer, error) {
	keys, err := loadgen.NewKeys()
	if err != nil {
		return nil, err
	}
	env, err := keys.Env()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "orderwire-loadtest-")
	if err != nil {
		return nil, err
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	s := &loadtestServer{token: hex.EncodeToString(token), dir: dir, keys: keys}
	env = append(env, "ORDERWIRE_API_TOKEN="+s.token, "HOME="+dir, "PATH="+os.Getenv("PATH"))
	args := []string{"serve", "--dev", "--addr", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"), "--sweep-every", "0"}
	logFile, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		_ = os.RemoveAll(dir) // a temporary folder of ours; nothing more to do
		return nil, err
	}
	out, printed := io.Pipe()
	var stop func()
	if inProcess {
		s.how = "inside this process"
		stop, s.pid = s.startInProcess(ctx, args, env, printed, logFile), os.Getpid()
	} else {
		s.how = "child process"
		if stop, s.pid, err = startChild(args, env, printed, logFile); err != nil {
			_ = os.RemoveAll(dir) // a temporary folder of ours; nothing more to do
			return nil, err
		}
	}
	s.stop = func() { stop(); _ = logFile.Close(); _ = os.RemoveAll(dir) } // the log and folder are ours and temporary
	if s.base, err = waitListening(out); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *loadtestServer) startInProcess(ctx context.Context, args, env []string, stdout, stderr io.WriteCloser) func() {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := runServe(ctx, args[1:], func(k string) string { return vars[k] }, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "serve: %v\n", err)
		}
		_ = stdout.Close() // a pipe writer: closing it cannot fail
	}()
	return func() { cancel(); <-done }
}

func startChild(args, env []string, stdout io.WriteCloser, stderr io.Writer) (func(), int, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, 0, err
	}
	cmd := exec.Command(self, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, stdout, stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); _ = stdout.Close(); close(done) }() // a pipe writer: closing it cannot fail
	return func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}, cmd.Process.Pid, nil
}

// processCPU is the user + system CPU time process pid has used so far (Linux: /proc/<pid>/stat,
// in clock ticks of 10 ms), or 0 when it cannot be read.
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count fields after its closing parenthesis.
	_, rest, ok := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// waitListening reads the server's output until it says where it listens (then keeps
// draining it), or fails when the output ends first or after 30 seconds.
func waitListening(out io.Reader) (string, error) {
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		sent := false
		for lines.Scan() {
			if m := listeningLine.FindStringSubmatch(lines.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case base, ok := <-found:
		if !ok {
			return "", fmt.Errorf("loadtest: the server ended before listening (see its serve.log)")
		}
		return base, nil
	case <-time.After(30 * time.Second):
		return "", fmt.Errorf("loadtest: the server did not listen within 30 s")
	}
}
