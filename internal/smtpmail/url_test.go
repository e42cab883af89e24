package smtpmail

import (
	"fmt"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func TestNewParsesURL(t *testing.T) {
	cases := []struct {
		url  string
		want Sender
	}{
		{"smtp://mail.example.net", Sender{host: "mail.example.net", port: 587, policy: gomail.TLSOpportunistic}},
		{"smtp://u%40shop:p%3Aw%2Fd@mail.example.net:2525", Sender{host: "mail.example.net", port: 2525, user: "u@shop", pass: "p:w/d", policy: gomail.TLSOpportunistic}},
		{"smtp://u:Pa55word@mail.example.net?starttls=required", Sender{host: "mail.example.net", port: 587, user: "u", pass: "Pa55word", policy: gomail.TLSMandatory}},
		{"smtp://127.0.0.1:1025?starttls=none", Sender{host: "127.0.0.1", port: 1025, policy: gomail.NoTLS}},
		{"smtp://[::1]:1025/?starttls=opportunistic", Sender{host: "::1", port: 1025, policy: gomail.TLSOpportunistic}},
		{"smtps://u:Pa55word@mail.example.net", Sender{host: "mail.example.net", port: 465, user: "u", pass: "Pa55word", implicitTLS: true, policy: gomail.TLSOpportunistic}},
		{"smtps://mail.example.net:4650", Sender{host: "mail.example.net", port: 4650, implicitTLS: true, policy: gomail.TLSOpportunistic}},
	}
	for _, c := range cases {
		got, err := New(c.url)
		if err != nil {
			t.Errorf("New(%q): %v", c.url, err)
			continue
		}
		if *got != c.want {
			t.Errorf("New(%q) = %#v, want %#v", c.url, *got, c.want)
		}
		if printed := fmt.Sprintf("%v %+v %s", got, got, got); got.pass != "" && strings.Contains(printed, got.pass) {
			t.Errorf("printing the Sender shows the password: %s", printed)
		}
	}
}

func TestNewRejectsBadURLWithoutPassword(t *testing.T) {
	const secret = "s3cr3tPW"
	cases := map[string]string{
		"unparsable":          "smtp://user:" + secret + "%zz@mail.example.net",
		"space in password":   "smtp://user:" + secret + " x@mail.example.net",
		"wrong scheme":        "http://user:" + secret + "@mail.example.net",
		"no scheme":           "user:" + secret + "@mail.example.net",
		"no host":             "smtp://user:" + secret + "@:25",
		"bad port":            "smtp://user:" + secret + "@mail.example.net:99999",
		"named port":          "smtp://user:" + secret + "@mail.example.net:smtp",
		"unknown parameter":   "smtp://user:" + secret + "@mail.example.net?tls=yes",
		"bad starttls":        "smtp://user:" + secret + "@mail.example.net?starttls=maybe",
		"starttls with smtps": "smtps://user:" + secret + "@mail.example.net?starttls=required",
		"path":                "smtp://user:" + secret + "@mail.example.net/inbox",
		"password, no user":   "smtp://:" + secret + "@mail.example.net",
		"empty":               "",
	}
	for name, raw := range cases {
		s, err := New(raw)
		if err == nil {
			t.Errorf("%s: New(%q) = %+v, want an error", name, raw, s)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error echoes the password: %v", name, err)
		}
		if !strings.Contains(err.Error(), "invalid SMTP URL") || !strings.Contains(err.Error(), "smtps://") {
			t.Errorf("%s: error does not explain itself: %v", name, err)
		}
	}
}
