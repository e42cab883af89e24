package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"time"
)

// The cookies and the session's life.
const (
	SessionCookie = "ow_session"
	LangCookie    = "ow_lang"
	// SessionTTL is how long a session lasts after signing in.
	SessionTTL = 8 * time.Hour
	// signinFormTTL is how long a sign-in form's csrf value is accepted.
	signinFormTTL = time.Hour
	// maxFormBytes bounds every POST body of the console.
	maxFormBytes = 64 << 10
)

const (
	idLen     = 16
	macLen    = sha256.Size
	cookieLen = 8 + idLen + macLen
)

// keyring holds, per configured token, its SHA-256 (to check a sign-in in constant time)
// and the session key derived from it; signin is the key of the sign-in forms' csrf
// values, derived from every token.
type keyring struct {
	hashes [][sha256.Size]byte
	keys   [][]byte
	signin []byte
}

func newKeyring(tokens []string) keyring {
	var k keyring
	all := hmac.New(sha256.New, []byte("orderwire console sign-in form v1"))
	for _, t := range tokens {
		if t == "" {
			continue
		}
		k.hashes = append(k.hashes, sha256.Sum256([]byte(t)))
		k.keys = append(k.keys, mac([]byte(t), []byte("orderwire console session v1")))
		all.Write(mac([]byte(t), []byte("orderwire console sign-in v1")))
	}
	k.signin = all.Sum(nil)
	return k
}

func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// tokenKey returns the session key of the token, comparing against every configured token
// in constant time (neither content nor length leaks), or nil.
func (k keyring) tokenKey(token string) []byte {
	if token == "" {
		return nil
	}
	got := sha256.Sum256([]byte(token))
	var key []byte
	for i, want := range k.hashes {
		if subtle.ConstantTimeCompare(got[:], want[:]) == 1 {
			key = k.keys[i]
		}
	}
	return key
}

// session is a verified session: its id, the key of the token it was opened with and
// its expiry.
type session struct {
	id  []byte
	key []byte
	exp time.Time
}

// storeID is the session's id as the SessionRevoker keys it: 22 base64url characters of
// 16 bytes from crypto/rand. It alone opens nothing (a cookie also needs the MAC).
func (s session) storeID() string { return base64.RawURLEncoding.EncodeToString(s.id) }

// csrf is the CSRF value of the session's forms.
func (s session) csrf() string {
	return base64.RawURLEncoding.EncodeToString(mac(s.key, []byte("csrf\x00"), s.id))
}

// newCookieValue opens a session with key, expiring at exp.
func newCookieValue(key []byte, exp time.Time) string {
	buf := make([]byte, 8+idLen, cookieLen)
	binary.BigEndian.PutUint64(buf, uint64(exp.Unix()))
	if _, err := rand.Read(buf[8:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	buf = append(buf, mac(key, buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// verify checks a cookie value against every token's key (all of them, so the time taken
// does not say which token opened it) and the expiry.
func (k keyring) verify(value string, now time.Time) (session, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) != cookieLen {
		return session{}, false
	}
	body, sum := raw[:8+idLen], raw[8+idLen:]
	var found []byte
	for _, key := range k.keys {
		if hmac.Equal(mac(key, body), sum) {
			found = key
		}
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(body)), 0)
	if found == nil || !now.Before(exp) || exp.After(now.Add(SessionTTL+time.Minute)) {
		return session{}, false
	}
	return session{id: body[8:], key: found, exp: exp}, true
}

// signinPath is the sign-in page, where a request without a session is sent.
const signinPath = "/console/signin"

type sessionKey struct{}

// sessionOf returns the request's verified session (set by (*console).session).
func sessionOf(r *http.Request) (session, bool) {
	s, ok := r.Context().Value(sessionKey{}).(session)
	return s, ok
}

// liveSession is the request's session: a cookie with a good MAC, not expired, and not
// signed out (one read of Config.Sessions, when set). err is that read's failure.
func (c *console) liveSession(r *http.Request) (session, bool, error) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil {
		return session{}, false, nil
	}
	s, ok := c.keys.verify(ck.Value, c.now())
	if !ok || c.cfg.Sessions == nil {
		return s, ok, nil
	}
	revoked, err := c.cfg.Sessions.SessionRevoked(r.Context(), s.storeID(), c.now())
	if err != nil {
		return session{}, false, err
	}
	return s, !revoked, nil
}

// refuseUnavailable answers 503 when the session check could not be made (fail closed),
// logging the failure once, without the cookie.
func (c *console) refuseUnavailable(w http.ResponseWriter, r *http.Request, err error) {
	c.log.Error("console session check failed", "error", err)
	c.renderStatus(w, r, http.StatusServiceUnavailable, c.locale(r).T("error.unavailable"))
}

// session admits a request only with a live session (liveSession): without one a GET (or
// HEAD) is sent to the sign-in page (303) and anything else is 403; when the check fails the
// request is refused with 503 (fail closed). A POST must also carry the session's csrf form
// value.
func (c *console) session(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok, err := c.liveSession(r)
		if err != nil {
			c.refuseUnavailable(w, r, err)
			return
		}
		safe := r.Method == http.MethodGet || r.Method == http.MethodHead
		if !ok {
			if safe {
				http.Redirect(w, r, signinPath, http.StatusSeeOther)
				return
			}
			c.renderStatus(w, r, http.StatusForbidden, c.locale(r).T("error.no_session"))
			return
		}
		if !safe {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			got := r.PostFormValue("csrf")
			if subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf())) != 1 {
				c.renderStatus(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)), http.StatusForbidden,
					c.locale(r).T("error.csrf"))
				return
			}
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, s)))
	})
}

// secure reports whether the request came over https (directly, or through API Gateway or
// a proxy that says so).
func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (c *console) setSession(w http.ResponseWriter, r *http.Request, value string, exp time.Time) {
	ck := &http.Cookie{Name: SessionCookie, Value: value, Path: "/console/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: secure(r)}
	if value == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires, ck.MaxAge = exp.UTC(), int(exp.Sub(c.now())/time.Second)
	}
	http.SetCookie(w, ck)
}

// signinCSRF is the csrf value of a sign-in form shown at now: its expiry and a MAC.
func (c *console) signinCSRF(now time.Time) string {
	buf := binary.BigEndian.AppendUint64(nil, uint64(now.Add(signinFormTTL).Unix()))
	return base64.RawURLEncoding.EncodeToString(append(buf, mac(c.keys.signin, buf)...))
}

func (c *console) signinCSRFValid(v string, now time.Time) bool {
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(raw) != 8+macLen {
		return false
	}
	exp := time.Unix(int64(binary.BigEndian.Uint64(raw)), 0)
	return hmac.Equal(mac(c.keys.signin, raw[:8]), raw[8:]) && now.Before(exp)
}

func (c *console) signinPage(w http.ResponseWriter, r *http.Request) {
	c.renderSignin(w, r, http.StatusOK, "")
}

func (c *console) renderSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	v := c.view(r, "signin.title")
	// Without a session the language switch may only come back here (switchLang).
	v.Lang, v.Back = true, signinPath
	v.CSRF, v.Error = c.signinCSRF(c.now()), msg
	c.render(w, status, "signin", v)
}

// signin exchanges an API token for a session (303 to Today); a wrong token is 401 with
// the form again.
func (c *console) signin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if !c.signinCSRFValid(r.PostFormValue("csrf"), c.now()) {
		c.renderSignin(w, r, http.StatusForbidden, c.locale(r).T("error.csrf"))
		return
	}
	client := clientOf(r)
	if c.throttle.blocked(client, c.now()) {
		c.log.Warn("console sign-in throttled")
		c.renderSignin(w, r, http.StatusTooManyRequests, c.locale(r).T("signin.throttled"))
		return
	}
	key := c.keys.tokenKey(strings.TrimSpace(r.PostFormValue("token")))
	if key == nil {
		c.throttle.fail(client, c.now())
		c.log.Warn("console sign-in refused")
		c.renderSignin(w, r, http.StatusUnauthorized, c.locale(r).T("signin.wrong"))
		return
	}
	exp := c.now().Add(SessionTTL)
	c.setSession(w, r, newCookieValue(key, exp), exp)
	c.log.Info("console sign-in")
	http.Redirect(w, r, "/console/today", http.StatusSeeOther)
}

// signout records the session as revoked until its cookie expires, so that a copy of the
// cookie is refused from now on, then clears the cookie (303 to the sign-in page). When
// the revocation cannot be recorded it is 503 and the cookie stays: signing out again
// retries.
func (c *console) signout(w http.ResponseWriter, r *http.Request) {
	s, _ := sessionOf(r)
	if c.cfg.Sessions != nil {
		if err := c.cfg.Sessions.RevokeSession(r.Context(), s.storeID(), s.exp); err != nil {
			c.log.Error("console sign-out not recorded", "error", err)
			c.renderStatus(w, r, http.StatusServiceUnavailable, c.locale(r).T("error.unavailable"))
			return
		}
	}
	c.log.Info("console sign-out")
	c.setSession(w, r, "", time.Time{})
	http.Redirect(w, r, signinPath, http.StatusSeeOther)
}
