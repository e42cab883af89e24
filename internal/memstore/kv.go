package memstore

import (
	"errors"
	"sort"
	"sync"

	"github.com/orderwire/orderwire/internal/embedded"
)

// errReadOnly is what a write inside View returns (bbolt's rule: ErrTxNotWritable).
var errReadOnly = errors.New("memstore: write in a read-only transaction")

// memKV is an embedded.KV in memory: a map for values and a sorted slice of its keys, under
// one RWMutex. View holds the read lock, Update and Batch the write lock, so a reader sees
// one committed state and writers are serialized. An Update whose fn fails is undone from
// its undo log before the lock is released, so no one sees its writes.
type memKV struct {
	mu   sync.RWMutex
	keys []string // sorted, bytewise (Go string order)
	vals map[string][]byte
}

func newKV() *memKV { return &memKV{vals: map[string][]byte{}} }

func (m *memKV) View(fn func(embedded.KVTx) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return fn(&memTx{kv: m})
}

func (m *memKV) Update(fn func(embedded.KVTx) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	tx := &memTx{kv: m, writable: true}
	err := fn(tx)
	if err != nil {
		tx.rollback()
	}
	return err
}

// Batch is Update: there is no commit cost to share.
func (m *memKV) Batch(fn func(embedded.KVTx) error) error { return m.Update(fn) }

// Close keeps the data: a Store reopened over the same memKV (Store.Reopen) sees it, as a
// restarted process sees its file.
func (m *memKV) Close() error { return nil }

// dump returns every key and value, in key order, each followed by a newline.
func (m *memKV) dump() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []byte
	for _, k := range m.keys {
		out = append(out, k...)
		out = append(out, '\n')
		out = append(out, m.vals[k]...)
		out = append(out, '\n')
	}
	return out
}

// set writes v (nil: deletes) at k, keeping keys sorted, and returns what was there.
func (m *memKV) set(k string, v []byte) (old []byte, existed bool) {
	old, existed = m.vals[k]
	i := sort.SearchStrings(m.keys, k)
	switch {
	case v == nil && existed:
		delete(m.vals, k)
		m.keys = append(m.keys[:i], m.keys[i+1:]...)
	case v != nil && !existed:
		m.keys = append(m.keys, "")
		copy(m.keys[i+1:], m.keys[i:])
		m.keys[i] = k
		m.vals[k] = v
	case v != nil:
		m.vals[k] = v
	}
	return old, existed
}

type undo struct {
	key     string
	old     []byte
	existed bool
}

type memTx struct {
	kv       *memKV
	writable bool
	log      []undo
}

func (t *memTx) Table() embedded.KVBucket { return t }

// rollback restores, newest first, what each write of t replaced.
func (t *memTx) rollback() {
	for i := len(t.log) - 1; i >= 0; i-- {
		u := t.log[i]
		if u.existed {
			t.kv.set(u.key, u.old)
		} else {
			t.kv.set(u.key, nil)
		}
	}
	t.log = nil
}

func (t *memTx) Get(k []byte) []byte { return t.kv.vals[string(k)] }

func (t *memTx) Put(k, v []byte) error {
	if !t.writable {
		return errReadOnly
	}
	if v == nil {
		v = []byte{} // a present, empty value (nil means absent here)
	}
	key := string(k)
	old, existed := t.kv.set(key, append([]byte(nil), v...))
	t.log = append(t.log, undo{key, old, existed})
	return nil
}

func (t *memTx) Delete(k []byte) error {
	if !t.writable {
		return errReadOnly
	}
	key := string(k)
	if old, existed := t.kv.set(key, nil); existed {
		t.log = append(t.log, undo{key, old, true})
	}
	return nil
}

func (t *memTx) Cursor() embedded.KVCursor { return &cursor{kv: t.kv, at: -1} }

// cursor remembers the key it is on, not an index, so writes to the table between its
// moves (a Delete of the current key, say) do not make it skip or repeat a key.
type cursor struct {
	kv  *memKV
	key string
	at  int // -1: not on a key
}

func (c *cursor) to(i int) ([]byte, []byte) {
	if i < 0 || i >= len(c.kv.keys) {
		c.at = -1
		return nil, nil
	}
	c.at, c.key = i, c.kv.keys[i]
	return []byte(c.key), c.kv.vals[c.key]
}

func (c *cursor) First() ([]byte, []byte) { return c.to(0) }
func (c *cursor) Last() ([]byte, []byte)  { return c.to(len(c.kv.keys) - 1) }
func (c *cursor) Seek(p []byte) ([]byte, []byte) {
	return c.to(sort.SearchStrings(c.kv.keys, string(p)))
}

func (c *cursor) Next() ([]byte, []byte) {
	if c.at < 0 {
		return nil, nil
	}
	return c.to(sort.Search(len(c.kv.keys), func(i int) bool { return c.kv.keys[i] > c.key }))
}

func (c *cursor) Prev() ([]byte, []byte) {
	if c.at < 0 {
		return nil, nil
	}
	return c.to(sort.SearchStrings(c.kv.keys, c.key) - 1)
}
