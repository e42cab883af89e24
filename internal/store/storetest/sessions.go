package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

func runSessions(t *testing.T, h Harness) {
	t.Run("SessionRevocation", func(t *testing.T) { testSessionRevocation(t, h) })
	t.Run("SessionRevocationBadID", func(t *testing.T) { testSessionBadID(t, h) })
	if h.Expire != nil {
		t.Run("SessionRevocationExpires", func(t *testing.T) { testSessionExpires(t, h) })
	}
}

func wantRevoked(t *testing.T, r store.SessionRevocations, id string, at time.Time, want bool) {
	t.Helper()
	got, err := r.SessionRevoked(context.Background(), id, at)
	if err != nil || got != want {
		t.Errorf("SessionRevoked(%q, %s) = %v, %v; want %v", id, at.Format(time.RFC3339), got, err, want)
	}
}

// testSessionRevocation: a revoked session reads as revoked until its until (exclusive),
// then as not revoked; an unknown id, or another session, is not revoked; a later revocation
// of the same id replaces the earlier one; the revocation survives a reopen.
func testSessionRevocation(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	r := s
	const id, other = "Q2xvc2VkU2Vzc2lvbi0wMQ", "T3BlblNlc3Npb24tMDAwMg"
	until := baseTime.Add(8 * time.Hour).Truncate(time.Second)
	wantRevoked(t, r, id, baseTime, false)
	if err := r.RevokeSession(ctx, id, until); err != nil {
		t.Fatalf("RevokeSession: %v", err)
	}
	wantRevoked(t, r, id, baseTime, true)
	wantRevoked(t, r, id, until.Add(-time.Second), true)
	wantRevoked(t, r, id, until, false)
	wantRevoked(t, r, id, until.Add(time.Hour), false)
	wantRevoked(t, r, other, baseTime, false)

	s = h.Reopen(t, s)
	r = s
	wantRevoked(t, r, id, baseTime, true)
	// Revoked again with a later until (a second sign-out of a copied cookie cannot, but
	// the store does not care): the later one holds.
	if err := r.RevokeSession(ctx, id, until.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeSession again: %v", err)
	}
	wantRevoked(t, r, id, until, true)
	// A revocation whose until has already passed revokes nothing.
	if err := r.RevokeSession(ctx, other, baseTime.Add(-time.Minute)); err != nil {
		t.Fatalf("RevokeSession in the past: %v", err)
	}
	wantRevoked(t, r, other, baseTime, false)
}

// testSessionBadID: an empty, overlong or non-printable id is CodeInvalid on both calls.
func testSessionBadID(t *testing.T, h Harness) {
	ctx := context.Background()
	r := h.Open(t)
	long := make([]byte, 129)
	for i := range long {
		long[i] = 'a'
	}
	for _, id := range []string{"", "a\x00b", "a b", string(long)} {
		if err := r.RevokeSession(ctx, id, baseTime.Add(time.Hour)); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("RevokeSession(%q): %v, want invalid", id, err)
		}
		if _, err := r.SessionRevoked(ctx, id, baseTime); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("SessionRevoked(%q): %v, want invalid", id, err)
		}
	}
}

// testSessionExpires: the store's expiry (Harness.Expire) removes a revocation once its
// until has passed and keeps one that still holds.
func testSessionExpires(t *testing.T, h Harness) {
	ctx := context.Background()
	s := h.Open(t)
	r := s
	const early, late = "RWFybHlTZXNzaW9uLTAwMDM", "TGF0ZVNlc3Npb24tMDAwMDQ"
	if err := r.RevokeSession(ctx, early, baseTime.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := r.RevokeSession(ctx, late, baseTime.Add(8*time.Hour)); err != nil {
		t.Fatal(err)
	}
	h.Expire(t, s, baseTime.Add(2*time.Hour))
	wantRevoked(t, r, late, baseTime.Add(2*time.Hour), true)
	// Asked at a time before its until, a deleted revocation would read as not revoked:
	// so this tells deleted from kept.
	wantRevoked(t, r, early, baseTime, false)
	wantRevoked(t, r, late, baseTime, true)
}
