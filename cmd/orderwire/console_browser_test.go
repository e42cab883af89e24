package main

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/orderwire/orderwire/internal/browsertest"
	"github.com/orderwire/orderwire/internal/evidencepack"
)

// TestConsoleWalk is issue 12's "Done means" walk through the seller console in headless
// Chromium, on the real `orderwire serve` (seedConsole's world), element ids and URLs as
// in the console contract: sign in; Today lists the dispute with its deadline; filter the
// orders by status and search one; open an order and see its checkpoints, messages and
// dispute; register a parcel; look at the buyer; file the unfiled event on an order from
// the Inbox and see the order change; download the evidence pack and verify it; switch to
// Chinese and back; sign out and be refused, also with the session cookie copied before
// signing out. Every page visited is checked by axe-core (no serious or critical
// violation) and saved as a PNG under bin/screenshots/. The steps
// run in this order (each later one sees what the earlier ones changed); a failed sign-in
// stops the walk, any other failed step is reported and the walk goes on.
func TestConsoleWalk(t *testing.T) {
	browser := browsertest.Start(t, browsertest.Options{}) // skips without Chromium; fails under make test
	w := seedConsole(t)
	steps := []struct {
		name string
		run  func(t *testing.T, b *browsertest.Browser, w *consoleWorld)
	}{
		{"signin", consoleSignIn},
		{"today", consoleToday},
		{"orders", consoleOrders},
		{"order", consoleOrder},
		{"register-parcel", consoleRegisterParcel},
		{"buyer", consoleBuyer},
		{"file-unfiled", consoleFileUnfiled},
		{"evidence", consoleEvidence},
		{"chinese", consoleChinese},
		{"signout", consoleSignOut},
	}
	for _, s := range steps {
		if !t.Run(s.name, func(t *testing.T) { s.run(t, browser.For(t), w) }) && s.name == "signin" {
			t.Fatal("signing in failed; every step after it needs the session")
		}
	}
}

// visit checks the page the browser is on: exactly one h1, a main, a lang attribute, no
// buyer contact detail in clear, no horizontal overflow, no serious or critical axe-core
// violation; then saves it.
func visit(t *testing.T, b *browsertest.Browser, name string) {
	t.Helper()
	if n := b.Count("h1"); n != 1 {
		t.Errorf("%s: %d h1, want 1", name, n)
	}
	if n := b.Count("main"); n != 1 {
		t.Errorf("%s: %d main, want 1", name, n)
	}
	if lang := b.Attr("html", "lang"); lang != "en" && lang != "zh-CN" {
		t.Errorf("%s: html lang %q", name, lang)
	}
	html := browsertest.Get(b, "page html", chromedp.Evaluate[string](`document.documentElement.outerHTML`))
	for i, clear := range cwContacts {
		if strings.Contains(html, clear) {
			t.Errorf("%s: a buyer contact detail is shown in clear (cwContacts[%d])", name, i)
		}
	}
	// The browser is 1280 px wide: nothing (a long id in a table, say) may widen the page.
	if over := browsertest.Get(b, "page overflow", chromedp.Evaluate[int](
		`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); over > 0 {
		t.Errorf("%s: the page is %d px wider than the window", name, over)
	}
	b.CheckAccessible(name)
	b.Screenshot(name)
}

func consoleSignIn(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	if code := b.Open(w.base + "/console/"); code != 200 || !strings.HasSuffix(b.Location(), "/console/signin") {
		t.Fatalf("GET /console/ without a session: %d at %s, want the sign-in page", code, b.Location())
	}
	if n := b.Count(`form#signin input[name=token][type=password]`); n != 1 {
		t.Fatalf("sign-in form: %d token inputs of type password", n)
	}
	visit(t, b, "signin")

	b.Do("type a wrong token", chromedp.SendKeys(chromedp.CSS(`form#signin input[name=token]`), "not-the-token"))
	if code := b.Load("sign in with a wrong token", chromedp.Click(chromedp.CSS(`form#signin button[type=submit]`))); code != 401 {
		t.Errorf("wrong token: %d, want 401", code)
	}
	if b.Count("p.error") != 1 || b.Count("form#signin") != 1 {
		t.Errorf("wrong token: %d p.error, %d form#signin; want the form again with an error", b.Count("p.error"), b.Count("form#signin"))
	}
	if c := b.Cookie(w.base+"/console/", "ow_session"); c != nil {
		t.Errorf("a wrong token set the session cookie")
	}
	visit(t, b, "signin-refused")

	signIn(t, b, w.base, w.token)
	c := b.Cookie(w.base+"/console/", "ow_session")
	if c == nil {
		t.Fatal("signed in, but no ow_session cookie")
	}
	expires := time.Unix(int64(c.Expires), 0)
	if !c.HTTPOnly || c.SameSite != "Strict" || c.Path != "/console/" || c.Secure || c.Session ||
		expires.Before(time.Now()) || expires.After(time.Now().Add(8*time.Hour+time.Minute)) {
		t.Errorf("ow_session: HttpOnly %v, SameSite %q, Path %q, Secure %v (plain http), session-only %v, expires %s; "+
			"want HttpOnly, Strict, /console/, not Secure, expiring within 8 h", c.HTTPOnly, c.SameSite, c.Path, c.Secure,
			c.Session, expires.UTC().Format(time.RFC3339))
	}
	if b.Count(`form#signout input[name=csrf]`) != 1 {
		t.Errorf("no form#signout with a csrf field in the header")
	}
}

func consoleToday(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/today")
	if n := b.Count(`table#attention-unfiled tr[data-event-id="` + w.unfiledID + `"]`); n != 1 {
		t.Errorf("Today: %d rows for the unfiled event %s, want 1", n, w.unfiledID)
	}
	visit(t, b, "today")
	disputes := `section#attention table#attention-dispute_response tbody tr[data-order-id]`
	if ids := b.Attrs(disputes, "data-order-id"); !slices.Equal(ids, []string{cwEarlier, cwDisputed}) {
		t.Fatalf("Today: dispute rows %v, want [%s %s] (earliest deadline first)", ids, cwEarlier, cwDisputed)
	}
	deadline := b.Attrs(disputes+` time`, "datetime")
	if len(deadline) != 2 {
		t.Fatalf("Today: deadlines %q, want one <time> per dispute row", deadline)
	}
	for i, due := range []time.Time{w.earlierDue, w.dueBy} {
		if at, err := time.Parse(time.RFC3339, deadline[i]); err != nil || !at.Equal(due) {
			t.Errorf("Today: dispute row %d has <time datetime=%q> (%v), want %s", i, deadline[i], err, due.Format(time.RFC3339))
		}
	}
	if first := b.Attr(`section#attention table`, "id"); first != "attention-dispute_response" {
		t.Errorf("Today: the first table is #%s, want disputes first", first)
	}
	counts := b.Texts(`section#attention span.count`)
	if len(counts) == 0 || counts[0] != "2" || !slices.Contains(counts, "1") {
		t.Errorf("Today: counts %q, want 2 disputes first and 1 unfiled event", counts)
	}
}

// orderIDs are the order ids of the rows of table#orders.
func orderIDs(b *browsertest.Browser) []string {
	ids := b.Attrs(`table#orders tbody tr[data-order-id]`, "data-order-id")
	slices.Sort(ids)
	return ids
}

func consoleOrders(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/orders")
	if ids := orderIDs(b); !slices.Equal(ids, []string{cwDisputed, cwUnpaid, cwPaid, cwEarlier}) {
		t.Errorf("Orders: %v, want all four", ids)
	}
	visit(t, b, "orders")

	b.Do("choose status awaiting_shipment", chromedp.SetValue(chromedp.CSS(`form#order-filters select[name=status]`), "awaiting_shipment"))
	if code := b.Load("filter", chromedp.Click(chromedp.CSS(`form#order-filters button[type=submit]`))); code != 200 {
		t.Fatalf("filter by status: %d", code)
	}
	if !strings.Contains(b.Location(), "status=awaiting_shipment") {
		t.Errorf("filtered page at %s, want status=awaiting_shipment in the URL (a GET form)", b.Location())
	}
	if ids := orderIDs(b); !slices.Equal(ids, []string{cwPaid, cwEarlier}) {
		t.Errorf("Orders with status awaiting_shipment: %v, want [%s %s]", ids, cwPaid, cwEarlier)
	}
	visit(t, b, "orders-awaiting_shipment")

	b.Open(w.base + "/console/orders")
	b.Do("search an order id", chromedp.SendKeys(chromedp.CSS(`form#order-filters input[name=q]`), cwUnpaid))
	b.Load("search", chromedp.Click(chromedp.CSS(`form#order-filters button[type=submit]`)))
	if ids := orderIDs(b); !slices.Equal(ids, []string{cwUnpaid}) {
		t.Errorf("Orders searched for %s: %v", cwUnpaid, ids)
	}
}

func consoleOrder(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	if code := b.Open(w.base + "/console/orders/" + cwDisputed); code != 200 {
		t.Fatalf("order page: %d", code)
	}
	if s := b.Text("section#summary"); !contains(s, "delivered") || !strings.Contains(s, "49.99") {
		t.Errorf("summary %q: want the status delivered and the amount 49.99", s)
	}
	parcel := `section#parcels div.parcel[data-tracking-number="` + cwParcel + `"]`
	if n := b.Count(parcel); n != 1 {
		t.Fatalf("%d parcels %s", n, cwParcel)
	}
	if cps := b.Texts(parcel + ` li.checkpoint`); len(cps) < 3 {
		t.Errorf("checkpoints %q: want at least the three AfterShip updates", cps)
	}
	// Each row: what was sent, then its status. The payment and delivery messages are in
	// the local outbox before the walk starts (seedConsole waits for the delivery's); the
	// shipped and out-for-delivery ones may be skipped when the delivery overtakes them.
	messages := browsertest.Get(b, "message rows", chromedp.Evaluate[[][2]string](`Array.from(
		document.querySelectorAll('section#messages tr.message'),
		tr => [tr.cells[0].textContent.trim(), tr.querySelector('td.status').textContent.trim()])`))
	sent := map[string]bool{}
	for _, m := range messages {
		for _, kind := range []string{"Payment received", "Delivered"} {
			if strings.HasPrefix(m[0], kind) && contains(m[1], "sent") {
				sent[kind] = true
			}
		}
	}
	if !sent["Payment received"] || !sent["Delivered"] {
		t.Errorf("messages %q: want Payment received and Delivered, each with the status sent", messages)
	}
	if at, err := time.Parse(time.RFC3339, b.Attr(`section#disputes time`, "datetime")); err != nil || !at.Equal(w.dueBy) {
		t.Errorf("disputes: deadline %v (%v), want %s", at, err, w.dueBy)
	}
	if n := b.Count(`section#timeline`); n != 1 {
		t.Errorf("%d section#timeline", n)
	}
	if href := b.Attr(`a#evidence-download`, "href"); href != "/console/orders/"+cwDisputed+"/evidence" {
		t.Errorf("a#evidence-download href %q", href)
	}
	visit(t, b, "order")

	// A buyer whose name is a tag: shown as text, no script element made of it.
	b.Open(w.base + "/console/orders/" + cwPaid)
	if !strings.Contains(b.Text("main"), cwTagName) {
		t.Errorf("order %s: the buyer's name %q is not shown as text", cwPaid, cwTagName)
	}
	if n := browsertest.Get(b, "scripts", chromedp.Evaluate[int](`Array.from(document.scripts).filter(s => s.textContent.includes('alert(1)')).length`)); n != 0 {
		t.Errorf("order %s: the buyer's name became %d script element(s)", cwPaid, n)
	}
}

func consoleRegisterParcel(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/orders/" + cwPaid)
	if b.Count(`form#register-parcel input[name=csrf]`) != 1 {
		t.Errorf("form#register-parcel has no csrf field")
	}
	b.Do("fill the parcel form",
		chromedp.SendKeys(chromedp.CSS(`form#register-parcel input[name=carrier]`), "china-post"),
		chromedp.SendKeys(chromedp.CSS(`form#register-parcel input[name=tracking_number]`), cwNewParcel))
	if code := b.Load("register", chromedp.Click(chromedp.CSS(`form#register-parcel button[type=submit]`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/orders/"+cwPaid) {
		t.Fatalf("register a parcel: %d at %s, want back on the order", code, b.Location())
	}
	if n := b.Count(`section#parcels div.parcel[data-tracking-number="` + cwNewParcel + `"]`); n != 1 {
		t.Errorf("after registering: %d parcels %s", n, cwNewParcel)
	}
	var got walkOrder
	if code, _ := w.api("GET", "/v1/orders/"+cwPaid, "", &got); code != 200 || got.Status != "shipped" ||
		len(got.Shipments) != 1 || got.Shipments[0].TrackingNumber != cwNewParcel {
		t.Errorf("API after registering: %d status %q shipments %+v", code, got.Status, got.Shipments)
	}
	// The same form without its csrf value is refused.
	if code := b.Fetch("POST", "/console/orders/"+cwPaid+"/shipments",
		map[string]string{"carrier": "china-post", "tracking_number": "RR111111115CN", "csrf": "forged"}); code != http.StatusForbidden {
		t.Errorf("POST shipments with a wrong csrf: %d, want 403", code)
	}
	visit(t, b, "order-registered")
}

func consoleBuyer(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	if code := b.Open(w.base + "/console/buyers/buyer-cw1"); code != 200 {
		t.Fatalf("buyer page: %d", code)
	}
	if b.Count(`form#preferences input[name=csrf]`) != 1 {
		t.Errorf("form#preferences has no csrf field")
	}
	visit(t, b, "buyer")
	if code := b.Load("save preferences", chromedp.Click(chromedp.CSS(`form#preferences button[type=submit]`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/buyers/buyer-cw1") {
		t.Errorf("save preferences: %d at %s, want back on the buyer", code, b.Location())
	}
}

func consoleFileUnfiled(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/orders/" + cwUnpaid)
	before := b.Text("section#summary")
	if !contains(before, "awaiting payment") && !contains(before, "pending payment") {
		t.Errorf("%s before filing: summary %q, want awaiting payment", cwUnpaid, before)
	}
	b.Open(w.base + "/console/inbox")
	row := `table#unfiled tbody tr[data-event-id="` + w.unfiledID + `"][data-provider="stripe"]`
	if n := b.Count(row + ` form.assign input[name=csrf]`); n != 1 {
		t.Fatalf("Inbox: %d assign forms with csrf for %s", n, w.unfiledID)
	}
	if n := b.Count(`table#unknown-messages`); n != 1 {
		t.Errorf("Inbox: %d table#unknown-messages", n)
	}
	visit(t, b, "inbox")
	b.Do("type the order id", chromedp.SendKeys(chromedp.CSS(row+` form.assign input[name=order_id]`), cwUnpaid))
	if code := b.Load("file", chromedp.Click(chromedp.CSS(row+` form.assign button`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/orders/"+cwUnpaid) {
		t.Fatalf("file the event: %d at %s, want the order page", code, b.Location())
	}
	after := b.Text("section#summary")
	if after == before || !contains(after, "awaiting_shipment") {
		t.Errorf("%s after filing: summary %q, want awaiting shipment (was %q)", cwUnpaid, after, before)
	}
	visit(t, b, "order-filed")
	var got walkOrder
	if code, _ := w.api("GET", "/v1/orders/"+cwUnpaid, "", &got); code != 200 || got.Status != "awaiting_shipment" || got.PaidMinor != 2500 {
		t.Errorf("API after filing: %d status %q paid %d", code, got.Status, got.PaidMinor)
	}
	b.Open(w.base + "/console/inbox")
	if n := b.Count(`table#unfiled tr[data-event-id="` + w.unfiledID + `"]`); n != 0 {
		t.Errorf("Inbox after filing still lists %s", w.unfiledID)
	}
}

func consoleEvidence(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/orders/" + cwDisputed)
	name, pack := b.Download(chromedp.CSS("a#evidence-download"))
	b.Screenshot("after-download") // the page stays: the pack is an attachment
	if !strings.HasSuffix(name, ".zip") || !bytes.HasPrefix(pack, []byte("PK\x03\x04")) {
		t.Fatalf("download %q: %d bytes, want a zip", name, len(pack))
	}
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil || m.OrderID != cwDisputed {
		t.Fatalf("the downloaded pack: Verify %v, order %q", err, m.OrderID)
	}
	if len(m.Events) < 5 || len(m.Messages) < 2 {
		t.Errorf("the pack holds %d events and %d messages, want the payment, 3 carrier updates, the dispute and at least the payment and delivery messages",
			len(m.Events), len(m.Messages))
	}
}

// hasHan reports whether s has a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

func consoleChinese(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/today")
	if b.Attr("html", "lang") != "en" || hasHan(b.Text("h1")) {
		t.Fatalf("before the switch: lang %q, h1 %q", b.Attr("html", "lang"), b.Text("h1"))
	}
	if code := b.Load("switch to Chinese", chromedp.Click(chromedp.CSS("a#lang-zh-CN"))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/today") {
		t.Fatalf("switch: %d at %s, want back on /console/today", code, b.Location())
	}
	if lang, h1 := b.Attr("html", "lang"), b.Text("h1"); lang != "zh-CN" || !hasHan(h1) {
		t.Errorf("after the switch: lang %q, h1 %q; want zh-CN and Chinese", lang, h1)
	}
	if c := b.Cookie(w.base+"/console/", "ow_lang"); c == nil || c.Value != "zh-CN" {
		t.Errorf("ow_lang cookie %+v, want zh-CN", c)
	}
	visit(t, b, "today-zh-CN")
	b.Open(w.base + "/console/orders/" + cwDisputed)
	if b.Attr("html", "lang") != "zh-CN" {
		t.Errorf("the next page is not in Chinese")
	}
	visit(t, b, "order-zh-CN")

	// The switch goes back only to a console path.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, back := range []string{"https://evil.example/", "//evil.example/console/", "/v1/orders"} {
		resp, err := client.Get(w.base + "/console/lang?to=en&back=" + back)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && !strings.HasPrefix(loc, "/console/") {
			t.Errorf("GET /console/lang back=%s: redirects to %q", back, loc)
		}
	}

	b.Load("switch to English", chromedp.Click(chromedp.CSS("a#lang-en")))
	if lang := b.Attr("html", "lang"); lang != "en" {
		t.Errorf("after switching back: lang %q", lang)
	}
}

func consoleSignOut(t *testing.T, b *browsertest.Browser, w *consoleWorld) {
	b.Open(w.base + "/console/today")
	// A copy of the session (cookie and csrf value) taken before signing out, replayed from
	// elsewhere: it works now, and must not once the seller has signed out.
	copied := b.Cookie(w.base+"/console/", "ow_session")
	if copied == nil || copied.Value == "" {
		t.Fatal("signed in, but no ow_session cookie")
	}
	oldCSRF := b.Attr(`form#signout input[name=csrf]`, "value")
	if code, loc := replaySession(t, w.base, "GET", "/console/today", copied.Value, ""); code != http.StatusOK {
		t.Fatalf("the copied cookie before signing out: %d %s, want 200", code, loc)
	}
	if code := b.Load("sign out", chromedp.Click(chromedp.CSS(`form#signout button[type=submit]`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/signin") {
		t.Fatalf("sign out: %d at %s, want the sign-in page", code, b.Location())
	}
	if c := b.Cookie(w.base+"/console/", "ow_session"); c != nil && c.Value != "" {
		t.Errorf("signed out, but ow_session is still there")
	}
	visit(t, b, "signed-out")
	for _, path := range []string{"/console/today", "/console/orders", "/console/orders/" + cwDisputed, "/console/inbox",
		"/console/buyers/buyer-cw1", "/console/orders/" + cwDisputed + "/evidence"} {
		if code := b.Open(w.base + path); code != 200 || !strings.HasSuffix(b.Location(), "/console/signin") {
			t.Errorf("GET %s signed out: %d at %s, want the sign-in page", path, code, b.Location())
		}
	}
	if code := b.Fetch("POST", "/console/inbox/assign", map[string]string{"provider": "stripe",
		"event_id": w.unfiledID, "order_id": cwPaid}); code != http.StatusForbidden {
		t.Errorf("POST /console/inbox/assign signed out: %d, want 403", code)
	}
	for _, path := range []string{"/console/today", "/console/orders/" + cwDisputed, "/console/orders/" + cwDisputed + "/evidence"} {
		if code, loc := replaySession(t, w.base, "GET", path, copied.Value, ""); code != http.StatusSeeOther || loc != "/console/signin" {
			t.Errorf("GET %s with the cookie copied before signing out: %d %s, want 303 to the sign-in page", path, code, loc)
		}
	}
	if code, _ := replaySession(t, w.base, "POST", "/console/inbox/assign", copied.Value,
		"csrf="+oldCSRF+"&provider=stripe&event_id="+w.unfiledID+"&order_id="+cwPaid); code != http.StatusForbidden {
		t.Errorf("POST /console/inbox/assign with the copied cookie and its csrf value: %d, want 403", code)
	}
}

// replaySession sends one request to base+path with only the ow_session cookie value (and
// form, for a POST), following no redirect, and returns the status and Location.
func replaySession(t *testing.T, base, method, path, session, form string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	if form != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "ow_session", Value: session})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// TestConsoleAcceptLanguage: with no ow_lang cookie the console speaks the browser's
// language, here Simplified Chinese, on the sign-in page (axe-checked like every page);
// the sign-in page's own language switch, used without a session, turns it to English.
func TestConsoleAcceptLanguage(t *testing.T) {
	b := browsertest.Start(t, browsertest.Options{AcceptLanguage: "zh-CN,zh;q=0.9,en;q=0.5"})
	base, _, stop := startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": "tok-lang"})
	defer stop()
	if code := b.Open(base + "/console/signin"); code != 200 {
		t.Fatalf("GET /console/signin: %d", code)
	}
	if lang, h1 := b.Attr("html", "lang"), b.Text("h1"); lang != "zh-CN" || !hasHan(h1) {
		t.Errorf("Accept-Language zh-CN: lang %q, h1 %q; want zh-CN and Chinese", lang, h1)
	}
	visit(t, b, "signin-zh-CN")
	if code := b.Load("switch sign-in to English", chromedp.Click(chromedp.CSS("a#lang-en"))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/signin") {
		t.Fatalf("switch on sign-in: %d at %s, want back on /console/signin", code, b.Location())
	}
	if lang, h1 := b.Attr("html", "lang"), b.Text("h1"); lang != "en" || hasHan(h1) {
		t.Errorf("after the switch on sign-in: lang %q, h1 %q; want en", lang, h1)
	}
	if c := b.Cookie(base+"/console/", "ow_lang"); c == nil || c.Value != "en" {
		t.Errorf("ow_lang cookie %+v, want en", c)
	}
	if b.Attr("a#lang-zh-CN", "href") == "" {
		t.Error("no way back to Chinese on the English sign-in page")
	}
	visit(t, b, "signin-en")
}
