package embedded

import (
	"context"
	"errors"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/orderwire/orderwire/internal/order"
)

// ScrubFreePages overwrites every free page of the file with zeros, so that what an erasure
// deleted is gone from the disk too (as far as the file system overwrites in place): bbolt
// is copy-on-write, and a deleted or rewritten value stays, as it was, in the page it
// occupied until bbolt reuses that page.
//
// It must not zero a page that a read transaction still sees: it works inside a write
// transaction (no other writer can allocate a page meanwhile) and only while it holds the
// readers' lock exclusively: no read transaction is open, and none starts until it is done
// (bbolt's OpenTxN statistic is not enough: it is updated after bbolt's lock is released, so
// it can read 0 while a reader still sees pages its last commits freed). When readers stay open
// for the few tries it makes, it returns false and leaves the pages; the next call (the
// next erasure run, or the hourly purge) scrubs them. A store opened with OpenKV has no file: it returns true at once.
func (s *Store) ScrubFreePages(ctx context.Context) (bool, error) {
	const op = "embedded.ScrubFreePages"
	if s.file == nil { // not a file: a deleted value is gone from the KV itself
		return true, nil
	}
	for try := 0; try < 20; try++ {
		if err := ctx.Err(); err != nil {
			return false, order.Internal(op, err)
		}
		done := false
		var err error
		if s.readers.TryLock() { // no View is open, and none starts until Unlock
			err = s.file.Update(func(tx *bolt.Tx) error {
				done = true
				return zeroFreePages(tx)
			})
			s.readers.Unlock()
		}
		if err != nil {
			return false, order.Internal(op, err)
		}
		if done {
			return true, nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false, nil
}

// zeroFreePages writes zeros over each page tx's freelist holds, and syncs the file; an
// error closing the file is returned too.
func zeroFreePages(tx *bolt.Tx) (err error) {
	db := tx.DB()
	pageSize := int64(db.Info().PageSize)
	f, err := os.OpenFile(db.Path(), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	zeros := make([]byte, pageSize)
	wrote := false
	for id := 2; int64(id)*pageSize < tx.Size(); id++ { // pages 0 and 1 are the meta pages
		info, err := tx.Page(id)
		if err != nil {
			return err
		}
		if info == nil {
			break
		}
		if info.Type != "free" {
			id += info.OverflowCount
			continue
		}
		if _, err := f.WriteAt(zeros, int64(id)*pageSize); err != nil {
			return err
		}
		wrote = true
	}
	if !wrote {
		return nil
	}
	return f.Sync()
}
