package smtpmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"regexp"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"github.com/orderwire/orderwire/internal/message"
)

// classify turns a go-mail error from operation op into a *message.Error.
//
//   - An SMTP reply code decides when there is one, wherever it came from (greeting, EHLO,
//     STARTTLS, AUTH, MAIL, RCPT, DATA): 4xx is temporary, 5xx permanent. The Reason is
//     "SMTP <code> [<enhanced code>]" plus the stage for a rejection inside the transaction.
//   - A cancelled or expired context, a refused, reset or timed-out connection, and a
//     transaction broken off without a reply are temporary.
//   - go-mail's own checks on the message (no sender, no recipients, 8BITMIME missing) are
//     permanent.
//   - Setup problems without a reply code (no usable AUTH mechanism, an untrusted TLS
//     certificate, STARTTLS required but not offered) are temporary: fixing the
//     configuration lets the message through.
//   - Anything else is temporary ("unclassified error"): an unknown failure must not lose
//     the message.
//
// The wrapped error is rebuilt from the parts that hold no protected data: go-mail's
// SendError lists the recipients, and server replies often quote the address, so every
// address-shaped string in it is replaced by "[address]".
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		safe := &smtpError{code: se.ErrorCode(), enhanced: se.EnhancedStatusCode(), msg: redactKeeping(se.Error(), se.MessageID())}
		switch {
		case safe.code >= 400 && safe.code < 500:
			return message.Temporary(op, safe.reason()+" at "+stage(se.Reason), safe)
		case safe.code >= 500:
			return message.Permanent(op, safe.reason()+" at "+stage(se.Reason), safe)
		}
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return message.Permanent(op, "message refused by the client: "+stage(se.Reason), safe)
		}
		if se.Reason == gomail.ErrSMTPDataClose {
			// The message was transmitted and the server's verdict never arrived: it may
			// have been accepted, so a retry could deliver it twice.
			return message.Uncertain(op, "connection lost at "+stage(se.Reason), safe)
		}
		return message.Temporary(op, "connection lost at "+stage(se.Reason), safe)
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		safe := &smtpError{code: te.Code, msg: message.RedactAddresses(te.Error())}
		if m := enhancedCode.FindString(te.Msg); m != "" {
			safe.enhanced = m
		}
		if te.Code >= 500 {
			return message.Permanent(op, safe.reason(), safe)
		}
		return message.Temporary(op, safe.reason(), safe)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return message.Temporary(op, "timed out", context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		return message.Temporary(op, "canceled", context.Canceled)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return message.Temporary(op, "timed out", &message.Redacted{Msg: message.RedactAddresses(err.Error()), Err: ne})
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return message.Temporary(op, "connection failed", &message.Redacted{Msg: message.RedactAddresses(err.Error()), Err: oe})
	}
	if errors.Is(err, gomail.ErrNoSupportedAuthDiscovered) {
		// Also what a server offering only PLAIN/LOGIN gets on an unencrypted connection.
		return message.Temporary(op, "no usable SMTP AUTH mechanism", &message.Redacted{Msg: message.RedactAddresses(err.Error())})
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) {
		return message.Temporary(op, "TLS certificate not trusted", &message.Redacted{Msg: message.RedactAddresses(err.Error())})
	}
	return message.Temporary(op, "unclassified error", &message.Redacted{Msg: message.RedactAddresses(err.Error())})
}

// stage names the SMTP step a SendError happened at, in a few words.
func stage(r gomail.SendErrReason) string {
	switch r {
	case gomail.ErrSMTPMailFrom:
		return "MAIL FROM"
	case gomail.ErrSMTPRcptTo:
		return "RCPT TO"
	case gomail.ErrSMTPData, gomail.ErrWriteContent, gomail.ErrSMTPDataClose:
		return "DATA"
	case gomail.ErrSMTPReset:
		return "RSET"
	case gomail.ErrConnCheck:
		return "connection check"
	}
	return r.String()
}

// smtpError is an SMTP failure with its text redacted. It keeps the reply code and the
// enhanced status code (RFC 3463) for callers that want them.
type smtpError struct {
	code     int    // 0 when no reply was received
	enhanced string // e.g. "5.1.1", or ""
	msg      string
}

func (e *smtpError) Error() string { return e.msg }

// Code returns the SMTP reply code, 0 if there was none.
func (e *smtpError) Code() int { return e.code }

// EnhancedCode returns the enhanced status code, "" if the server sent none.
func (e *smtpError) EnhancedCode() string { return e.enhanced }

func (e *smtpError) reason() string {
	if e.code == 0 {
		return "SMTP error"
	}
	if e.enhanced != "" {
		return fmt.Sprintf("SMTP %d %s", e.code, e.enhanced)
	}
	return fmt.Sprintf("SMTP %d", e.code)
}

// enhancedCode matches an RFC 3463 enhanced status code.
var enhancedCode = regexp.MustCompile(`\b[245]\.\d{1,3}\.\d{1,3}\b`)

// redactKeeping is message.RedactAddresses, except that keep (our own Message-ID,
// address-shaped but built from the outbox id and the sender's domain) survives.
func redactKeeping(s, keep string) string {
	if keep == "" {
		return message.RedactAddresses(s)
	}
	const mark = "\x00keep\x00"
	return strings.ReplaceAll(message.RedactAddresses(strings.ReplaceAll(s, keep, mark)), mark, keep)
}
