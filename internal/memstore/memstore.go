// Package memstore is a store.Store in memory, for tests and `--dev` style runs that need
// no file: the embedded adapter's logic (internal/embedded, the same records, keys
// "<PK>\x00<SK>" and transactions) over an ordered map instead of a bbolt file. It passes
// the same conformance suite (internal/store/storetest) as the bbolt and DynamoDB adapters.
//
// Contracts it keeps: every operation is one transaction (all or nothing) and writers are
// serialized, so the optimistic version check cannot race; data lives until the process
// ends (Close keeps it, for Reopen); nothing is durable.
package memstore

import (
	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// Store is the in-memory store; safe for concurrent use. Its methods are embedded.Store's
// (PurgeExpired included; ScrubFreePages has no file to scrub and reports done).
type Store struct {
	*embedded.Store
	kv *memKV
}

var _ store.Store = (*Store)(nil)

// Options tune the store; the zero value uses store.DefaultRetention.
type Options struct {
	// Retention is what PurgeExpired deletes when (zero fields: store.DefaultRetention).
	Retention store.Retention
}

// New returns an empty store.
func New(opts Options) (*Store, error) {
	return open(newKV(), opts)
}

func open(kv *memKV, opts Options) (*Store, error) {
	s, err := embedded.OpenKV(kv, embedded.Options{Retention: opts.Retention})
	if err != nil {
		return nil, order.Internal("memstore.New", err)
	}
	return &Store{Store: s, kv: kv}, nil
}

// Reopen returns a new Store over s's data, as a restarted process would open its file;
// s should be closed first and not used after.
func (s *Store) Reopen(opts Options) (*Store, error) {
	return open(s.kv, opts)
}

// Dump returns every key and value the store holds, as stored (JSON), in key order: what
// an erasure test searches for a buyer's data.
func (s *Store) Dump() []byte { return s.kv.dump() }
