package unsubscribe

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

const (
	keyA = "key-A-0123456789abcdef0123456789abcdef"
	keyB = "key-B-fedcba9876543210fedcba9876543210"
)

var t0 = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func mustSigner(t testing.TB, ttl time.Duration, keys ...string) *Signer {
	t.Helper()
	s, err := New(keys, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// wantErr fails unless err is an *order.Error with the code and message.
func wantErr(t *testing.T, err error, code order.Code, msg string) {
	t.Helper()
	var e *order.Error
	if !errors.As(err, &e) || e.Code != code || e.Message != msg {
		t.Fatalf("error = %v, want %s %q", err, code, msg)
	}
}

func TestNew(t *testing.T) {
	s := mustSigner(t, 0, keyA)
	if s.TTL() != 60*24*time.Hour {
		t.Fatalf("default TTL = %v", s.TTL())
	}
	short := "only-31-bytes-long-key-00000000"
	for name, c := range map[string]struct {
		keys []string
		ttl  time.Duration
		want string
	}{
		"no keys":         {nil, 0, "at least one"},
		"short first key": {[]string{short, keyA}, 0, "key 0 "},
		"short second":    {[]string{keyA, short}, 0, "key 1 "},
		"empty key":       {[]string{keyA, keyB, ""}, 0, "key 2 "},
		"negative ttl":    {[]string{keyA}, -time.Second, "negative"},
	} {
		t.Run(name, func(t *testing.T) {
			s, err := New(c.keys, c.ttl)
			var e *order.Error
			if s != nil || !errors.As(err, &e) || e.Code != order.CodeInvalid || !strings.Contains(e.Message, c.want) {
				t.Fatalf("New = %v, %v; want invalid mentioning %q", s, err, c.want)
			}
			if strings.Contains(err.Error(), short) || strings.Contains(err.Error(), keyA) {
				t.Fatalf("error quotes a key: %v", err)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	s := mustSigner(t, time.Hour, keyA)
	tok := s.Token("buyer-1", t0)
	if strings.ContainsAny(tok, "=+/. ") {
		t.Fatalf("token %q is not unpadded base64url without a dot", tok)
	}
	id, err := s.Verify(tok, t0.Add(30*time.Minute))
	if err != nil || id != "buyer-1" {
		t.Fatalf("Verify = %q, %v", id, err)
	}
	if len(tok) > 160 {
		t.Fatalf("token of %d characters", len(tok))
	}
}

// base64Forms is every way s can appear inside a base64url string: its encoding starting
// at each of the three byte alignments, without the characters that depend on neighbours.
func base64Forms(s string) []string {
	var forms []string
	for pad := range 3 {
		enc := base64.RawURLEncoding.EncodeToString(append(make([]byte, pad), s...))
		// Drop the characters that mix in the padding bytes, and the last one (it mixes in
		// whatever follows).
		lead := (pad*8 + 5) / 6
		forms = append(forms, enc[lead:len(enc)-1])
	}
	return forms
}

// TestTokenRevealsNoBuyerID: the token contains neither the buyer id nor any base64 form
// of it (nor the expiry's decimal digits), and two tokens for the same buyer at the same
// instant differ, so that tokens cannot even be linked to one another.
func TestTokenRevealsNoBuyerID(t *testing.T) {
	s := mustSigner(t, 0, keyA)
	expiry := strconv.FormatInt(t0.Add(DefaultTTL).Unix(), 10)
	for _, id := range []string{"buyer-1", "seller:42_buyer.x-1", strings.Repeat("z", 64), "AAAAAAAAAAAA"} {
		seen := map[string]bool{}
		for range 50 {
			tok := s.Token(id, t0)
			if seen[tok] {
				t.Fatalf("token for %q repeated: %q", id, tok)
			}
			seen[tok] = true
			raw, _ := base64.RawURLEncoding.DecodeString(tok)
			for _, clear := range append(base64Forms(id), id, expiry) {
				if strings.Contains(tok, clear) || strings.Contains(string(raw), clear) {
					t.Fatalf("token %q for %q contains %q", tok, id, clear)
				}
			}
			if strings.Contains(string(raw), id) || strings.Contains(string(raw), "v1|") {
				t.Fatalf("decoded token for %q names it: %q", id, raw)
			}
		}
	}
	// The check itself works: it finds the id in a version 1 token, at any alignment.
	for _, id := range []string{"buyer-1", "seller:42_buyer.x-1"} {
		legacy := s.signV1(id, t0.Add(DefaultTTL).Unix())
		found := false
		for _, form := range base64Forms(id) {
			found = found || strings.Contains(legacy, form)
		}
		if !found {
			t.Fatalf("base64Forms(%q) misses it in the version 1 token %q", id, legacy)
		}
	}
}

func TestEveryAllowedIDCharacter(t *testing.T) {
	s := mustSigner(t, 0, keyA)
	const all = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-"
	for _, id := range []string{all[:64], all[64:], ".", "-", ":", "_", "a", strings.Repeat("z", 64), "a.b_c:d-E9"} {
		if got, err := s.Verify(s.Token(id, t0), t0); err != nil || got != id {
			t.Errorf("id %q: Verify = %q, %v", id, got, err)
		}
	}
	// An id order.ValidID refuses gives a token that never verifies.
	for _, id := range []string{"", "a|b", "a b", strings.Repeat("z", 65), "é"} {
		if _, err := s.Verify(s.Token(id, t0), t0); order.ErrorCode(err) != order.CodeInvalid {
			t.Errorf("id %q: Verify error %v, want invalid", id, err)
		}
	}
}

// flip changes one character of s at i to another base64url character.
func flip(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestTamperedTokens(t *testing.T) {
	s := mustSigner(t, 0, keyA)
	tok := s.Token("buyer-1", t0)
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	enc := base64.RawURLEncoding.EncodeToString
	for i := range len(tok) {
		if id, err := s.Verify(flip(tok, i), t0); err == nil || id != "" {
			t.Fatalf("character %d changed: accepted as %q", i, id)
		}
	}
	for i := range len(raw) * 8 {
		bent := append([]byte(nil), raw...)
		bent[i/8] ^= 1 << (i % 8)
		if _, err := s.Verify(enc(bent), t0); order.ErrorCode(err) != order.CodeUnauthorized {
			t.Fatalf("bit %d flipped: %v, want unauthorized", i, err)
		}
	}
	// The same plaintext sealed without the associated data, or under the raw secret
	// instead of the derived key, is not a token.
	block, _ := aes.NewCipher([]byte(keyA[:32]))
	rawKey, _ := cipher.NewGCM(block)
	nonce := raw[:nonceSize]
	plain, err := s.aeads[0].Open(nil, nonce, raw[nonceSize:], []byte(sealedAAD))
	if err != nil {
		t.Fatal(err)
	}
	// The encrypted expiry rewritten to decrypt to a later one (the keystream is known
	// where the plaintext is): a valid-looking edit that only the tag can catch.
	later := binary.BigEndian.AppendUint64(nil, uint64(t0.AddDate(5, 0, 0).Unix()))
	stretched := append([]byte(nil), raw...)
	for i := range expiryLen {
		stretched[nonceSize+i] ^= plain[i] ^ later[i]
	}
	for name, c := range map[string]struct {
		token string
		code  order.Code
	}{
		"no AAD":         {enc(s.aeads[0].Seal(append([]byte(nil), nonce...), nonce, plain, nil)), order.CodeUnauthorized},
		"raw secret":     {enc(rawKey.Seal(append([]byte(nil), nonce...), nonce, plain, []byte(sealedAAD))), order.CodeUnauthorized},
		"later expiry":   {enc(stretched), order.CodeUnauthorized},
		"truncated":      {enc(raw[:len(raw)-3]), order.CodeUnauthorized},
		"tag only":       {enc(raw[:nonceSize+16]), order.CodeInvalid},
		"extended":       {tok + "AAAA", order.CodeUnauthorized},
		"padding":        {tok + "=", order.CodeInvalid},
		"std alphabet":   {strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "/+", order.CodeInvalid},
		"empty":          {"", order.CodeInvalid},
		"dot only":       {".", order.CodeInvalid},
		"huge":           {strings.Repeat("A", 10000), order.CodeInvalid},
		"trailing space": {tok + " ", order.CodeInvalid},
		"newline":        {tok[:10] + "\n" + tok[10:], order.CodeInvalid},
		"CR":             {tok[:5] + "\r" + tok[5:], order.CodeInvalid},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := s.Verify(c.token, t0)
			if id != "" || order.ErrorCode(err) != c.code {
				t.Fatalf("Verify = %q, %v; want %s", id, err, c.code)
			}
			if len(c.token) > 8 && strings.Contains(err.Error(), c.token) {
				t.Fatalf("error quotes the token: %v", err)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	tok := mustSigner(t, 0, keyB).Token("buyer-1", t0)
	_, err := mustSigner(t, 0, keyA).Verify(tok, t0)
	wantErr(t, err, order.CodeUnauthorized, "link not valid")
	if errors.Is(err, ErrExpired) {
		t.Fatal("a forged token is reported as expired")
	}
	// Even long expired, a token of another key is "not valid", not "expired".
	_, err = mustSigner(t, 0, keyA).Verify(tok, t0.AddDate(1, 0, 0))
	wantErr(t, err, order.CodeUnauthorized, "link not valid")
}

func TestRotation(t *testing.T) {
	old := mustSigner(t, 0, keyA)
	rotated := mustSigner(t, 0, keyB, keyA)
	oldTok := old.Token("buyer-1", t0)
	if id, err := rotated.Verify(oldTok, t0); err != nil || id != "buyer-1" {
		t.Fatalf("old key's token after rotation: %q, %v", id, err)
	}
	newTok := rotated.Token("buyer-1", t0)
	if newTok == oldTok {
		t.Fatal("the rotated signer still signs with the old key")
	}
	if id, err := mustSigner(t, 0, keyB).Verify(newTok, t0); err != nil || id != "buyer-1" {
		t.Fatalf("new token under the new key alone: %q, %v", id, err)
	}
	if _, err := old.Verify(newTok, t0); order.ErrorCode(err) != order.CodeUnauthorized {
		t.Fatalf("new token under the old key alone: %v", err)
	}
	// Once the old key is dropped, its tokens stop working.
	if _, err := mustSigner(t, 0, keyB).Verify(oldTok, t0); order.ErrorCode(err) != order.CodeUnauthorized {
		t.Fatalf("old token after the old key was dropped: %v", err)
	}
}

func TestExpiryBoundary(t *testing.T) {
	s := mustSigner(t, 0, keyA)
	issued := t0.Add(400 * time.Millisecond) // the expiry is rounded down to the second
	tok := s.Token("buyer-1", issued)
	expiry := t0.Add(DefaultTTL)
	for _, at := range []time.Time{issued, expiry.Add(-time.Second), expiry.Add(-time.Nanosecond)} {
		if _, err := s.Verify(tok, at); err != nil {
			t.Fatalf("at %v: %v", at, err)
		}
	}
	for _, at := range []time.Time{expiry, expiry.Add(time.Nanosecond), expiry.AddDate(1, 0, 0)} {
		_, err := s.Verify(tok, at)
		wantErr(t, err, order.CodeUnauthorized, "link expired")
		if !errors.Is(err, ErrExpired) {
			t.Fatalf("at %v: %v does not wrap ErrExpired", at, err)
		}
	}
	short := mustSigner(t, time.Minute, keyA)
	if _, err := short.Verify(short.Token("buyer-1", t0), t0.Add(time.Minute)); !errors.Is(err, ErrExpired) {
		t.Fatalf("custom TTL not applied: %v", err)
	}
}

func TestURL(t *testing.T) {
	tok := mustSigner(t, 0, keyA).Token("buyer-1", t0)
	for _, base := range []string{"https://api.example.com", "https://api.example.com/", "https://api.example.com//"} {
		if got, want := URL(base, tok), "https://api.example.com/unsubscribe?token="+tok; got != want {
			t.Errorf("URL(%q) = %q, want %q", base, got, want)
		}
	}
	if got := URL("https://x.test/api", "a b&c"); got != "https://x.test/api/unsubscribe?token=a+b%26c" {
		t.Errorf("URL does not escape: %q", got)
	}
}

// TestLegacyTokens: a version 1 token issued before the upgrade (buyer id in clear, HMAC)
// still unsubscribes until its own expiry, under any of the secrets; altered, signed by
// another secret, or expired, it is refused like a version 2 token.
func TestLegacyTokens(t *testing.T) {
	s := mustSigner(t, 0, keyB, keyA)
	legacy := mustSigner(t, 0, keyA).signV1("buyer-1", t0.Add(DefaultTTL).Unix())
	if id, err := s.Verify(legacy, t0); err != nil || id != "buyer-1" {
		t.Fatalf("legacy token: %q, %v", id, err)
	}
	_, err := s.Verify(legacy, t0.Add(DefaultTTL))
	wantErr(t, err, order.CodeUnauthorized, "link expired")
	encPayload, encMAC, _ := strings.Cut(legacy, ".")
	enc := base64.RawURLEncoding.EncodeToString
	rewrite := func(p string) string { return enc([]byte(p)) + "." + encMAC }
	expiry := strconv.FormatInt(t0.Add(DefaultTTL).Unix(), 10)
	for i := range len(legacy) {
		if _, err := s.Verify(flip(legacy, i), t0); err == nil {
			t.Fatalf("character %d changed: accepted", i)
		}
	}
	for name, c := range map[string]struct {
		token string
		code  order.Code
	}{
		"other buyer":   {rewrite("v1|buyer-2|" + expiry), order.CodeUnauthorized},
		"later expiry":  {rewrite("v1|buyer-1|9999999999"), order.CodeUnauthorized},
		"other version": {rewrite("v2|buyer-1|" + expiry), order.CodeInvalid},
		"extra field":   {rewrite("v1|buyer-1|" + expiry + "|x"), order.CodeInvalid},
		"bad expiry":    {rewrite("v1|buyer-1|soon"), order.CodeInvalid},
		"padded expiry": {rewrite("v1|buyer-1|0" + expiry), order.CodeInvalid},
		"zero expiry":   {rewrite("v1|buyer-1|0"), order.CodeInvalid},
		"empty MAC":     {encPayload + ".", order.CodeInvalid},
		"short MAC":     {encPayload + "." + encMAC[:20], order.CodeInvalid},
		"two dots":      {legacy + ".x", order.CodeInvalid},
		"MAC only":      {"." + encMAC, order.CodeInvalid},
		"other secret": {encPayload + "." + enc(macV1([]byte("a-third-secret-nobody-trusts-0123456789"), []byte("v1|buyer-1|"+expiry))),
			order.CodeUnauthorized},
	} {
		t.Run(name, func(t *testing.T) {
			id, err := s.Verify(c.token, t0)
			if id != "" || order.ErrorCode(err) != c.code {
				t.Fatalf("Verify = %q, %v; want %s", id, err, c.code)
			}
		})
	}
}
