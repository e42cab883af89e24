package embedded

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

type evidenceRecord struct {
	Source     string            `json:"source"`
	EventID    string            `json:"event_id"`
	ReceivedAt time.Time         `json:"received_at"`
	Body       []byte            `json:"body"`
	Headers    map[string]string `json:"headers,omitempty"`
}

// writeChange writes one change to order id: its timeline entry (if any) and, when the
// order changed, the order next (moving it in the due index), its outbox rows and the
// buyer's counters. The caller's transaction has already checked the version it read.
func writeChange(b KVBucket, id string, next order.Order, changed bool, entry *order.TimelineEntry, notes []order.Notification, stats ...string) error {
	if entry != nil {
		if err := write(b, key(store.OrderPK(id), store.TimelineEntrySK(*entry)), store.EntryRecord(id, *entry)); err != nil {
			return err
		}
	}
	if !changed {
		return nil
	}
	for _, n := range notes {
		if err := putNotification(b, n); err != nil {
			return err
		}
	}
	for _, stat := range stats {
		if err := addBuyerStat(b, next.BuyerID, stat); err != nil {
			return err
		}
	}
	return putOrder(b, next)
}

// Timeline implements store.Store.
func (s *Store) Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error) {
	var out []order.TimelineEntry
	err := s.scan(ctx, key(store.OrderPK(id), store.TimelinePrefix), func(v []byte) error {
		var r store.TimelineRecord
		err := json.Unmarshal(v, &r)
		out = append(out, r.Entry())
		return err
	})
	return out, wrap("embedded.Timeline", err)
}

// Evidence implements store.Store: what EachEvidence streams, oldest received first.
func (s *Store) Evidence(ctx context.Context, id string) ([]store.StoredEvidence, error) {
	var out []store.StoredEvidence
	if err := s.EachEvidence(ctx, id, func(e store.StoredEvidence) error { out = append(out, e); return nil }); err != nil {
		return nil, err
	}
	store.SortEvidence(out)
	return out, nil
}

// Notifications implements store.Store.
func (s *Store) Notifications(ctx context.Context, id string) ([]order.Notification, error) {
	var out []order.Notification
	err := s.scan(ctx, key(store.OrderPK(id), store.OutboxPrefix), func(v []byte) error {
		var r store.NotificationRecord
		err := json.Unmarshal(v, &r)
		out = append(out, r.Notification())
		return err
	})
	return out, wrap("embedded.Notifications", err)
}

// scan calls fn with every value whose key starts with prefix, in key order.
func (s *Store) scan(ctx context.Context, prefix []byte, fn func(v []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx KVTx) error {
		c := tx.Table().Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(v); err != nil {
				return err
			}
		}
		return nil
	})
}

// errStopScan ends a scan early without an error.
var errStopScan = errors.New("stop scan")

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return order.Internal(op, err)
}
