// Package message holds a message as it is sent, what the notifier and its senders share:
// the rendered messages (Email, SMS, a seller's Alert), the channels, the redaction of
// addresses and phone numbers, the SES tags naming the buyer and outbox row, and how a
// sender reports a failure (temporary: retry later; permanent: record and stop). It has no
// AWS imports: internal/ses, internal/smtpmail, internal/sns and internal/localsink
// implement sending, internal/notifier decides what to send.
package message

import (
	"errors"
	"fmt"
)

// Channel is how a message reaches the buyer.
type Channel string

// The channels.
const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
)

// Email is one rendered email, ready to send. To is protected buyer data: never log it.
type Email struct {
	// ID identifies the outbox row and channel ("<order>/<kind>/<seq>/email"); senders use
	// it as the reference they can (Message-ID local part, a tag), never as the address.
	ID      string
	OrderID string
	BuyerID string // the buyer the row is for; a provider reporting back names them by it (Tags)
	Kind    string // the outbox row's kind, e.g. payment_reminder
	From    string // "Seller Name <orders@seller.example>"
	To      string // a bare address
	Subject string
	Text    string
	HTML    string
	Locale  string // BCP 47 of the language the message is written in
	// Headers are extra header fields, e.g. List-Unsubscribe and List-Unsubscribe-Post.
	Headers map[string]string
}

// SMS is one rendered text message. To is protected buyer data: never log it.
type SMS struct {
	ID      string // "<order>/<kind>/<seq>/sms"
	OrderID string
	Kind    string
	To      string // E.164
	Text    string
	Locale  string
}

// Sent is what a sender reports for a message it handed over.
type Sent struct {
	MessageID string // the provider's id (SES MessageId, SNS MessageId, SMTP Message-ID)
}

// Error is a sender failure. Temporary failures (throttling, 5xx, connection refused,
// timeouts) may succeed if retried later; permanent ones (a rejected address, a 4xx that
// is not throttling, a message too large) will not, and are recorded as such.
//
// Uncertain failures are the third kind: the request may have reached the provider and been
// accepted (a timeout or a connection reset after the request was written). Retrying could
// send the message twice, so the notifier records the row unknown instead.
type Error struct {
	Op        string // e.g. "ses.SendEmail"
	Temporary bool
	Uncertain bool
	Reason    string // short, safe to store and log: never the address or the body
	Err       error
}

func (e *Error) Error() string {
	kind := "permanent"
	switch {
	case e.Uncertain:
		kind = "uncertain"
	case e.Temporary:
		kind = "temporary"
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s failure: %s: %v", e.Op, kind, e.Reason, e.Err)
	}
	return fmt.Sprintf("%s: %s failure: %s", e.Op, kind, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary wraps err as a failure worth retrying.
func Temporary(op, reason string, err error) error {
	return &Error{Op: op, Temporary: true, Reason: reason, Err: err}
}

// Permanent wraps err as a failure that retrying will not fix.
func Permanent(op, reason string, err error) error {
	return &Error{Op: op, Reason: reason, Err: err}
}

// Uncertain wraps err as a failure after which the message may or may not have been
// accepted: it must not be retried blindly.
func Uncertain(op, reason string, err error) error {
	return &Error{Op: op, Uncertain: true, Reason: reason, Err: err}
}

// IsUncertain reports whether err says the message may have been accepted. Errors that
// are not *Error count as uncertain: a sender that cannot say what happened must not cause
// a second send.
func IsUncertain(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Uncertain
	}
	return err != nil
}

// IsTemporary reports whether err is worth retrying: a *Error marked Temporary and not
// Uncertain.
func IsTemporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary && !e.Uncertain
}

// Reason returns the stored reason of a failure: Error.Reason, or a generic text for
// errors of unknown shape (whose text might carry data that must not be stored).
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "unclassified sender error"
}
