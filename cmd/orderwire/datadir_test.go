package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serveOnce runs `orderwire serve` on dir until it returns (a refusal returns at once) and
// gives its exit code and what it wrote to stderr.
func serveOnce(t *testing.T, dir string) (int, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // should it start after all, it stops at once
	env := map[string]string{"ORDERWIRE_DATA_DIR": dir}
	code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--sweep-every", "0", "--notify-every", "0"},
		func(k string) string { return env[k] }, &stdout, &stderr)
	return code, stderr.String()
}

// TestServeRefusesOpenDataDir: a data dir that group or others may read or enter is refused
// before anything is written in it, with a message naming the path and `chmod 700 <dir>`;
// after that chmod, serve starts.
func TestServeRefusesOpenDataDir(t *testing.T) {
	for _, perm := range []os.FileMode{0o755, 0o750, 0o701, 0o777} {
		dir := filepath.Join(t.TempDir(), "my data")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, perm); err != nil { // Chmod: the umask does not apply
			t.Fatal(err)
		}
		code, stderr := serveOnce(t, dir)
		if code != 1 || !strings.Contains(stderr, dir) || !strings.Contains(stderr, "chmod 700 '"+dir+"'") {
			t.Fatalf("mode %04o: exit %d, stderr %q", perm, code, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("mode %04o: serve wrote %v before refusing", perm, entries)
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		_, printed, stop := startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": dir})
		if code := stop(); code != 0 || !strings.Contains(printed.String(), "listening on") {
			t.Fatalf("after chmod 700: exit %d, printed %s", code, printed)
		}
	}
}

// TestServeCreatesPrivateDataDir: a data dir that does not exist (a fresh clone's
// ./orderwire-data, as `make run` starts) is created owner-only, and the next start accepts it.
func TestServeCreatesPrivateDataDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orderwire-data")
	_, _, stop := startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": dir})
	if code := stop(); code != 0 {
		t.Fatalf("first start exited %d", code)
	}
	info, err := os.Stat(dir)
	if err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Fatalf("created data dir: %v %v", info.Mode().Perm(), err)
	}
	_, _, stop = startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": dir})
	if code := stop(); code != 0 {
		t.Fatalf("second start exited %d", code)
	}
}

func TestServeRefusesFileAsDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stderr := serveOnce(t, file); code != 1 || !strings.Contains(stderr, "is not a directory") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// privateDir is a fresh data dir serve accepts: t.TempDir() with mode 0700 (TempDir makes
// its directories 0777 minus the umask, which serve refuses).
func privateDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
