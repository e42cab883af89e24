// Package ses sends buyer emails through Amazon SES (the v2 API) and reads the account-level
// suppression list.
//
// Messages go out as SES "Simple" content (Content.Simple) with its Headers field, not as a
// raw MIME message built here: SES assembles the multipart/alternative text+HTML message
// itself, encodes the UTF-8 subject, and adds the extra header fields (List-Unsubscribe,
// List-Unsubscribe-Post). The choice follows what the emulator used by the integration tests,
// aws-ses-v2-local 2.10.2, actually keeps: its Simple handler stores the Headers and returns
// them at GET /store, while its Raw handler parses the MIME message and stores only
// from/to/subject/bodies, dropping every extra header, so with Raw content the
// List-Unsubscribe headers could not be checked end to end.
//
// Buyer addresses are protected data: they never appear in the errors this package returns
// (SDK error messages are redacted, see errors.go).
package ses

import (
	"context"
	"errors"
	"mime"
	"net/mail"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/orderwire/orderwire/internal/message"
)

// charset is the character set declared for the subject and both bodies.
const charset = "UTF-8"

// sesAPI is the part of *sesv2.Client the Sender uses; tests substitute a fake.
type sesAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
	GetSuppressedDestination(ctx context.Context, in *sesv2.GetSuppressedDestinationInput, optFns ...func(*sesv2.Options)) (*sesv2.GetSuppressedDestinationOutput, error)
}

// Sender sends message.Email messages through SES v2. It is safe for concurrent use if its
// API client is (a *sesv2.Client is).
type Sender struct {
	api sesAPI
	// configurationSet, when set, names the SES configuration set of every send, and each
	// send carries message.Tags as SES message tags: the configuration set's event
	// destination then publishes the message's bounce, complaint and delivery events with
	// those tags (mail.tags), naming the buyer and the outbox row.
	configurationSet string
}

// New returns a Sender that calls api (normally a *sesv2.Client from NewClient).
func New(api sesAPI) *Sender {
	return &Sender{api: api}
}

// WithConfigurationSet returns a copy of s that sends every message in SES configuration
// set name, tagged with message.Tags; "" sends without a configuration set and without tags.
func (s *Sender) WithConfigurationSet(name string) *Sender {
	c := *s
	c.configurationSet = name
	return &c
}

// NewClient builds an SES v2 client from an AWS configuration. A non-empty endpoint (an
// emulator such as aws-ses-v2-local, or a specific regional endpoint) overrides the endpoint
// the SDK would resolve; an empty one keeps the SDK's resolution (AWS itself, or
// AWS_ENDPOINT_URL_SESV2 / AWS_ENDPOINT_URL).
func NewClient(cfg aws.Config, endpoint string) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// SendEmail hands m to SES. m.To must be one bare address, m.From an address with an
// optional display name (non-ASCII names are RFC 2047-encoded here), and at least one of
// m.Text and m.HTML must be non-empty. m.Headers are added to the message as they are
// (non-ASCII values RFC 2047-encoded); header fields that SES or this package sets itself
// (From, To, Subject, Content-Type, ...) are refused.
//
// On success Sent.MessageID is the SES MessageId. Every failure is a *message.Error:
// invalid input and rejections are permanent; throttling, 5xx and a failed connection are
// temporary; timeouts, cancellations and other transport failures are uncertain (see
// classifier). No failure's text contains the recipient address.
func (s *Sender) SendEmail(ctx context.Context, m message.Email) (message.Sent, error) {
	const op = "ses.SendEmail"
	in, err := sendInput(m)
	if err != nil {
		return message.Sent{}, message.Permanent(op, err.Error(), nil)
	}
	if s.configurationSet != "" {
		in.ConfigurationSetName = aws.String(s.configurationSet)
		in.EmailTags = messageTags(message.Tags(m))
	}
	out, err := s.api.SendEmail(ctx, in)
	if err != nil {
		return message.Sent{}, classifier.Classify(op, err)
	}
	if out == nil || aws.ToString(out.MessageId) == "" {
		// SES accepted the request but named no message: nothing to record as sent, and a
		// retry could send twice, but losing the message silently is worse.
		return message.Sent{}, message.Temporary(op, "response without MessageId", nil)
	}
	return message.Sent{MessageID: aws.ToString(out.MessageId)}, nil
}

// Suppressed reports whether address is on the account-level suppression list (SES adds
// addresses there after hard bounces and complaints, and rejects sends to them). An address
// SES does not know (NotFoundException) is not suppressed. Other failures are classified
// like SendEmail's and never contain the address.
func (s *Sender) Suppressed(ctx context.Context, address string) (bool, error) {
	const op = "ses.Suppressed"
	if strings.TrimSpace(address) == "" {
		return false, message.Permanent(op, "empty address", nil)
	}
	out, err := s.api.GetSuppressedDestination(ctx, &sesv2.GetSuppressedDestinationInput{
		EmailAddress: aws.String(address),
	})
	if err != nil {
		var nf *types.NotFoundException
		if errors.As(err, &nf) {
			return false, nil
		}
		return false, classifier.Classify(op, err)
	}
	return out != nil && out.SuppressedDestination != nil, nil
}

// inputError is an input problem found before calling SES; its text is safe to store.
type inputError string

func (e inputError) Error() string { return string(e) }

// sendInput builds the SendEmail request for m, or says (safely) why m cannot be sent.
func sendInput(m message.Email) (*sesv2.SendEmailInput, error) {
	to, err := mail.ParseAddress(m.To)
	if err != nil || to.Name != "" {
		return nil, inputError("invalid recipient address")
	}
	from, err := fromAddress(m.From)
	if err != nil {
		return nil, err
	}
	if m.Subject == "" {
		return nil, inputError("empty subject")
	}
	if m.Text == "" && m.HTML == "" {
		return nil, inputError("empty body")
	}
	headers, err := messageHeaders(m.Headers)
	if err != nil {
		return nil, err
	}
	body := &types.Body{}
	if m.Text != "" {
		body.Text = &types.Content{Data: aws.String(m.Text), Charset: aws.String(charset)}
	}
	if m.HTML != "" {
		body.Html = &types.Content{Data: aws.String(m.HTML), Charset: aws.String(charset)}
	}
	return &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: []string{to.Address}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String(charset)},
			Body:    body,
			Headers: headers,
		}},
	}, nil
}

// fromAddress returns the From value in the form SES accepts: a bare address, or
// "name <address>" with a non-ASCII name RFC 2047-encoded (net/mail does that).
func fromAddress(from string) (string, error) {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return "", inputError("invalid from address")
	}
	if a.Name == "" {
		return a.Address, nil
	}
	return a.String(), nil
}

// reservedHeaders are the fields SES builds from the request (or this package must control);
// a caller's value for them would conflict or forge the envelope.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "content-type": true,
	"content-transfer-encoding": true, "content-disposition": true, "return-path": true,
	"sender": true, "reply-to": true,
}

// Limits SES v2 puts on a MessageHeader (see types.MessageHeader).
const (
	maxHeaderName  = 126
	maxHeaderValue = 995
	maxHeaderTotal = 996
)

// messageHeaders turns m.Headers into SES MessageHeaders, sorted by name so the request is
// deterministic. Names must be printable ASCII without ':' and unique ignoring case (SES
// refuses repeated List-* fields); values may not contain line
// breaks; non-ASCII values are RFC 2047 (Q) encoded, since SES accepts only ASCII values.
func messageHeaders(h map[string]string) ([]types.MessageHeader, error) {
	if len(h) == 0 {
		return nil, nil
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]types.MessageHeader, 0, len(names))
	seen := make(map[string]bool, len(names))
	for _, name := range names {
		if !validHeaderName(name) {
			return nil, inputError("invalid header name")
		}
		if seen[strings.ToLower(name)] {
			return nil, inputError("header " + name + " given twice")
		}
		seen[strings.ToLower(name)] = true
		if reservedHeaders[strings.ToLower(name)] {
			return nil, inputError("header " + name + " may not be set")
		}
		value := h[name]
		if strings.ContainsAny(value, "\r\n") {
			return nil, inputError("header " + name + " has a line break")
		}
		value = mime.QEncoding.Encode(charset, value)
		if len(value) > maxHeaderValue || len(name)+len(value) > maxHeaderTotal {
			return nil, inputError("header " + name + " is too long")
		}
		out = append(out, types.MessageHeader{Name: aws.String(name), Value: aws.String(value)})
	}
	return out, nil
}

// messageTags turns tags into SES message tags, sorted by name so the request is
// deterministic.
func messageTags(tags map[string]string) []types.MessageTag {
	names := make([]string, 0, len(tags))
	for name := range tags {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]types.MessageTag, 0, len(names))
	for _, name := range names {
		out = append(out, types.MessageTag{Name: aws.String(name), Value: aws.String(tags[name])})
	}
	return out
}

// validHeaderName reports whether name is 1–126 printable ASCII characters without ':'.
func validHeaderName(name string) bool {
	if name == "" || len(name) > maxHeaderName {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}
