// Package smtpmail sends buyer emails over SMTP (a relay such as a mailbox provider's
// submission server, or maildev in tests), building the MIME message with
// github.com/wneessen/go-mail.
//
// Buyer addresses are protected data: they never appear in the errors this package returns
// (server replies are redacted, see errors.go), and neither does the SMTP password.
package smtpmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/orderwire/orderwire/internal/message"
)

// Default ports when the URL names none: submission with STARTTLS, and implicit TLS.
const (
	defaultSMTPPort  = 587
	defaultSMTPSPort = 465
)

// timeout bounds the connection and each SMTP command (go-mail applies it per step).
const timeout = 30 * time.Second

// urlHint is appended to every URL error; it shows the accepted forms, never the input.
const urlHint = "want smtp://[user:pass@]host[:port][?starttls=opportunistic|required|none] or smtps://[user:pass@]host[:port]"

// Sender sends message.Email messages to one SMTP server. It opens a connection per message
// and is safe for concurrent use.
type Sender struct {
	host        string
	port        int
	user, pass  string
	implicitTLS bool
	policy      gomail.TLSPolicy
}

// New returns a Sender for the server named by rawURL:
//
//   - smtp://[user:pass@]host[:port] — plain SMTP upgraded with STARTTLS when the server
//     offers it (port 587 by default). ?starttls=required refuses servers without STARTTLS;
//     ?starttls=none never upgrades (only for loopback test servers).
//   - smtps://[user:pass@]host[:port] — TLS from the first byte (port 465 by default).
//
// User name and password must be percent-encoded where they contain URL delimiters. With a
// user name the client authenticates, choosing the strongest mechanism the server offers; on
// a connection that is not encrypted it never sends the password in the clear (PLAIN and
// LOGIN are used only over TLS).
//
// An invalid URL gives an error that names the problem but never echoes the password (url
// parse errors, which quote the whole input, are not passed on).
func New(rawURL string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// err quotes the input, password included: say only what is likely wrong.
		return nil, fmt.Errorf("smtpmail: invalid SMTP URL: it does not parse (percent-encode special characters in the user name and password); %s", urlHint)
	}
	// The URL itself is never quoted: in "user:pass@host" (no scheme) Go sees scheme
	// "user" and opaque "pass@host", so even url.Redacted would show the password.
	bad := func(problem string) error {
		return fmt.Errorf("smtpmail: invalid SMTP URL: %s; %s", problem, urlHint)
	}
	s := &Sender{policy: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		s.port = defaultSMTPPort
	case "smtps":
		s.port, s.implicitTLS = defaultSMTPSPort, true
	default:
		return nil, bad("scheme must be smtp or smtps")
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, bad("unexpected path or fragment")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, bad("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("port must be 1-65535")
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" && s.pass != "" {
			return nil, bad("password without a user name")
		}
	}
	if problem := s.readQuery(u.Query()); problem != "" {
		return nil, bad(problem)
	}
	if _, err := s.client(); err != nil {
		return nil, bad("client setup failed")
	}
	return s, nil
}

// readQuery reads the URL's query, whose one parameter is starttls (smtp:// only), into
// s.policy; it returns what is wrong with the query, "" when nothing is.
func (s *Sender) readQuery(q url.Values) string {
	for key := range q {
		if key != "starttls" {
			return "unknown parameter " + strconv.Quote(key)
		}
	}
	if !q.Has("starttls") {
		return ""
	}
	if s.implicitTLS {
		return "starttls applies only to smtp://"
	}
	switch q.Get("starttls") {
	case "", "opportunistic":
		s.policy = gomail.TLSOpportunistic
	case "required":
		s.policy = gomail.TLSMandatory
	case "none":
		s.policy = gomail.NoTLS
	default:
		return "starttls must be opportunistic, required or none"
	}
	return ""
}

// String describes the server without the credentials, so that printing a Sender (%v,
// %+v) cannot leak the password.
func (s *Sender) String() string {
	scheme := "smtp"
	if s.implicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.host, strconv.Itoa(s.port))
}

// client returns a go-mail client for one delivery.
func (s *Sender) client() (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}),
	}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(s.policy))
	}
	if s.user != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.user),
			gomail.WithPassword(s.pass))
	}
	return gomail.NewClient(s.host, opts...)
}

// SendEmail delivers m to the server in one SMTP transaction. m.To must be one bare address,
// m.From an address with an optional display name; at least one of m.Text and m.HTML must
// be set; m.Headers become extra header fields (see buildMessage).
//
// On success Sent.MessageID is the Message-ID header value, angle brackets included. Every
// failure is a *message.Error: a 4xx reply, a refused or timed-out connection and a dropped
// connection are temporary; a 5xx reply and invalid input are permanent. If the server
// accepted the message and only the final QUIT failed, the send counts as done.
func (s *Sender) SendEmail(ctx context.Context, m message.Email) (message.Sent, error) {
	const op = "smtpmail.SendEmail"
	msg, id, err := buildMessage(m)
	if err != nil {
		var ie inputError
		if errors.As(err, &ie) {
			return message.Sent{}, message.Permanent(op, ie.Error(), nil)
		}
		return message.Sent{}, message.Permanent(op, "invalid message", nil)
	}
	c, err := s.client()
	if err != nil {
		return message.Sent{}, message.Temporary(op, "client setup failed", nil)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil && !msg.IsDelivered() {
		return message.Sent{}, classify(op, err)
	}
	return message.Sent{MessageID: id}, nil
}
