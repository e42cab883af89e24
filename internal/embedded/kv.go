package embedded

import (
	bolt "go.etcd.io/bbolt"
	"sync"
)

// KV is an ordered key/value space with transactions. The adapter's logic runs over KV so that
// the same code serves the bbolt file (Open) and any other KV given to OpenKV (the
// in-memory store, internal/memstore). Keys are "<PK>\x00<SK>" (records.go), compared
// bytewise.
type KV interface {
	// View runs fn in a read-only transaction that sees one consistent state.
	View(fn func(KVTx) error) error
	// Update runs fn in a read-write transaction: all its writes happen, or, when fn
	// returns an error, none do. Writers are serialized.
	Update(fn func(KVTx) error) error
	// Batch is Update, but may share one commit with concurrent callers; fn may run more
	// than once, so it must be idempotent apart from its writes.
	Batch(fn func(KVTx) error) error
	// Close releases the space.
	Close() error
}

// KVTx is one transaction of a KV.
type KVTx interface {
	// Table is the one table the store keeps (bbolt: the "table" bucket).
	Table() KVBucket
}

// KVBucket reads and writes a transaction's table. A value Get returns is valid only
// until the transaction ends and must not be modified; Put keeps its own copy of k and v
// only until the transaction ends (callers pass slices they do not reuse).
type KVBucket interface {
	Get(k []byte) []byte
	Put(k, v []byte) error
	Delete(k []byte) error
	Cursor() KVCursor
}

// KVCursor walks a table in key order; a nil key means past either end. Its key and
// value slices follow Get's rule.
type KVCursor interface {
	First() (k, v []byte)
	Last() (k, v []byte)
	Seek(prefix []byte) (k, v []byte)
	Next() (k, v []byte)
	Prev() (k, v []byte)
}

// boltKV is the KV of a bbolt file. Batch is group's group commit, or bbolt's timed Batch
// when group is nil.
type boltKV struct {
	db    *bolt.DB
	group *groupCommit
	// readers is held (read-locked) by every View, so that ScrubFreePages can know for sure
	// that no read transaction is open: bbolt's own OpenTxN statistic is updated after its
	// lock is released, so it can read 0 while a reader is open.
	readers *sync.RWMutex
}

type boltTx struct{ tx *bolt.Tx }

type boltBucket struct{ *bolt.Bucket }

func (b boltBucket) Cursor() KVCursor { return b.Bucket.Cursor() }

func (t boltTx) Table() KVBucket { return boltBucket{t.tx.Bucket(tableBucket)} }

func (k boltKV) View(fn func(KVTx) error) error {
	k.readers.RLock()
	defer k.readers.RUnlock()
	return k.db.View(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (k boltKV) Update(fn func(KVTx) error) error {
	return k.db.Update(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (k boltKV) Batch(fn func(KVTx) error) error {
	if k.group != nil {
		return k.group.do(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
	}
	return k.db.Batch(func(tx *bolt.Tx) error { return fn(boltTx{tx}) })
}

func (k boltKV) Close() error { return k.db.Close() }
