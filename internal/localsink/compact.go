package localsink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Compact rewrites the file without the entries sent before before (the message retention:
// the file is the only place orderwire keeps rendered messages), and returns how many it
// dropped. The lines it keeps are kept byte for byte, in order; a line whose sent_at does
// not parse is kept. The rewrite is atomic: a temporary file (mode 0600) in the same
// directory, fsynced, renamed over the file, then the directory fsynced; a crash leaves
// either the old file or the new one. It holds the sink's lock, so sends wait for it and
// then append to the new file; ids continue where they were (Open reads the last id).
func (s *Sink) Compact(before time.Time) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return 0, fmt.Errorf("localsink: compact: %w", os.ErrClosed)
	}
	data := make([]byte, s.size)
	if _, err := s.f.ReadAt(data, 0); err != nil && err != io.EOF {
		return 0, fmt.Errorf("localsink: compact: read: %w", err)
	}
	kept := make([]byte, 0, len(data))
	dropped := 0
	for rest := data; len(rest) > 0; {
		line, after, _ := bytes.Cut(rest, []byte{'\n'})
		rest = after
		var e struct {
			SentAt time.Time `json:"sent_at"`
		}
		if json.Unmarshal(line, &e) == nil && !e.SentAt.IsZero() && e.SentAt.Before(before) {
			dropped++
			continue
		}
		kept = append(append(kept, line...), '\n')
	}
	if dropped == 0 {
		return 0, nil
	}
	if err := s.replace(kept); err != nil {
		return 0, fmt.Errorf("localsink: compact %s: %w", s.path, err)
	}
	return dropped, nil
}

// replace puts data in place of the file atomically and reopens it for appending. The
// caller holds s.mu.
func (s *Sink) replace(data []byte) error {
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".compact-*")
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			// a step failed, and its error is returned: the temporary file goes, as far as
			// it can (a leftover is only wasted space: the sink reads only its own path)
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return err
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()  // the rename's durability; not every file system supports it
		_ = d.Close() // opened read-only, for the Sync
	}
	f, err := os.OpenFile(s.path, os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		_ = s.f.Close() // the old inode: every write to it has returned
		s.f = nil       // sends fail until the process restarts: better than writing to the old inode
		return err
	}
	_ = s.f.Close() // the old inode, replaced: every write to it has returned
	s.f, s.size = f, int64(len(data))
	return nil
}

// idNumber is n of an entry line whose id is "local-<n>", 0 for anything else.
func idNumber(line []byte) int {
	var e struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(line, &e) != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimPrefix(e.ID, "local-"))
	if err != nil || !strings.HasPrefix(e.ID, "local-") {
		return 0
	}
	return n
}
