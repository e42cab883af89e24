package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// sessionPrefix starts the key of every session revocation ("SESSION#<id>\x00REVOKED").
var sessionPrefix = []byte(store.SessionPK(""))

func sessionKey(id string) []byte { return key(store.SessionPK(id), store.RevokedSK) }

// errSessionRecord is a revocation that does not decode; it names no key, so that a log
// line carries no session id.
var errSessionRecord = errors.New("undecodable session revocation")

// RevokeSession records that console session id is signed out until until (the cookie's
// expiry), replacing any earlier revocation of it. A bad id is CodeInvalid.
func (s *Store) RevokeSession(ctx context.Context, id string, until time.Time) error {
	const op = "embedded.RevokeSession"
	if err := store.CheckSessionID(op, id); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return order.Internal(op, err)
	}
	raw, err := json.Marshal(store.SessionRevokedRecord{ExpiresAt: until.Unix()})
	if err != nil {
		return order.Internal(op, err)
	}
	k := sessionKey(id)
	err = s.db.Batch(func(tx KVTx) error { return tx.Table().Put(k, raw) })
	if err != nil {
		return order.Internal(op, err)
	}
	return nil
}

// SessionRevoked reports whether console session id is revoked at now: a revocation exists
// and its until is after now. An unknown id is false, a bad one CodeInvalid.
func (s *Store) SessionRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	const op = "embedded.SessionRevoked"
	if err := store.CheckSessionID(op, id); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, order.Internal(op, err)
	}
	var rec store.SessionRevokedRecord
	found := false
	err := s.db.View(func(tx KVTx) error {
		raw := tx.Table().Get(sessionKey(id))
		if raw == nil {
			return nil
		}
		found = true
		if json.Unmarshal(raw, &rec) != nil {
			return errSessionRecord
		}
		return nil
	})
	if err != nil {
		return false, order.Internal(op, err)
	}
	return found && rec.Revoked(now), nil
}

// purgeSessions deletes the session revocations whose until is at or before now (part of
// PurgeExpired): those sessions' cookies have expired. An unreadable one goes too.
func (s *Store) purgeSessions(ctx context.Context, now time.Time) (int, error) {
	return s.purgePrefix(ctx, sessionPrefix, func(v []byte) (bool, error) {
		var rec store.SessionRevokedRecord
		return json.Unmarshal(v, &rec) != nil || !rec.Revoked(now), nil
	})
}
