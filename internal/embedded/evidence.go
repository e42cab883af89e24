package embedded

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// A page of EachEvidence is read in one short read transaction: at most evidencePageItems
// records or evidencePageBytes of stored values, whichever comes first. Pages keep memory
// bounded and never hold bbolt's read lock (which delays the file's growth) while the
// caller is busy, e.g. writing to a slow client.
const (
	evidencePageItems = 32
	evidencePageBytes = 1 << 20
)

// EachEvidence implements store.Store: the order's own evidence, then each parcel's, each
// group in key (received-at) order, read page by page with a bbolt cursor.
func (s *Store) EachEvidence(ctx context.Context, id string, fn func(store.StoredEvidence) error) error {
	const op = "embedded.EachEvidence"
	pks := []string{store.OrderPK(id)}
	o, err := s.GetOrder(ctx, id)
	switch {
	case err == nil:
		pks = store.EvidencePartitions(o)
	case order.ErrorCode(err) != order.CodeNotFound:
		return err
	}
	var prefixes [][]byte
	for _, pk := range pks {
		prefixes = append(prefixes, key(pk, store.EvidencePrefix))
	}
	for _, prefix := range prefixes {
		from := prefix
		for from != nil {
			if err := ctx.Err(); err != nil {
				return wrap(op, err)
			}
			var page []store.StoredEvidence
			var next []byte
			if err := s.db.View(func(tx KVTx) error {
				page, next, err = evidencePage(tx, prefix, from)
				return err
			}); err != nil {
				return wrap(op, err)
			}
			for _, ev := range page {
				if err := fn(ev); err != nil {
					return err
				}
			}
			from = next
		}
	}
	return nil
}

// evidencePage reads one page of the records under prefix from key from on, and returns
// the key to continue from (nil at the end of the prefix).
func evidencePage(tx KVTx, prefix, from []byte) ([]store.StoredEvidence, []byte, error) {
	var page []store.StoredEvidence
	size := 0
	c := tx.Table().Cursor()
	for k, v := c.Seek(from); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(page) == evidencePageItems || len(page) > 0 && size+len(v) > evidencePageBytes {
			return page, append([]byte(nil), k...), nil
		}
		var r evidenceRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return nil, nil, err
		}
		size += len(v)
		page = append(page, store.StoredEvidence{Source: r.Source, EventID: r.EventID,
			ReceivedAt: r.ReceivedAt.UTC(), Body: r.Body, Headers: r.Headers})
	}
	return page, nil, nil
}
