package smtpmail

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/message"
)

const buyer = "buyer@example.com"

func testEmail() message.Email {
	return message.Email{
		ID:      "ord_1/payment_reminder/1/email",
		OrderID: "ord_1",
		Kind:    "payment_reminder",
		From:    "Магазин Ромашка <orders@seller.example>",
		To:      buyer,
		Subject: "Напоминание об оплате заказа №1",
		Text:    "Здравствуйте! Заказ ждёт оплаты.\nСпасибо.",
		HTML:    "<p>Здравствуйте! Заказ <b>ждёт</b> оплаты.</p>",
		Locale:  "ru",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://seller.example/u/abc>, <mailto:unsubscribe@seller.example?subject=abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}
}

// render builds m and parses the result back with the standard library.
func render(t *testing.T, m message.Email) (*mail.Message, string) {
	t.Helper()
	msg, id, err := buildMessage(m)
	if err != nil {
		t.Fatalf("buildMessage: %v", err)
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	for i, line := range strings.Split(buf.String(), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets long", i, len(line))
		}
	}
	parsed, err := mail.ReadMessage(&buf)
	if err != nil {
		t.Fatalf("the built message does not parse: %v", err)
	}
	return parsed, id
}

func TestBuildMessage(t *testing.T) {
	m := testEmail()
	got, id := render(t, m)
	h := got.Header
	dec := new(mime.WordDecoder)

	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("Subject = %q (raw %q, %v), want %q", subject, h.Get("Subject"), err, m.Subject)
	}
	if raw := h.Get("Subject"); raw == m.Subject {
		t.Errorf("Subject sent unencoded: %q", raw)
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Магазин Ромашка" || from[0].Address != "orders@seller.example" {
		t.Errorf("From = %v (%v)", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != buyer {
		t.Errorf("To = %v (%v)", to, err)
	}
	if h.Get("Message-Id") != id {
		t.Errorf("Message-ID header %q, returned %q", h.Get("Message-Id"), id)
	}
	if !regexp.MustCompile(`^<ord_1\.payment_reminder\.1\.email\.[0-9a-f]{16}@seller\.example>$`).MatchString(id) {
		t.Errorf("Message-ID %q has an unexpected shape", id)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	for name, want := range m.Headers {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if ua := h.Get("User-Agent") + h.Get("X-Mailer"); ua != "" {
		t.Errorf("mailer advertised: %q", ua)
	}

	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", h.Get("Content-Type"), err)
	}
	r := multipart.NewReader(got.Body, params["boundary"])
	for i, want := range []struct{ typ, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		p, err := r.NextRawPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		typ, tp, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if typ != want.typ || !strings.EqualFold(tp["charset"], "utf-8") {
			t.Errorf("part %d Content-Type = %q, want %s; charset=UTF-8", i, p.Header.Get("Content-Type"), want.typ)
		}
		if enc := p.Header.Get("Content-Transfer-Encoding"); enc != "quoted-printable" {
			t.Errorf("part %d encoding %q", i, enc)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != want.body {
			t.Errorf("part %d body = %q, want %q", i, got, want.body)
		}
	}
	if _, err := r.NextRawPart(); err != io.EOF {
		t.Errorf("more than two parts: %v", err)
	}
}

func TestBuildMessageSingleBody(t *testing.T) {
	for _, c := range []struct{ text, html, typ string }{
		{"only text", "", "text/plain"},
		{"", "<p>only html</p>", "text/html"},
	} {
		m := testEmail()
		m.Text, m.HTML = c.text, c.html
		got, _ := render(t, m)
		if typ, _, _ := mime.ParseMediaType(got.Header.Get("Content-Type")); typ != c.typ {
			t.Errorf("Content-Type = %q, want %s", got.Header.Get("Content-Type"), c.typ)
		}
	}
}

func TestBuildMessageRejectsBadInput(t *testing.T) {
	cases := map[string]func(m *message.Email){
		"bad recipient":    func(m *message.Email) { m.To = "buyer at example.com" },
		"two recipients":   func(m *message.Email) { m.To = buyer + ", other@example.com" },
		"named recipient":  func(m *message.Email) { m.To = "Buyer <" + buyer + ">" },
		"bad from":         func(m *message.Email) { m.From = "Shop <orders@>" },
		"empty subject":    func(m *message.Email) { m.Subject = "" },
		"empty body":       func(m *message.Email) { m.Text, m.HTML = "", "" },
		"header injection": func(m *message.Email) { m.Headers["X-Evil"] = "a\r\nBcc: " + buyer },
		"reserved header":  func(m *message.Email) { m.Headers["BCC"] = buyer },
		"bad header name":  func(m *message.Email) { m.Headers["X Evil"] = "x" },
		"repeated header":  func(m *message.Email) { m.Headers["list-unsubscribe"] = "<https://x.example/>" },
	}
	for name, mutate := range cases {
		m := testEmail()
		mutate(&m)
		_, _, err := buildMessage(m)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), "example.com") {
			t.Errorf("%s: error names the buyer: %v", name, err)
		}
	}
}

func TestMessageIDWithoutRef(t *testing.T) {
	id, err := messageID("", "orders@seller.example")
	if err != nil || !regexp.MustCompile(`^[0-9a-f]{16}@seller\.example$`).MatchString(id) {
		t.Errorf("messageID = %q, %v", id, err)
	}
	id, _ = messageID("a//b <x>", "not-an-address")
	if !regexp.MustCompile(`^a\.b\.x\.[0-9a-f]{16}@orderwire\.invalid$`).MatchString(id) {
		t.Errorf("messageID = %q", id)
	}
}
