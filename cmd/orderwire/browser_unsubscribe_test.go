package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderwire/orderwire/internal/browsertest"
	"github.com/orderwire/orderwire/internal/unsubscribe"
)

// TestBrowserUnsubscribe drives headless Chromium through the buyer's unsubscribe link on
// the real `orderwire serve` (embedded store): the link opens the confirmation page (200,
// no axe-core violation of any impact; opened twice, it still asks), its button unsubscribes
// (the page says so, again without any axe-core violation), and the link opened again says
// the buyer is already unsubscribed.
// The token is signed with the key the server is given (ORDERWIRE_UNSUBSCRIBE_KEYS).
func TestBrowserUnsubscribe(t *testing.T) {
	b := browsertest.Start(t, browsertest.Options{}) // skips without Chromium; fails under make test
	const tok = "tok-browser"
	key := randomKey(t)
	base, _, stop := startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t),
		"ORDERWIRE_API_TOKEN": tok, "ORDERWIRE_UNSUBSCRIBE_KEYS": key})
	defer stop()
	if code, body := call(t, "PUT", base+"/v1/orders/BR-1", tok, orderBody); code != 201 {
		t.Fatalf("PUT order: %d %s", code, body)
	}
	signer, err := unsubscribe.New([]string{key}, 0)
	if err != nil {
		t.Fatal(err)
	}
	link := unsubscribe.URL(base, signer.Token("buyer-1", time.Now()))

	if code := b.Open(link); code != 200 {
		t.Fatalf("GET the unsubscribe link: %d", code)
	}
	if h1 := browsertest.Get(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Unsubscribe from these emails?" {
		t.Errorf("confirmation page h1 %q", h1)
	}
	noAxeViolation(t, b, "unsubscribe confirmation")
	b.Screenshot("confirm")
	b.Open(link) // opening the link changes nothing: it still asks
	if h1 := browsertest.Get(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Unsubscribe from these emails?" {
		t.Fatalf("the link opened twice: h1 %q, want the confirmation again", h1)
	}

	if code := b.Load("press Unsubscribe", chromedp.Click(chromedp.CSS(`form button[type=submit]`))); code != 200 {
		t.Fatalf("POST the confirmation form: %d", code)
	}
	if p := browsertest.Get(b, "message", chromedp.Text(chromedp.CSS("p"))); !strings.Contains(p, "You have been unsubscribed") {
		t.Errorf("after the button: %q", p)
	}
	noAxeViolation(t, b, "unsubscribed")
	b.Screenshot("done")

	b.Open(link)
	if h1 := browsertest.Get(b, "h1", chromedp.Text(chromedp.CSS("h1"))); h1 != "Already unsubscribed" {
		t.Errorf("the link opened again: h1 %q, want Already unsubscribed", h1)
	}
	noAxeViolation(t, b, "already unsubscribed")
}

// noAxeViolation fails the test on any axe-core violation of the current page, whatever its
// impact (the buyer-facing pages are small enough to have none).
func noAxeViolation(t *testing.T, b *browsertest.Browser, page string) {
	t.Helper()
	for _, v := range b.Axe() {
		t.Errorf("axe %s: %s", page, v)
	}
}
