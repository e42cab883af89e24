package sns

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/orderwire/orderwire/internal/message"
)

// The message attributes of a seller alert, for subscription filter policies.
const (
	AttrKind    = "kind"     // the alert name, e.g. "dispute_opened"
	AttrOrderID = "order_id" // absent for alerts without an order (event_unfiled)
)

// maxSubject is SNS's limit on Publish's Subject (used as the email subject of an email
// subscription).
const maxSubject = 100

// publisher is the part of *sns.Client a TopicPublisher uses.
type publisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// TopicPublisher publishes seller alerts to an SNS topic (the SellerAlerts topic of
// template.yaml): the message is the alert as JSON (message.Alert's fields), the subject its
// one-line summary, and the message attributes AttrKind and AttrOrderID let subscribers
// filter. It is a notifier.AlertSink on channel message.ChannelSNS, safe for concurrent use
// if its client is. Alerts carry no buyer contact data.
type TopicPublisher struct {
	api      publisher
	topicARN string
}

// NewTopicPublisher returns a TopicPublisher that publishes to topicARN through api
// (normally an *sns.Client from NewClient).
func NewTopicPublisher(api publisher, topicARN string) *TopicPublisher {
	return &TopicPublisher{api: api, topicARN: topicARN}
}

// Channel implements notifier.AlertSink.
func (p *TopicPublisher) Channel() message.Channel { return message.ChannelSNS }

// SendAlert publishes a. On success Sent.MessageID is the SNS MessageId. Failures are
// *message.Error values classified like SendSMS's (throttling and 5xx temporary, other 4xx
// permanent, transport failures after the request was written uncertain).
func (p *TopicPublisher) SendAlert(ctx context.Context, a message.Alert) (message.Sent, error) {
	const op = "sns.SendAlert"
	if p.topicARN == "" {
		return message.Sent{}, message.Permanent(op, "no topic ARN configured", nil)
	}
	body, err := json.Marshal(a)
	if err != nil {
		return message.Sent{}, message.Permanent(op, "alert does not encode", nil)
	}
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	attrs := map[string]types.MessageAttributeValue{AttrKind: str(a.Kind)}
	if a.OrderID != "" {
		attrs[AttrOrderID] = str(a.OrderID)
	}
	out, err := p.api.Publish(ctx, &sns.PublishInput{
		TopicArn:          aws.String(p.topicARN),
		Message:           aws.String(string(body)),
		Subject:           aws.String(subject(a.Subject())),
		MessageAttributes: attrs,
	})
	if err != nil {
		return message.Sent{}, classifier.Classify(op, err)
	}
	if out == nil || aws.ToString(out.MessageId) == "" {
		return message.Sent{}, message.Temporary(op, "response without MessageId", nil)
	}
	return message.Sent{MessageID: aws.ToString(out.MessageId)}, nil
}

// subject makes s a valid SNS subject: ASCII printable characters (others become '?'),
// at most maxSubject of them.
func subject(s string) string {
	b := []byte(strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, s))
	if len(b) > maxSubject {
		b = b[:maxSubject]
	}
	return string(b)
}
