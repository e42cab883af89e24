package store

import (
	"context"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// A console session's revocation (console sign-out) is one item, SESSION#<id> / REVOKED,
// holding the time it stops mattering: the signed-out cookie's own expiry, after which the
// cookie is refused anyway. On DynamoDB that time is the item's TTL attribute (expires_at),
// so the table drops it; the embedded store's PurgeExpired deletes it. A revocation whose
// time has passed reads as not revoked on every store, deleted yet or not.

// RevokedSK is the sort key of a session's revocation item.
const RevokedSK = "REVOKED"

// SessionPK is the partition of console session id's revocation.
func SessionPK(id string) string { return "SESSION#" + id }

// SessionRevokedRecord is a session's revocation: until ExpiresAt (unix seconds).
type SessionRevokedRecord struct {
	ExpiresAt int64 `json:"expires_at"`
}

// Revoked reports whether the revocation still holds at now.
func (r SessionRevokedRecord) Revoked(now time.Time) bool { return now.Unix() < r.ExpiresAt }

// maxSessionID bounds a session id (the console's are 22 characters).
const maxSessionID = 128

// CheckSessionID refuses (CodeInvalid) an empty session id, a longer one than 128 bytes,
// or one with a byte outside printable ASCII (a NUL would break the embedded store's keys).
func CheckSessionID(op, id string) error {
	if id == "" || len(id) > maxSessionID {
		return order.Errorf(order.CodeInvalid, op, "session id must be 1-%d bytes", maxSessionID)
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return order.Errorf(order.CodeInvalid, op, "session id must be printable ASCII")
		}
	}
	return nil
}

// SessionRevocations records console sign-outs (console.SessionRevoker is the console's
// view of it). RevokeSession records that session id is revoked until until, replacing
// any earlier revocation of it; the write is durable when it returns nil. SessionRevoked
// reports whether id is revoked at now: false for an id never revoked and once until is
// at or before now, whether or not the expiry has deleted the item yet. A bad id
// (CheckSessionID) is CodeInvalid on both.
type SessionRevocations interface {
	RevokeSession(ctx context.Context, id string, until time.Time) error
	SessionRevoked(ctx context.Context, id string, now time.Time) (bool, error)
}
