// Package console is the seller console: server-rendered HTML pages under /console/ where
// the seller runs the day (Today, Orders, Order, Inbox, Buyer), in English and Simplified
// Chinese. The same http.Handler (New) is mounted by internal/httpapi, so `orderwire serve`
// and the seller-api Lambda serve it alike.
//
// Deviations from the console contract (prompts/console-contract.md):
//   - GET /console/lang is open without a session for the sign-in page only (the contract
//     lists only signin and static as open): it sets the ow_lang cookie and redirects, and
//     without a session only back=/console/signin is honoured (anything else is 303 to the
//     sign-in page, no cookie set). It reads no data. So the sign-in page shows the
//     language switch; before a choice it follows the ow_lang cookie, else Accept-Language.
//   - The sign-in form's csrf value is not bound to a session (there is none yet): it is a
//     signed expiry (one hour) MACed with a key derived from every configured token. A POST
//     /console/signin without a valid one is 403. (Login CSRF gains an attacker nothing here:
//     whoever holds a token is the seller.)
//   - GET /console/lang with a `back` that is not a /console/ path is refused with 400.
//
// Security model:
//   - The cookie ow_session is base64url(expiry ‖ 16-byte random id ‖ HMAC-SHA256), so
//     opening a session writes nothing. The MAC key is derived from the token the seller
//     signed in with, so removing a token from the configuration ends every session opened
//     with it. Signing out records the session id as revoked until the cookie's expiry
//     (Config.Sessions: one item in the store, gone after that expiry) and clears the
//     cookie, so a copy of the cookie is refused from then on. Every request with a valid
//     cookie reads that record once; when the read fails the request is refused with 503
//     (fail closed), and the failure is logged without the cookie.
//   - The CSRF value of every form is HMAC(session key, "csrf" ‖ session id), compared in
//     constant time on every POST; a POST without a session is 403, a GET is 303 to the
//     sign-in page.
//   - Sign-in failures are counted per client address (throttle.go): ten within 15
//     minutes block that address's sign-ins (429) until the window ends.
//   - Every page is html/template (contextual auto-escaping); nothing a provider or buyer
//     controls is ever marked safe. Buyer email addresses and phone numbers are masked
//     (MaskEmail, MaskPhone) before they reach a template.
//   - Responses carry a Content-Security-Policy without inline script, frame-ancestors
//     'none', and Cache-Control: no-store.
package console
