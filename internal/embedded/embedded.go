// Package embedded is the store.Store adapter for one machine: a single bbolt file (pure Go,
// no cgo) laid out like the DynamoDB table, keys "<PK>\x00<SK>" in one bucket.
//
// Durability: bbolt fsyncs every committed transaction, so a write is on disk when
// SaveOrder returns. Concurrent writers are grouped into one transaction (group commit,
// groupcommit.go), which turns one fsync per write into one fsync per group; a lone writer
// commits at once.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// FileName is the database file inside the data directory.
const FileName = "orderwire.db"

var tableBucket = []byte("table")

// Store implements the store port; the compiler checks it here, not only the conformance suite.
var _ store.Store = (*Store)(nil)

// Store is the embedded store. Open it with Open (or OpenKV); it is safe for concurrent use.
type Store struct {
	db        KV
	file      *bolt.DB        // the bbolt file under db; nil for a KV given to OpenKV
	readers   *sync.RWMutex   // held by the file's readers (boltKV.readers)
	retention store.Retention // with defaults filled in
}

// Options tune the store; the zero value is what `orderwire serve` uses.
type Options struct {
	// MaxBatchDelay, when positive, makes writes use bbolt's own Batch: each waits up to
	// this long for others to share its commit (fsync), even when alone. Zero (the
	// default) is group commit without a window: a write commits at once when no commit is
	// in flight, and writes arriving during one share the next (BENCHMARKS.md compares).
	MaxBatchDelay time.Duration
	// Retention is what PurgeExpired deletes when (zero fields: store.DefaultRetention).
	Retention store.Retention
}

// Open opens (creating if needed) the store in directory dir. It fails with a clear error,
// rather than waiting forever, when another process holds the database.
func Open(dir string, opts Options) (*Store, error) {
	const op = "embedded.Open"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, order.Internal(op, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, order.Internal(op, fmt.Errorf("%s is in use by another process", path))
	}
	if err != nil {
		return nil, order.Internal(op, fmt.Errorf("open %s: %w", path, err))
	}
	kv := boltKV{db: db, readers: &sync.RWMutex{}}
	if opts.MaxBatchDelay > 0 {
		db.MaxBatchDelay = opts.MaxBatchDelay
	} else {
		kv.group = newGroupCommit(db)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(tableBucket)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, order.Internal(op, err)
	}
	s, err := OpenKV(kv, opts)
	if err != nil {
		return nil, err
	}
	s.file, s.readers = db, kv.readers
	return s, nil
}

// OpenKV opens the store over kv, which it owns from now on (Close closes it): the same
// logic as Open, over another ordered key/value space (internal/memstore's memory).
// Options.MaxBatchDelay applies only to the bbolt file.
func OpenKV(kv KV, opts Options) (*Store, error) {
	err := backfillBuyerIndex(kv)
	if err == nil {
		err = backfillOrderList(kv)
	}
	if err != nil {
		_ = kv.Close()
		return nil, order.Internal("embedded.OpenKV", err)
	}
	return &Store{db: kv, retention: opts.Retention.WithDefaults()}, nil
}

// Close closes the database file (the KV).
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return order.Internal("embedded.Close", err)
	}
	return nil
}

// GetOrder implements store.Store.
func (s *Store) GetOrder(ctx context.Context, id string) (order.Order, error) {
	var rec store.OrderRecord
	if err := s.get(ctx, "embedded.GetOrder", orderKey(id), &rec); err != nil {
		return order.Order{}, err
	}
	return rec.Order(), nil
}

// GetBuyer implements store.Store.
func (s *Store) GetBuyer(ctx context.Context, id string) (order.Buyer, error) {
	var rec store.BuyerRecord
	if err := s.get(ctx, "embedded.GetBuyer", buyerKey(id), &rec); err != nil {
		return order.Buyer{}, err
	}
	if rec.ErasingSince != nil {
		return order.Buyer{}, order.Errorf(order.CodeNotFound, "embedded.GetBuyer", "buyer being erased")
	}
	return rec.Buyer(), nil
}

// SaveOrder implements store.Store. The version check and the writes (order, buyer, the
// buyer's order index item) happen inside one bbolt transaction; bbolt allows one writer at a time, so the check cannot race.
func (s *Store) SaveOrder(ctx context.Context, o order.Order, b order.Buyer) error {
	const op = "embedded.SaveOrder"
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	err := s.db.Batch(func(tx KVTx) error {
		bucket := tx.Table()
		var cur store.OrderRecord
		found, err := read(bucket, orderKey(o.ID), &cur)
		if err != nil {
			return err
		}
		switch {
		case o.Version == 1 && found:
			return order.Errorf(order.CodeConflict, op, "order %s already exists", o.ID)
		case o.Version != 1 && (!found || cur.Version != o.Version-1):
			return order.Errorf(order.CodeConflict, op, "order %s changed since it was read", o.ID)
		}
		var buyer store.BuyerRecord
		if _, err := read(bucket, buyerKey(b.ID), &buyer); err != nil {
			return err
		}
		buyer.SetContact(b)
		if err := write(bucket, buyerKey(b.ID), buyer); err != nil {
			return err
		}
		if err := write(bucket, buyerOrderKey(b.ID, o.ID), store.BuyerOrderRecord{OrderID: o.ID}); err != nil {
			return err
		}
		return putOrder(bucket, o)
	})
	if err != nil && order.ErrorCode(err) != order.CodeConflict {
		return order.Internal(op, err)
	}
	return err
}

func (s *Store) get(ctx context.Context, op string, key []byte, into any) error {
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	var found bool
	err := s.db.View(func(tx KVTx) error {
		var err error
		found, err = read(tx.Table(), key, into)
		return err
	})
	if err != nil {
		return order.Internal(op, err)
	}
	if !found {
		return order.Errorf(order.CodeNotFound, op, "not found")
	}
	return nil
}
