package localsink

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestCompactDropsOldLinesKeepsRecentByteForByte: Compact drops exactly the entries sent
// before the cut-off; the file is then the kept lines as they were, byte for byte; sends
// during and after it land in the new file with ids that continue, also after a reopen.
func TestCompactDropsOldLinesKeepsRecentByteForByte(t *testing.T) {
	path := filepath.Join(t.TempDir(), "outbox.jsonl")
	s := open(t, path)
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 0
	s.Now = func() time.Time { return t0.AddDate(0, 0, day) }
	for day = 0; day < 6; day++ {
		if _, err := s.SendEmail(ctx, testEmail()); err != nil {
			t.Fatal(err)
		}
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(before, []byte{'\n'})
	want := bytes.Join(lines[3:], nil) // days 3, 4, 5 (and the empty tail)

	n, err := s.Compact(t0.AddDate(0, 0, 3))
	if err != nil || n != 3 {
		t.Fatalf("Compact = %d, %v; want 3 dropped", n, err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after, want) {
		t.Fatalf("after compaction the file is\n%s\nwant\n%s", after, want)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode after compaction = %v, %v", st.Mode(), err)
	}
	if n, err := s.Compact(t0.AddDate(0, 0, 3)); err != nil || n != 0 {
		t.Fatalf("second Compact = %d, %v; want nothing to drop", n, err)
	}

	// Sends racing a compaction are all kept, each once; ids go on from local-7.
	day = 10
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.SendSMS(ctx, testSMS()); err != nil {
				t.Error(err)
			}
		}()
	}
	if _, err := s.Compact(t0.AddDate(0, 0, 4)); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	list, err := s.List()
	if err != nil || len(list) != 2+4 {
		t.Fatalf("entries after racing sends = %d, %v; want 6 (days 4, 5 and four sends)", len(list), err)
	}
	seen := map[string]bool{}
	for _, e := range list {
		if seen[e.ID] {
			t.Fatalf("id %s twice", e.ID)
		}
		seen[e.ID] = true
	}
	if !seen["local-5"] || !seen["local-6"] || !seen["local-7"] || !seen["local-10"] {
		t.Fatalf("ids after compaction = %v", seen)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := open(t, path)
	sent, err := r.SendEmail(ctx, testEmail())
	if err != nil || sent.MessageID != "local-11" {
		t.Fatalf("first send after reopening a compacted file = %+v, %v; want local-11", sent, err)
	}
}
