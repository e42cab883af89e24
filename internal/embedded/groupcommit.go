package embedded

import (
	"errors"
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// groupCommit shares one bbolt commit (one fsync) among concurrent writers without a
// batch window. A writer that finds no commit in flight commits at once, so a lone writer
// waits for nothing but its own transaction and fsync. Writers that arrive while a commit
// is in flight queue; when it ends, the first of them leads: it commits the whole queue
// (up to maxSize calls) in one transaction. A group is thus whoever gathered during the
// previous commit, which is what a fixed window could only guess at.
//
// Like bbolt's Batch, a function that fails (or panics) is taken out of its group, the
// group's transaction is rolled back and the rest committed again without it, and the
// failed function is then run alone (db.Update) by its own caller, so that its error and
// its writes are its own. Functions may therefore run more than once.
type groupCommit struct {
	db      *bolt.DB
	maxSize int // most calls in one transaction

	mu      sync.Mutex
	busy    bool          // a leader is committing
	waiting []*commitCall // queued; waiting[0] is the next leader
}

// commitCall is one writer's function. done is closed when the call is settled (err or
// solo set) or, for the next leader, when it is its turn to lead (lead set first).
type commitCall struct {
	fn   func(*bolt.Tx) error
	err  error
	solo bool // fn failed in a group: run it alone
	lead bool
	done chan struct{}
}

// defaultGroupSize bounds one group's transaction (as bbolt's DefaultMaxBatchSize does).
const defaultGroupSize = 1000

func newGroupCommit(db *bolt.DB) *groupCommit {
	return &groupCommit{db: db, maxSize: defaultGroupSize}
}

// do runs fn in a write transaction shared with the writers waiting at the same time and
// returns once that transaction is committed (fsynced), or with fn's own error.
func (g *groupCommit) do(fn func(*bolt.Tx) error) error {
	c := &commitCall{fn: fn, done: make(chan struct{})}
	g.mu.Lock()
	g.waiting = append(g.waiting, c)
	if g.busy {
		g.mu.Unlock()
		<-c.done
		if !c.lead {
			return c.result(g.db)
		}
		g.mu.Lock()
	}
	// c leads: either nothing was in flight (the queue held only c) or the previous
	// leader handed over to the queue's head, c.
	g.busy = true
	n := min(len(g.waiting), max(g.maxSize, 1))
	group := g.waiting[:n:n]
	g.waiting = g.waiting[n:]
	g.mu.Unlock()

	g.commit(c, group)

	g.mu.Lock()
	if len(g.waiting) == 0 {
		g.busy = false
	} else {
		next := g.waiting[0]
		next.lead = true
		close(next.done)
	}
	g.mu.Unlock()
	return c.result(g.db)
}

// result is what the caller of c gets: the group's outcome, or fn run alone.
func (c *commitCall) result(db *bolt.DB) error {
	if c.solo {
		return db.Update(c.fn)
	}
	return c.err
}

// commit runs group in one transaction and settles every call in it; leader's channel is
// not closed (its goroutine is the one running commit).
func (g *groupCommit) commit(leader *commitCall, group []*commitCall) {
	settle := func(c *commitCall) {
		if c != leader {
			close(c.done)
		}
	}
	for len(group) > 0 {
		failed := -1
		err := g.db.Update(func(tx *bolt.Tx) error {
			for i, c := range group {
				if err := callSafely(c.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed >= 0 {
			group[failed].solo = true
			settle(group[failed])
			group = append(group[:failed:failed], group[failed+1:]...)
			continue
		}
		for _, c := range group {
			c.err = err
			settle(c)
		}
		return
	}
}

// errPanicked wraps a panic in a write function, which then fails like an error would.
var errPanicked = errors.New("panic in a write transaction")

func callSafely(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errPanicked, p)
		}
	}()
	return fn(tx)
}
