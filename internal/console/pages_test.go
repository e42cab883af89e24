package console_test

import (
	"fmt"
	"net/http"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// pageWants are the contract's elements each page must hold (console-contract.md).
var pageWants = map[string][]string{
	"/console/today": {`<section id="attention"`, `<table id="attention-dispute_response"`,
		`<table id="attention-parcel_problem"`, `<table id="attention-unfiled"`, `data-order-id="AE-1001"`,
		`data-event-id="evt_unfiled_1"`, `<time datetime="2026-12-12T23:59:00Z">`, `<span class="count">1</span>`},
	"/console/orders": {`<form id="order-filters" method="get"`, `<select id="f-status" name="status">`,
		`name="payment_status"`, `name="attention"`, `name="q"`, `<table id="orders">`,
		`<tr data-order-id="AE-1001">`, `<tr data-order-id="AE-1002">`},
	"/console/orders/AE-1001": {`<section id="summary"`, `<section id="parcels"`, `<div class="parcel" data-tracking-number="RR123456785CN">`,
		`<li class="checkpoint">`, `Held by customs`, `<section id="timeline"`, `<section id="messages"`, `<tr class="message">`,
		`<td class="status">`, `<section id="disputes"`, `<time datetime="2026-12-12T23:59:00Z">`,
		`<a id="evidence-download" href="/console/orders/AE-1001/evidence"`, `<form id="register-parcel"`,
		`name="carrier"`, `name="tracking_number"`, `product_not_received`},
	"/console/inbox": {`<table id="unfiled">`, `<tr data-event-id="evt_unfiled_1" data-provider="stripe">`,
		`<form class="assign" method="post" action="/console/inbox/assign">`, `name="order_id" value="AE-9999"`,
		`<table id="unknown-messages">`},
	"/console/buyers/buyer-1": {`<form id="preferences" method="post" action="/console/buyers/buyer-1/preferences"`,
		`id="rating"`, `id="rating-reason"`, `<select id="p-default" name="default">`},
}

// langWants is a message of each language that every signed-in page shows.
var langWants = map[string]string{"en": "Sign out", "zh-CN": "退出登录"}

func TestEveryPageRendersInBothLanguages(t *testing.T) {
	e := newEnv(t)
	for _, lang := range []string{"en", "zh-CN"} {
		c := e.signedIn()
		c.header.Set("Accept-Language", map[string]string{"en": "en-US,en;q=0.9", "zh-CN": "zh-CN,zh;q=0.9,en;q=0.5"}[lang])
		for path, wants := range pageWants {
			rec := c.do("GET", path, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("%s GET %s: %d\n%s", lang, path, rec.Code, body)
			}
			checkPage(t, lang, path, body)
			for _, want := range wants {
				if !strings.Contains(body, want) {
					t.Errorf("%s GET %s: no %s", lang, path, want)
				}
			}
		}
	}
}

// checkPage checks what every page must have: the language, one h1, a main, the header
// with the language switch and the sign-out form, labelled controls.
func checkPage(t *testing.T, lang, path, body string) {
	t.Helper()
	for _, want := range []string{`<html lang="` + lang + `">`, `<main>`, `<a id="lang-en"`, `<a id="lang-zh-CN"`,
		`<form id="signout" method="post" action="/console/signout">`, langWants[lang]} {
		if !strings.Contains(body, want) {
			t.Errorf("%s GET %s: no %s", lang, path, want)
		}
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("%s GET %s: %d h1", lang, path, n)
	}
	for _, id := range regexp.MustCompile(`<(?:input|select)[^>]* id="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(body, `for="`+id[1]+`"`) {
			t.Errorf("%s GET %s: control #%s has no label", lang, path, id[1])
		}
	}
	for _, ctl := range regexp.MustCompile(`<(?:input|select)[^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(ctl, `type="hidden"`) && !strings.Contains(ctl, ` id="`) {
			t.Errorf("%s GET %s: control without id (so without label): %s", lang, path, ctl)
		}
	}
}

func TestTodayListsDisputesFirstWithTheirDeadline(t *testing.T) {
	body := newEnv(t).signedIn().do("GET", "/console/today", nil).Body.String()
	dispute := strings.Index(body, `id="attention-dispute_response"`)
	parcel := strings.Index(body, `id="attention-parcel_problem"`)
	unfiled := strings.Index(body, `id="attention-unfiled"`)
	if dispute < 0 || !(dispute < parcel && parcel < unfiled) {
		t.Fatalf("tables out of order: dispute %d, parcel %d, unfiled %d", dispute, parcel, unfiled)
	}
	if strings.Contains(body, `id="attention-unshipped"`) {
		t.Error("an attention table with no order in it")
	}
}

func TestOrdersFiltersAndSearch(t *testing.T) {
	c := newEnv(t).signedIn()
	body := c.do("GET", "/console/orders?status=pending_payment", nil).Body.String()
	if !strings.Contains(body, `data-order-id="AE-1002"`) || strings.Contains(body, `data-order-id="AE-1001"`) {
		t.Errorf("status filter: %s", body)
	}
	if !strings.Contains(body, `<option value="pending_payment" selected>`) {
		t.Error("the chosen status is not selected in the form")
	}
	body = c.do("GET", "/console/orders?q=AE-1001", nil).Body.String()
	if strings.Count(body, `data-order-id="AE-1001"`) != 1 || strings.Contains(body, `data-order-id="AE-1002"`) {
		t.Errorf("search by order id: %s", body)
	}
	body = c.do("GET", "/console/orders?q=buyer-1", nil).Body.String()
	if !strings.Contains(body, `data-order-id="AE-1001"`) || !strings.Contains(body, `data-order-id="AE-1002"`) {
		t.Errorf("search by buyer id: %s", body)
	}
	for _, bad := range []string{"status=lost", "attention=x", "q=%3Cx%3E", "cursor=zz"} {
		if rec := c.do("GET", "/console/orders?"+bad, nil); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), `class="error"`) {
			t.Errorf("GET /console/orders?%s: %d", bad, rec.Code)
		}
	}
}

func TestOrdersPaging(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	// Page size 50 is more than the two orders: no next link.
	if body := c.do("GET", "/console/orders", nil).Body.String(); strings.Contains(body, `id="next-page"`) {
		t.Error("a next page link on the only page")
	}
	svc := e.cfg.Orders.(*seller.Service)
	for i := range 60 {
		id := fmt.Sprintf("BULK-%03d", i)
		if _, _, err := svc.PutOrder(t.Context(), id, order.Terms{Buyer: order.Buyer{ID: "bulk-buyer", Name: "Bulk",
			Email: "bulk@example.org", Locale: "en", TimeZone: "UTC", Country: "DE"}, AmountMinor: 100, Currency: "EUR",
			PaymentDueAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	body := c.do("GET", "/console/orders?status=pending_payment", nil).Body.String()
	m := regexp.MustCompile(`<a id="next-page" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no next page link")
	}
	next := strings.ReplaceAll(m[1], "&amp;", "&")
	u, err := url.Parse(next)
	if err != nil || u.Query().Get("cursor") == "" || u.Query().Get("status") != "pending_payment" {
		t.Fatalf("next page link %q", next)
	}
	if rows := strings.Count(c.do("GET", next, nil).Body.String(), `<tr data-order-id=`); rows != 11 {
		t.Errorf("second page: %d rows, want 11 (61 orders awaiting payment, 50 a page)", rows)
	}
}

func TestTimesInTheSellersZoneAndTheUnshippedSetting(t *testing.T) {
	e := newEnv(t)
	lister := &recordingLister{Lister: e.st}
	cfg := e.cfg
	cfg.TimeZone, _ = time.LoadLocation("Asia/Shanghai")
	cfg.UnshippedAfter = 5 * 24 * time.Hour
	cfg.List = lister
	e.handler = console.New(cfg)
	body := e.signedIn().do("GET", "/console/today", nil).Body.String()
	if !strings.Contains(body, `<time datetime="2026-12-13T07:59:00&#43;08:00">2026-12-13 07:59 CST</time>`) {
		t.Errorf("the deadline is not in the seller's zone:\n%s", body)
	}
	if lister.last.UnshippedAfter != 5*24*time.Hour || !lister.last.Now.Equal(now) {
		t.Errorf("the listing was asked with %+v", lister.last)
	}
}

// TestRatingReasonInChinese: the Buyer page says the rating's reason in the page's language
// (buyer-1 has paid one order, before any reminder, and left one unpaid but still open).
func TestRatingReasonInChinese(t *testing.T) {
	c := newEnv(t).signedIn()
	for lang, want := range map[string]string{
		"en":    `<dd id="rating-reason">1 paid (0 after reminders), 0 never paid</dd>`,
		"zh-CN": `<dd id="rating-reason">已付款 1 笔（其中提醒后付款 0 笔），从未付款 0 笔</dd>`} {
		c.header.Set("Accept-Language", lang)
		rec := c.do("GET", "/console/buyers/buyer-1", nil)
		if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("%s: %d, no %s", lang, rec.Code, want)
		}
	}
}
