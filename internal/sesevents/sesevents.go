// Package sesevents applies the email provider's reports about sent messages to the store:
// the bounce, complaint and delivery events that an SES configuration set publishes to an
// SNS topic, which invokes functions/delivery-events with an events.SNSEvent.
//
// Each SNS record's Message is one SES event record (AWS: "Contents of event data that
// Amazon SES publishes to Amazon SNS"): eventType, the mail object (messageId, and tags:
// the configuration set's message tags, among them the buyer and the outbox row that
// internal/ses put there, message.Tags) and the event's own object. The events map to
// store.Feedback:
//
//   - Bounce with bounceType Permanent: SuppressEmail(buyer, order.SuppressHardBounce);
//   - Bounce with bounceType Transient or Undetermined: CountSoftBounce(buyer);
//   - Complaint: SuppressEmail(buyer, order.SuppressComplaint), unless the report's
//     complaintFeedbackType is "not-spam" (the reporter says the message is not spam);
//   - Delivery: MarkDelivered(row, mail.messageId, delivery.timestamp);
//   - anything else (Send, Open, an identity's own feedback notification, which carries no
//     tags, a message not sent by orderwire) is ignored.
//
// No address is looked up: the buyer and the row come from the tags alone. The records
// hold the recipient's address (mail.destination, the bounced or complaining recipients,
// headers); this package does not even decode those fields, and logs ids only.
//
// Nothing is verified here: SNS invokes the function through its Lambda subscription, which
// AWS authorises (the function's resource policy names the topic, and the topic's policy
// lets only SES of this account publish), so there is no SNS signature to check, unlike an
// HTTPS subscription.
package sesevents

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// record is the part of an SES event record this package reads. Addresses are not in it.
type record struct {
	EventType        string `json:"eventType"`
	NotificationType string `json:"notificationType"` // an identity's feedback notification
	Mail             struct {
		MessageID string              `json:"messageId"`
		Tags      map[string][]string `json:"tags"`
	} `json:"mail"`
	Bounce *struct {
		BounceType    string    `json:"bounceType"`
		BounceSubType string    `json:"bounceSubType"`
		Timestamp     time.Time `json:"timestamp"`
	} `json:"bounce"`
	Complaint *struct {
		FeedbackType string    `json:"complaintFeedbackType"`
		Timestamp    time.Time `json:"timestamp"`
	} `json:"complaint"`
	Delivery *struct {
		Timestamp time.Time `json:"timestamp"`
	} `json:"delivery"`
}

// The actions a record leads to, as logged.
const (
	ActionSuppressed = "suppressed"
	ActionSoftBounce = "soft_bounce_counted"
	ActionDelivered  = "delivered"
	ActionIgnored    = "ignored"
	ActionUnknown    = "unknown_buyer_or_row" // the tags name nothing the store has: dropped
)

// Handler applies SNS-delivered SES events to Store. Logger receives one line per record
// (nil: discard).
type Handler struct {
	Store  store.Feedback
	Logger *slog.Logger
}

// Handle applies every record of ev. A record whose write failed (the store failing, or a
// delivery reported before the notifier recorded the send: CodeConflict) fails the
// invocation, which Lambda retries (SNS invokes asynchronously); the records applied
// before it are applied again then, which changes nothing but a soft bounce count. A record
// that cannot be read, or names a buyer or row the store does not have, is logged and
// dropped: retrying it cannot help.
func (h *Handler) Handle(ctx context.Context, ev events.SNSEvent) error {
	log := h.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var errs []error
	for _, r := range ev.Records {
		attrs, err := h.apply(ctx, r.SNS.Message)
		attrs = append(attrs, slog.String("sns_message_id", r.SNS.MessageID))
		switch {
		case err == nil:
			log.LogAttrs(ctx, slog.LevelInfo, "ses event", attrs...)
		case order.ErrorCode(err) == order.CodeNotFound || order.ErrorCode(err) == order.CodeInvalid:
			log.LogAttrs(ctx, slog.LevelWarn, "ses event dropped", append(attrs, slog.String("err", message.RedactAddresses(err.Error())))...)
		default:
			log.LogAttrs(ctx, slog.LevelError, "ses event failed", append(attrs, slog.String("err", message.RedactAddresses(err.Error())))...)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// apply applies one SES event record and returns what to log about it.
func (h *Handler) apply(ctx context.Context, body string) ([]slog.Attr, error) {
	const op = "sesevents.apply"
	var rec record
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		return nil, order.Errorf(order.CodeInvalid, op, "the SNS message is not an SES event record")
	}
	kind := rec.EventType
	if kind == "" {
		kind = rec.NotificationType
	}
	buyerID, row := message.ParseTags(rec.Mail.Tags)
	attrs := []slog.Attr{slog.String("event_type", kind), slog.String("ses_message_id", rec.Mail.MessageID),
		slog.String("buyer_id", buyerID), slog.String("row", row)}
	done := func(action string, err error) ([]slog.Attr, error) {
		if order.ErrorCode(err) == order.CodeNotFound {
			action = ActionUnknown
		}
		return append(attrs, slog.String("action", action)), err
	}
	if rec.EventType == "" || (buyerID == "" && row == "") { // not published through orderwire's configuration set
		return done(ActionIgnored, nil)
	}
	switch {
	case rec.EventType == "Bounce" && rec.Bounce != nil:
		attrs = append(attrs, slog.String("bounce_type", rec.Bounce.BounceType), slog.String("bounce_subtype", rec.Bounce.BounceSubType))
		if buyerID == "" {
			return done(ActionIgnored, nil)
		}
		if rec.Bounce.BounceType == "Permanent" {
			return done(ActionSuppressed, h.Store.SuppressEmail(ctx, buyerID, order.SuppressHardBounce, rec.Bounce.Timestamp))
		}
		return done(ActionSoftBounce, h.Store.CountSoftBounce(ctx, buyerID))
	case rec.EventType == "Complaint" && rec.Complaint != nil:
		attrs = append(attrs, slog.String("feedback_type", rec.Complaint.FeedbackType))
		if buyerID == "" || rec.Complaint.FeedbackType == "not-spam" {
			return done(ActionIgnored, nil)
		}
		return done(ActionSuppressed, h.Store.SuppressEmail(ctx, buyerID, order.SuppressComplaint, rec.Complaint.Timestamp))
	case rec.EventType == "Delivery" && rec.Delivery != nil:
		ref, err := order.ParseNotificationRef(row)
		if err != nil || rec.Mail.MessageID == "" {
			return done(ActionIgnored, nil)
		}
		return done(ActionDelivered, h.Store.MarkDelivered(ctx, ref, rec.Mail.MessageID, rec.Delivery.Timestamp))
	}
	return done(ActionIgnored, nil)
}
