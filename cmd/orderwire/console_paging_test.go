package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/orderwire/orderwire/internal/browsertest"
)

// signIn signs the browser in to the console at base with token, failing unless it lands
// on Today.
func signIn(t *testing.T, b *browsertest.Browser, base, token string) {
	t.Helper()
	b.Open(base + "/console/signin")
	b.Do("type the token", chromedp.SendKeys(chromedp.CSS(`form#signin input[name=token]`), token))
	if code := b.Load("sign in", chromedp.Click(chromedp.CSS(`form#signin button[type=submit]`))); code != 200 ||
		!strings.HasSuffix(b.Location(), "/console/today") {
		t.Fatalf("sign in: %d at %s, want /console/today", code, b.Location())
	}
}

// TestConsoleOrdersPaging: 60 unpaid orders, listed filtered by status, come as a full
// page of 50 with a#next-page (its href keeps the filter and adds a cursor), then the 10
// others and no a#next-page; no order twice, none missing.
func TestConsoleOrdersPaging(t *testing.T) {
	b := browsertest.Start(t, browsertest.Options{}) // skips without Chromium; fails under make test
	const tok, total = "tok-paging", 60
	base, _, stop := startServe(t, map[string]string{"ORDERWIRE_DATA_DIR": privateDir(t), "ORDERWIRE_API_TOKEN": tok})
	defer stop()
	now := time.Now().UTC().Truncate(time.Second)
	want := map[string]bool{}
	for i := range total {
		id := fmt.Sprintf("PG-%04d", i)
		body := fmt.Sprintf(`{"buyer":{"id":"buyer-pg%d","name":"Buyer %d","email":"pg%d@example.com","locale":"en-US","timezone":"UTC","country":"US"},
		 "amount_minor":%d,"currency":"USD","created_at":%q,"payment_due_at":%q}`, i, i, i, 1000+i,
			now.Add(time.Duration(i-total)*time.Minute).Format(time.RFC3339), now.Add(72*time.Hour).Format(time.RFC3339))
		if code, raw := call(t, "PUT", base+"/v1/orders/"+id, tok, body); code != 201 {
			t.Fatalf("PUT %s: %d %s", id, code, raw)
		}
		want[id] = true
	}
	signIn(t, b, base, tok)

	seen := map[string]int{}
	if code := b.Open(base + "/console/orders?status=pending_payment"); code != 200 {
		t.Fatalf("orders page: %d", code)
	}
	first := b.Attrs(`table#orders tbody tr[data-order-id]`, "data-order-id")
	next := b.Attr("a#next-page", "href")
	if len(first) != 50 || !strings.Contains(next, "cursor=") || !strings.Contains(next, "status=pending_payment") {
		t.Fatalf("first page: %d rows, a#next-page %q; want 50 and a link keeping the filter with a cursor", len(first), next)
	}
	visit(t, b, "orders-page1")
	b.Load("next page", chromedp.Click(chromedp.CSS("a#next-page")))
	second := b.Attrs(`table#orders tbody tr[data-order-id]`, "data-order-id")
	if len(second) != total-50 || b.Count("a#next-page") != 0 {
		t.Errorf("second page: %d rows, %d a#next-page; want %d and none", len(second), b.Count("a#next-page"), total-50)
	}
	visit(t, b, "orders-page2")
	for _, id := range append(first, second...) {
		seen[id]++
		if !want[id] || seen[id] > 1 {
			t.Errorf("order %s listed %d times (known %v)", id, seen[id], want[id])
		}
	}
	if len(seen) != total {
		t.Errorf("%d distinct orders over both pages, want %d", len(seen), total)
	}
}
