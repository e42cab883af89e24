package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
)

// checkDataDir refuses a data directory that others may read or enter: it holds the API
// token, the unsubscribe-link key, the embedded database with buyers' names and addresses,
// and the local outbox of messages to them. A directory that does not exist yet is fine
// (serve creates it with mode 0700); one that exists must grant nothing to group or others
// (mode 0700 or narrower), else serve stops with a message naming the path and the fix. It
// does not chmod on its own: wider permissions may be someone's deliberate choice (a backup
// group), and that person should decide. Windows has no such bits: not checked there.
func checkDataDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data dir %s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("data dir %s is not a directory", dir)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("data dir %s has permissions %04o, wider than 0700 (it holds the API token and buyers' data); "+
			"fix it with: chmod 700 %s", dir, perm, shellQuote(dir))
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '_' || r == '-') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
