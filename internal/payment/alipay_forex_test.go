package payment

import (
	"context"
	"crypto"
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/order/ordertest"
)

const alipayMD5Key = "0123456789abcdefghijklmnopqrstuv" // 32 letters and digits, as Alipay issues

// alipaySigned appends sign_type and sign to an unsigned form as Alipay Global does
// (docs.antom.com/ac/web/async): RSA is SHA1withRSA, RSA2 SHA256withRSA, both base64; MD5 is
// the lower-case hex MD5 of the content followed by the MD5 key. The content comes from
// alipayContent, the tests' own implementation of the canonical string.
func alipaySigned(t testing.TB, form []byte, signType string, key *rsa.PrivateKey, md5Key string) Request {
	t.Helper()
	content := alipayContent(t, string(form))
	var sign string
	switch signType {
	case "RSA2":
		sign = rsaSign(t, key, content)
	case "RSA":
		sum := sha1.Sum([]byte(content))
		sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		sign = base64.StdEncoding.EncodeToString(sig)
	case "MD5":
		sum := md5.Sum([]byte(content + md5Key))
		sign = hex.EncodeToString(sum[:])
	}
	body := string(form) + "&sign=" + url.QueryEscape(sign) + "&sign_type=" + signType
	return Request{Method: http.MethodPost, Path: "/webhooks/payments/alipay",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}, Body: []byte(body)}
}

// TestAlipayForexContent pins the canonical string of the create_forex_trade fixture: the
// documented example's shape (sign and sign_type out, keys sorted, values decoded).
func TestAlipayForexContent(t *testing.T) {
	const want = "currency=USD&notify_id=5b89a773c60af059d96b1693dd3b3d6nc1&notify_time=2026-03-01 18:36:17" +
		"&notify_type=trade_status_sync&out_trade_no=ORD-4010&total_fee=12.50&trade_no=2026030122001332950500389138" +
		"&trade_status=TRADE_FINISHED"
	r := alipaySigned(t, fixture(t, "alipay", "forex_trade_finished.txt"), "MD5", nil, alipayMD5Key)
	form, err := url.ParseQuery(string(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range form {
		if k != "sign" && k != "sign_type" {
			keys = append(keys, k)
		}
	}
	if got := alipaySignContent(form, keys); got != want {
		t.Fatalf("content\n%s\nwant\n%s", got, want)
	}
}

// TestAlipayForexVerify: RSA and RSA2 verify with the public key, MD5 only with the
// explicitly configured MD5 key; each sign type is refused with the other key or none.
func TestAlipayForexVerify(t *testing.T) {
	form := fixture(t, "alipay", "forex_trade_finished.txt")
	rsaOnly := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAlipay)
	md5Only := mustProvider(t, Config{AlipayMD5Key: alipayMD5Key}, NameAlipay)
	both := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyPEM(t, signingKey()), AlipayMD5Key: alipayMD5Key}, NameAlipay)
	rsa1 := alipaySigned(t, form, "RSA", signingKey(), "")
	rsa2 := alipaySigned(t, form, "RSA2", signingKey(), "")
	md5Signed := alipaySigned(t, form, "MD5", nil, alipayMD5Key)
	swapType := func(r Request, from, to string) Request {
		r.Body = []byte(strings.Replace(string(r.Body), "sign_type="+from, "sign_type="+to, 1))
		return r
	}
	tests := []struct {
		name string
		p    Provider
		r    Request
		code order.Code
	}{
		{"RSA (SHA1withRSA)", rsaOnly, rsa1, ""},
		{"RSA2 (SHA256withRSA)", rsaOnly, rsa2, ""},
		{"RSA with both keys", both, rsa1, ""},
		{"MD5 with the MD5 key", md5Only, md5Signed, ""},
		{"MD5 with both keys", both, md5Signed, ""},
		{"MD5 upper-case hex", md5Only, Request{Body: []byte(strings.Replace(string(md5Signed.Body),
			"sign="+formValue(t, md5Signed, "sign"), "sign="+strings.ToUpper(formValue(t, md5Signed, "sign")), 1))}, ""},
		{"MD5 without an MD5 key", rsaOnly, md5Signed, order.CodeUnauthorized},
		{"MD5 with another MD5 key", mustProvider(t, Config{AlipayMD5Key: strings.ToUpper(alipayMD5Key)}, NameAlipay), md5Signed, order.CodeUnauthorized},
		{"RSA without a public key", md5Only, rsa1, order.CodeUnauthorized},
		{"RSA2 without a public key", md5Only, rsa2, order.CodeUnauthorized},
		{"RSA signature labelled RSA2", rsaOnly, swapType(rsa1, "RSA", "RSA2"), order.CodeUnauthorized},
		{"RSA2 signature labelled RSA", rsaOnly, swapType(rsa2, "RSA2", "RSA"), order.CodeUnauthorized},
		{"RSA by a stranger", rsaOnly, alipaySigned(t, form, "RSA", strangerKey(), ""), order.CodeUnauthorized},
		{"tampered total_fee (RSA)", rsaOnly, Request{Body: []byte(strings.Replace(string(rsa1.Body), "total_fee=12.50", "total_fee=12.51", 1))}, order.CodeUnauthorized},
		{"tampered total_fee (MD5)", md5Only, Request{Body: []byte(strings.Replace(string(md5Signed.Body), "total_fee=12.50", "total_fee=12.51", 1))}, order.CodeUnauthorized},
		{"DSA refused", both, swapType(rsa1, "RSA", "DSA"), order.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ordertest.WantCode(t, tt.p.Verify(context.Background(), tt.r, testNow), tt.code)
		})
	}
}

// formValue reads one parameter of a form body.
func formValue(t testing.TB, r Request, key string) string {
	t.Helper()
	v, err := url.ParseQuery(string(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	return v.Get(key)
}

// TestAlipayForexParse: total_fee in the settlement currency, in minor units by the
// currency's digits; trade_no and out_trade_no are the refs, out_trade_no the order.
func TestAlipayForexParse(t *testing.T) {
	p := mustProvider(t, Config{AlipayPublicKeyPEM: publicKeyBase64(t, signingKey())}, NameAlipay)
	beijing := func(s string) time.Time {
		tm, err := time.ParseInLocation(time.DateTime, s, time.FixedZone("CST", 8*3600))
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		file     string
		kind     order.EventKind
		order    string
		amount   int64
		currency string
		refs     []string
		at       time.Time
	}{
		{"forex_trade_finished.txt", order.KindPaymentSucceeded, "ORD-4010", 1250, "USD",
			[]string{"2026030122001332950500389138", "ORD-4010"}, beijing("2026-03-01 18:36:17")},
		{"forex_trade_finished_jpy.txt", order.KindPaymentSucceeded, "ORD-4011", 1000, "JPY",
			[]string{"2026030122001332950500389139", "ORD-4011"}, beijing("2026-03-01 19:02:41")},
		{"forex_trade_closed.txt", order.KindPaymentCanceled, "ORD-4012", 0, "",
			[]string{"2026030122001332950500389140", "ORD-4012"}, beijing("2026-03-02 06:00:09")},
		{"refund_partial.txt", order.KindRefunded, "ORD-4001", 3000, "CNY",
			[]string{"2026030122001424330501234567", "ORD-4001", "RF-ORD-4001-1"}, time.Time{}},
		{"trade_success.txt", order.KindPaymentSucceeded, "ORD-4001", 9900, "CNY", // classic total_amount still works
			[]string{"2026030122001424330501234567", "ORD-4001"}, time.Time{}},
	}
	for _, signType := range []string{"RSA", "RSA2"} {
		for _, w := range tests {
			r := alipaySigned(t, fixture(t, "alipay", w.file), signType, signingKey(), "")
			if err := p.Verify(context.Background(), r, testNow); err != nil {
				t.Fatalf("%s %s: %v", signType, w.file, err)
			}
			ev, err := p.Parse(r)
			if err != nil {
				t.Errorf("%s %s: %v", signType, w.file, err)
				continue
			}
			if ev.Kind != w.kind || ev.OrderID != w.order || ev.AmountMinor != w.amount || ev.Currency != w.currency ||
				!slices.Equal(ev.Refs, w.refs) || ev.PaymentRef != w.refs[0] {
				t.Errorf("%s: kind %s order %q amount %d %s refs %q payment ref %q; want %s %q %d %s %q",
					w.file, ev.Kind, ev.OrderID, ev.AmountMinor, ev.Currency, ev.Refs, ev.PaymentRef,
					w.kind, w.order, w.amount, w.currency, w.refs)
			}
			if !w.at.IsZero() && !ev.OccurredAt.Equal(w.at) {
				t.Errorf("%s: occurred at %v, want %v", w.file, ev.OccurredAt, w.at)
			}
		}
	}
	for _, bad := range []string{
		"notify_id=1&trade_status=TRADE_FINISHED&total_fee=1000.50&currency=JPY", // JPY has no minor unit
		"notify_id=1&trade_status=TRADE_FINISHED&total_fee=12.505&currency=USD",
		"notify_id=1&trade_status=TRADE_FINISHED&total_fee=12.&currency=USD",
		"notify_id=1&trade_status=TRADE_FINISHED&total_fee=12.50&currency=XXQ",
		"notify_id=1&trade_status=TRADE_FINISHED&currency=USD", // no amount at all
	} {
		_, err := p.Parse(Request{Body: []byte(bad)})
		ordertest.WantCode(t, err, order.CodeInvalid)
	}
}

// TestForexAmountsWithExtraZeros: Alipay Global writes every amount with two decimals, even
// in JPY; order.MinorUnits takes zeros past a currency's decimals and refuses other digits.
func TestForexAmountsWithExtraZeros(t *testing.T) {
	for _, c := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"1000.00", "JPY", 1000, true}, {"1000.50", "JPY", 0, false}, {"12.50", "USD", 1250, true},
		{"12.500", "USD", 1250, true}, {"1.2340", "KWD", 1234, true}, {"7", "USD", 700, true}, {"7.", "USD", 0, false},
	} {
		got, err := order.MinorUnits(c.in, c.cur)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("MinorUnits(%q, %s) = %d, %v; want %d ok=%v", c.in, c.cur, got, err, c.want, c.ok)
		}
	}
}

// BenchmarkAlipayForexVerifyParse measures one create_forex_trade notify through Verify and
// Parse, per sign type.
func BenchmarkAlipayForexVerifyParse(b *testing.B) {
	p := mustProvider(b, Config{AlipayPublicKeyPEM: publicKeyBase64(b, signingKey()), AlipayMD5Key: alipayMD5Key}, NameAlipay)
	for _, signType := range []string{"RSA", "RSA2", "MD5"} {
		r := alipaySigned(b, fixture(b, "alipay", "forex_trade_finished.txt"), signType, signingKey(), alipayMD5Key)
		b.Run(signType, func(b *testing.B) {
			for b.Loop() {
				if err := p.Verify(context.Background(), r, testNow); err != nil {
					b.Fatal(err)
				}
				if _, err := p.Parse(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
