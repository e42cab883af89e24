package smtpmail

import (
	"crypto/rand"
	"encoding/hex"
	"net/mail"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/orderwire/orderwire/internal/message"
)

// inputError is a problem with the message found before any connection is made; its text is
// safe to store (it never quotes an address).
type inputError string

func (e inputError) Error() string { return string(e) }

// reservedHeaders are the fields buildMessage sets itself; m.Headers may not override them.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "content-type": true,
	"content-transfer-encoding": true, "content-disposition": true, "return-path": true,
	"sender": true, "reply-to": true,
}

// buildMessage renders m as a MIME message: UTF-8 throughout, quoted-printable bodies,
// RFC 2047-encoded Subject and From display name, multipart/alternative when both m.Text
// and m.HTML are set (text first, so HTML is the preferred rendering), and m.Headers as
// extra header fields (non-ASCII values RFC 2047-encoded, long values folded).
//
// It returns the message and its Message-ID header value ("<...@from-domain>"): m.ID with
// characters outside [A-Za-z0-9._-] turned into '.', then a random suffix that keeps the id
// unique when the same outbox row is sent again.
//
// Errors are inputErrors: an unparsable From, a To that is not one bare address, an empty
// subject or body, or a header that is malformed, reserved, repeated (ignoring case) or
// carries a line break.
func buildMessage(m message.Email) (*gomail.Msg, string, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, "", inputError("invalid from address")
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil || to.Name != "" {
		return nil, "", inputError("invalid recipient address")
	}
	if m.Subject == "" {
		return nil, "", inputError("empty subject")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, "", inputError("empty body")
	}

	msg := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent(),
	)
	msg.FromMailAddress(from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDate()
	id, err := messageID(m.ID, from.Address)
	if err != nil {
		return nil, "", err
	}
	msg.SetMessageIDWithValue(id)
	seen := make(map[string]bool, len(m.Headers))
	for name, value := range m.Headers {
		if err := checkHeader(name, value); err != nil {
			return nil, "", err
		}
		if seen[strings.ToLower(name)] {
			return nil, "", inputError("header " + name + " given twice")
		}
		seen[strings.ToLower(name)] = true
		msg.SetGenHeader(gomail.Header(name), value)
	}
	switch {
	case m.Text != "" && m.HTML != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	case m.Text != "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	default:
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, "<" + id + ">", nil
}

// messageID returns "<local>@<domain>" (without angle brackets) for the outbox id ref and
// the sender address from.
func messageID(ref, from string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", inputError("no randomness for Message-ID")
	}
	local := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '.'
	}, ref)
	local = strings.Trim(local, ".")
	for strings.Contains(local, "..") {
		local = strings.ReplaceAll(local, "..", ".")
	}
	if local != "" {
		local += "."
	}
	local += hex.EncodeToString(b[:])
	domain := "orderwire.invalid"
	if at := strings.LastIndexByte(from, '@'); at >= 0 && at < len(from)-1 {
		domain = from[at+1:]
	}
	return local + "@" + domain, nil
}

// checkHeader validates an extra header field: a name of printable ASCII without ':', not
// one buildMessage controls, and a value without line breaks (which would inject fields).
func checkHeader(name, value string) error {
	if name == "" || len(name) > 126 {
		return inputError("invalid header name")
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return inputError("invalid header name")
		}
	}
	if reservedHeaders[strings.ToLower(name)] {
		return inputError("header " + name + " may not be set")
	}
	if strings.ContainsAny(value, "\r\n") {
		return inputError("header " + name + " has a line break")
	}
	return nil
}
