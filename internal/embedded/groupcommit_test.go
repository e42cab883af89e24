package embedded

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// queuedGroup opens a bbolt file and starts a leader whose write blocks until release is
// closed, then n writers (write(i) each) that queue behind it; it returns once all n are
// queued, with a function that releases the leader and waits for everyone's result.
func queuedGroup(t *testing.T, n int, write func(i int, tx *bolt.Tx) error) (*bolt.DB, func() []error) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "g.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("b")); return err }); err != nil {
		t.Fatal(err)
	}
	g := newGroupCommit(db)
	inside, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	leaderErr := make(chan error, 1)
	go func() {
		leaderErr <- g.do(func(tx *bolt.Tx) error {
			once.Do(func() { close(inside); <-release })
			return tx.Bucket([]byte("b")).Put([]byte("leader"), []byte("x"))
		})
	}()
	<-inside
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = g.do(func(tx *bolt.Tx) error { return write(i, tx) })
		}()
	}
	for queued := 0; queued < n; runtime.Gosched() {
		g.mu.Lock()
		queued = len(g.waiting)
		g.mu.Unlock()
	}
	return db, func() []error {
		close(release)
		wg.Wait()
		if err := <-leaderErr; err != nil {
			t.Errorf("leader: %v", err)
		}
		return errs
	}
}

// TestGroupCommitSharesOneTransaction: writers that arrive while a commit is in flight are
// committed together, in one transaction after it.
func TestGroupCommitSharesOneTransaction(t *testing.T) {
	const n = 12
	ids := make([]int, n)
	db, wait := queuedGroup(t, n, func(i int, tx *bolt.Tx) error {
		ids[i] = tx.ID()
		return tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%d", i), []byte("v"))
	})
	for i, err := range wait() {
		if err != nil {
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	for i := range ids {
		if ids[i] != ids[0] {
			t.Fatalf("writers committed in transactions %v, want one shared", ids)
		}
	}
	_ = db.View(func(tx *bolt.Tx) error {
		for i := range n {
			if tx.Bucket([]byte("b")).Get(fmt.Appendf(nil, "k%d", i)) == nil {
				t.Errorf("k%d missing", i)
			}
		}
		return nil
	})
}

// TestGroupCommitFailureIsItsOwn: a writer whose function fails gets its own error and
// leaves nothing written; the others in its group commit.
func TestGroupCommitFailureIsItsOwn(t *testing.T) {
	const n = 9
	errBad := errors.New("bad")
	db, wait := queuedGroup(t, n, func(i int, tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("b")).Put(fmt.Appendf(nil, "k%d", i), []byte("v")); err != nil {
			return err
		}
		if i%3 == 1 {
			return fmt.Errorf("writer %d: %w", i, errBad)
		}
		return nil
	})
	errs := wait()
	_ = db.View(func(tx *bolt.Tx) error {
		for i, err := range errs {
			got := tx.Bucket([]byte("b")).Get(fmt.Appendf(nil, "k%d", i))
			if fails := i%3 == 1; fails != errors.Is(err, errBad) || fails != (got == nil) {
				t.Errorf("writer %d: err %v, written %v", i, err, got != nil)
			}
		}
		return nil
	})
}
