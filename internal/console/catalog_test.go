package console

import (
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
	"github.com/orderwire/orderwire/internal/store"
)

// TestCatalogsAreComplete: both catalogs hold the same messages, every message a template
// asks for (T "id") exists, and every value a template labels (Tf "prefix." value) has a
// label in both languages.
func TestCatalogsAreComplete(t *testing.T) {
	en, zh := locales()[LangEN].msgs, locales()[LangZH].msgs
	for id := range en {
		if _, ok := zh[id]; !ok {
			t.Errorf("zh-CN lacks %s", id)
		}
	}
	for id := range zh {
		if _, ok := en[id]; !ok {
			t.Errorf("en lacks %s", id)
		}
	}
	used := regexp.MustCompile(`\.T "([^"]+)"`)
	files, _ := fs.Glob(templateFiles, "templates/*.html")
	for _, f := range files {
		src, _ := fs.ReadFile(templateFiles, f)
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := en[m[1]]; !ok {
				t.Errorf("%s asks for %s, which no catalog has", f, m[1])
			}
		}
	}
	// Messages the Go code asks for.
	for _, id := range []string{"signin.wrong", "error.bad_lang", "orders.bad_filter", "orders.bad_cursor", "error.internal", "error.no_session", "error.csrf", "signin.throttled"} {
		if _, ok := en[id]; !ok {
			t.Errorf("no message %s", id)
		}
	}
	labelled := map[string][]string{"attention.": append(slices.Clone(attentionFilters), "unfiled"), "dispute.": {
		order.DisputeOpen, order.DisputeWon, order.DisputeLost, order.DisputeNeedsResponse, order.DisputeUnderReview, order.DisputeClosed},
		"message.": {order.NotificationPending, order.NotificationSending, order.NotificationSent, order.NotificationSkipped,
			order.NotificationFailed, order.NotificationUnknown},
		"by.": {"seller", "buyer"}, "why.": {store.WhyOrderNotRegistered, store.WhyReferenceNotBound, store.WhyReferenceConflict,
			store.WhyNoReference, store.WhyTrackingNotRegistered, store.WhyTrackingAmbiguous}, "error.": {"invalid", "not_found", "conflict", "unauthorized", "too_large"}}
	add := func(prefix string, values ...any) {
		for _, v := range values {
			labelled[prefix] = append(labelled[prefix], toString(v))
		}
	}
	for _, v := range order.Statuses {
		add("status.", v)
	}
	for _, v := range order.PaymentStatuses {
		add("payment.", v)
	}
	for _, v := range order.ShipmentStatuses {
		add("shipment.", v)
	}
	for _, v := range services {
		add("service.", v)
	}
	for _, v := range order.NotificationKinds {
		add("kind.", v)
	}
	for _, v := range reminder.Tiers {
		add("tier.", v)
	}
	for _, v := range channelChoices {
		add("channel.", v)
	}
	for _, v := range reminder.ReasonCodes {
		add("reason.", v)
	}
	for _, prefix := range slices.Sorted(maps.Keys(labelled)) {
		for _, v := range labelled[prefix] {
			if v == "" {
				v = "default"
			}
			if _, ok := en[prefix+v]; !ok {
				t.Errorf("no label %s%s", prefix, v)
			}
		}
	}
}

func toString(v any) string {
	switch v := v.(type) {
	case order.Status:
		return string(v)
	case order.PaymentStatus:
		return string(v)
	case order.ShipmentStatus:
		return string(v)
	case order.Service:
		return string(v)
	case order.NotificationKind:
		return string(v)
	case reminder.Tier:
		return string(v)
	case order.ChannelChoice:
		return string(v)
	case reminder.ReasonCode:
		return string(v)
	}
	panic("toString: a type it does not know")
}

// ratingCases reach every reason code of reminder.Rate.
var ratingCases = []order.BuyerStats{{}, {PaidBeforeReminder: 3}, {PaidBeforeReminder: 3, NeverPaid: 1},
	{PaidBeforeReminder: 9, DisputesLost: 2}, {NeverPaid: 2, PaidAfterReminders: 5}, {NeverPaid: 1},
	{PaidBeforeReminder: 1, PaidAfterReminders: 4}}

// TestRatingReasons: the English catalog says each reason exactly as reminder.Rate does;
// the Chinese one says it in Chinese with the same numbers; a rating without a code shows
// its Reason as it is.
func TestRatingReasons(t *testing.T) {
	en, zh := locales()[LangEN], locales()[LangZH]
	seen := map[reminder.ReasonCode]bool{}
	digits := regexp.MustCompile(`\d+`)
	for _, s := range ratingCases {
		r := reminder.Rate(s)
		seen[r.Code] = true
		if got := en.Rating(r); got != r.Reason {
			t.Errorf("en %s: %q, want %q", r.Code, got, r.Reason)
		}
		got := zh.Rating(r)
		if strings.ContainsAny(got, "%!") || strings.Contains(got, r.Reason) || !strings.ContainsFunc(got, isHan) {
			t.Errorf("zh-CN %s: %q (English %q)", r.Code, got, r.Reason)
		}
		if a, b := digits.FindAllString(got, -1), digits.FindAllString(r.Reason, -1); !slices.Equal(a, b) {
			t.Errorf("zh-CN %s: numbers %v, English %v", r.Code, a, b)
		}
	}
	if len(seen) != len(reminder.ReasonCodes) {
		t.Errorf("the cases reach %d of %d reason codes", len(seen), len(reminder.ReasonCodes))
	}
	if got := zh.Rating(reminder.Rating{Reason: "as it is"}); got != "as it is" {
		t.Errorf("no code: %q", got)
	}
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func TestLocaleFallsBack(t *testing.T) {
	zh := locales()[LangZH]
	if zh.T("nav.orders") != "订单" || zh.T("no.such.message") != "no.such.message" || zh.Tf("status.", "made_up") != "made_up" {
		t.Fatalf("T/Tf: %q %q %q", zh.T("nav.orders"), zh.T("no.such.message"), zh.Tf("status.", "made_up"))
	}
}

func TestAcceptLanguage(t *testing.T) {
	c := &console{}
	for header, want := range map[string]string{"zh": LangZH, "zh-Hans-CN,zh;q=0.9": LangZH, "fr-FR,fr;q=0.9": LangEN,
		"en-GB": LangEN, "": LangEN, "de;q=0.9,zh-CN;q=0.8": LangZH, "not a header;;": LangEN} {
		r := httptest.NewRequest("GET", "/console/today", nil)
		if header != "" {
			r.Header.Set("Accept-Language", header)
		}
		if got := c.locale(r).Lang; got != want {
			t.Errorf("Accept-Language %q: %s, want %s", header, got, want)
		}
	}
	r := httptest.NewRequest("GET", "/console/today", nil)
	r.Header.Set("Accept-Language", "zh-CN")
	r.AddCookie(&http.Cookie{Name: LangCookie, Value: "en"})
	if got := c.locale(r).Lang; got != LangEN {
		t.Errorf("the cookie says en, Accept-Language zh-CN: %s", got)
	}
	r.Header.Set("Cookie", LangCookie+"=xx")
	if got := c.locale(r).Lang; got != LangZH {
		t.Errorf("an unknown cookie value is ignored: %s", got)
	}
}
