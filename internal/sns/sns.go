// Package sns sends buyer text messages through Amazon SNS (Publish to a phone number) and
// asks SNS whether a number has opted out of SMS.
//
// Phone numbers are protected data: they never appear in the errors this package returns
// (SDK error messages are redacted, see errors.go).
package sns

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
)

// The SMS message attributes SNS reads on Publish.
const (
	attrSMSType           = "AWS.SNS.SMS.SMSType"
	attrSenderID          = "AWS.SNS.SMS.SenderID"
	attrOriginationNumber = "AWS.MM.SMS.OriginationNumber"
)

// snsAPI is the part of *sns.Client the Sender uses; tests substitute a fake.
type snsAPI interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
	CheckIfPhoneNumberIsOptedOut(ctx context.Context, in *sns.CheckIfPhoneNumberIsOptedOutInput, optFns ...func(*sns.Options)) (*sns.CheckIfPhoneNumberIsOptedOutOutput, error)
}

// Options are the sender identity settings added to every message; empty fields are left
// out (SNS then uses the account defaults).
type Options struct {
	// SenderID is the alphanumeric sender ID shown to the buyer (AWS.SNS.SMS.SenderID), in
	// countries that support one; up to 11 characters.
	SenderID string
	// OriginationNumber is the E.164 long code, toll-free number or short code to send from
	// (AWS.MM.SMS.OriginationNumber); it must be registered in the account.
	OriginationNumber string
}

// Sender sends message.SMS messages through SNS as transactional SMS. It is safe for
// concurrent use if its API client is (an *sns.Client is).
type Sender struct {
	api  snsAPI
	opts Options
}

// New returns a Sender that calls api (normally an *sns.Client from NewClient) and adds the
// sender identity in opts to every message.
func New(api snsAPI, opts Options) *Sender {
	return &Sender{api: api, opts: opts}
}

// NewClient builds an SNS client from an AWS configuration. A non-empty endpoint (a local
// server, or a specific regional endpoint) overrides the endpoint the SDK would resolve; an
// empty one keeps the SDK's resolution (AWS itself, or AWS_ENDPOINT_URL_SNS /
// AWS_ENDPOINT_URL).
func NewClient(cfg aws.Config, endpoint string) *sns.Client {
	return sns.NewFromConfig(cfg, func(o *sns.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// SendSMS publishes m.Text to the phone number m.To (E.164) as a transactional message
// (AWS.SNS.SMS.SMSType=Transactional: higher delivery priority, meant for order updates),
// with the Options' sender ID and origination number when set.
//
// On success Sent.MessageID is the SNS MessageId. Every failure is a *message.Error: an
// invalid number or empty text (checked before calling SNS), InvalidParameter,
// AuthorizationError, EndpointDisabled, opted-out and other 4xx are permanent; throttling,
// internal errors, 5xx and a failed connection are temporary; timeouts, cancellations and
// other transport failures are uncertain (see classifier). No failure's text contains the
// phone number.
func (s *Sender) SendSMS(ctx context.Context, m message.SMS) (message.Sent, error) {
	const op = "sns.SendSMS"
	if !order.IsE164(m.To) {
		return message.Sent{}, message.Permanent(op, "invalid phone number", nil)
	}
	if m.Text == "" {
		return message.Sent{}, message.Permanent(op, "empty message", nil)
	}
	out, err := s.api.Publish(ctx, &sns.PublishInput{
		PhoneNumber:       aws.String(m.To),
		Message:           aws.String(m.Text),
		MessageAttributes: s.attributes(),
	})
	if err != nil {
		return message.Sent{}, classifier.Classify(op, err)
	}
	if out == nil || aws.ToString(out.MessageId) == "" {
		return message.Sent{}, message.Temporary(op, "response without MessageId", nil)
	}
	return message.Sent{MessageID: aws.ToString(out.MessageId)}, nil
}

// attributes returns the Publish message attributes for this Sender.
func (s *Sender) attributes() map[string]types.MessageAttributeValue {
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	attrs := map[string]types.MessageAttributeValue{attrSMSType: str("Transactional")}
	if s.opts.SenderID != "" {
		attrs[attrSenderID] = str(s.opts.SenderID)
	}
	if s.opts.OriginationNumber != "" {
		attrs[attrOriginationNumber] = str(s.opts.OriginationNumber)
	}
	return attrs
}

// OptedOut reports whether the owner of phone (E.164) has opted out of SMS from this
// account (by replying STOP); SNS does not deliver to such numbers. Failures are
// classified like SendSMS's and never contain the number.
func (s *Sender) OptedOut(ctx context.Context, phone string) (bool, error) {
	const op = "sns.OptedOut"
	if !order.IsE164(phone) {
		return false, message.Permanent(op, "invalid phone number", nil)
	}
	out, err := s.api.CheckIfPhoneNumberIsOptedOut(ctx, &sns.CheckIfPhoneNumberIsOptedOutInput{
		PhoneNumber: aws.String(phone),
	})
	if err != nil {
		return false, classifier.Classify(op, err)
	}
	return out != nil && out.IsOptedOut, nil
}
