package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// DeadlineMargin is how long before the Lambda deadline the function stops starting work:
// no stream record is delivered after it (the rest of the batch is reported failed, so
// Lambda hands it over again), and the due run's context ends there (the rest waits in the
// due index for the next run). The notifier writes an outcome it already knows even after
// its context ends, so the margin leaves time for that write and for the answer.
const DeadlineMargin = 10 * time.Second

// DueLimit is the page size of one due run: more rows than one run can deliver in its
// time; what a run leaves is read again by the next.
const DueLimit = 500

// deliverer delivers one outbox row (notifier.Notifier.Deliver): a nil error also when
// the row was already claimed, final or gone; an error means "hand this record over again".
type deliverer interface {
	Deliver(ctx context.Context, ref order.NotificationRef) (notifier.Result, error)
}

// dueRunner delivers the due rows and expires lapsed claims (notifier.Notifier.RunDue).
type dueRunner interface {
	RunDue(ctx context.Context, limit int) (notifier.Summary, error)
}

// handler is the notifier function: one Lambda with two triggers, the table's DynamoDB
// stream and an EventBridge Scheduler schedule.
type handler struct {
	Deliverer deliverer
	Due       dueRunner
	Logger    *slog.Logger
	Margin    time.Duration // zero: DeadlineMargin
}

// Handle dispatches on the payload's shape:
//
//   - a DynamoDB stream batch ("Records" whose every "eventSource" is "aws:dynamodb"):
//     Stream, answering an events.DynamoDBEventResponse (ReportBatchItemFailures);
//   - EventBridge Scheduler's default event ("source" "aws.scheduler", "detail-type"
//     "Scheduled Event"), or {} (an operator's `aws lambda invoke --payload '{}'`): Due,
//     answering the notifier.Summary.
//
// Anything else is refused with a CodeInvalid error (and a log line), so a wrong trigger
// shows up as failed invocations instead of being ignored.
func (h *handler) Handle(ctx context.Context, payload json.RawMessage) (any, error) {
	ev, isStream, err := parsePayload(payload)
	switch {
	case err != nil:
		h.Logger.Error("notifier invocation refused", "err", err.Error())
		return nil, err
	case isStream:
		return h.Stream(ctx, ev), nil
	default:
		return h.RunDue(ctx)
	}
}

// parsePayload tells a stream batch (returned) from a due-run trigger (isStream false).
func parsePayload(payload json.RawMessage) (ev events.DynamoDBEvent, isStream bool, err error) {
	const op = "notifier.Handle"
	refuse := func(what string) error {
		return order.Errorf(order.CodeInvalid, op,
			"unrecognised payload (%s): want a DynamoDB stream batch, an EventBridge Scheduler event or {}", what)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(payload, &probe); err != nil || probe == nil {
		return ev, false, refuse("not a JSON object")
	}
	if probe["Records"] != nil {
		var sources struct {
			Records []struct {
				EventSource string `json:"eventSource"`
			} `json:"Records"`
		}
		if err := json.Unmarshal(payload, &sources); err != nil {
			return ev, false, refuse("Records is not a list of records")
		}
		for _, r := range sources.Records {
			if r.EventSource != "aws:dynamodb" {
				return ev, false, refuse("a record from " + r.EventSource + ", not aws:dynamodb")
			}
		}
		if err := json.Unmarshal(payload, &ev); err != nil {
			return ev, false, refuse("a malformed DynamoDB stream batch")
		}
		return ev, true, nil
	}
	var scheduled struct {
		Source     string `json:"source"`
		DetailType string `json:"detail-type"`
	}
	_ = json.Unmarshal(payload, &scheduled)
	if len(probe) == 0 || (scheduled.Source == "aws.scheduler" && scheduled.DetailType == "Scheduled Event") {
		return ev, false, nil
	}
	return ev, false, refuse("an object that is neither")
}

// outboxInsert returns the outbox row a stream record announces: only an INSERT whose keys
// (PK, SK strings) name an outbox row (store.ParseOutboxKey). Images are not read: the
// notifier claims the row with a consistent read, so a KEYS_ONLY stream is enough.
func outboxInsert(rec events.DynamoDBEventRecord) (order.NotificationRef, bool) {
	if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
		return order.NotificationRef{}, false
	}
	key := func(name string) string {
		v, ok := rec.Change.Keys[name]
		if !ok || v.DataType() != events.DataTypeString {
			return ""
		}
		return v.String()
	}
	return store.ParseOutboxKey(key("PK"), key("SK"))
}

// Stream delivers the outbox rows a stream batch inserted, one after another in the
// batch's order, and reports each record whose Deliver failed (ReportBatchItemFailures: its
// SequenceNumber), so that Lambda hands it, and the records after it in the shard, over
// again. That is safe: Deliver leaves alone a row already claimed or final. Records that are
// not outbox INSERTs (MODIFY, REMOVE, other items; the event source's filter normally keeps
// them out) are ignored and counted. Past the deadline margin the remaining outbox records
// are reported failed without a Deliver. The log line holds counts only.
func (h *handler) Stream(ctx context.Context, ev events.DynamoDBEvent) events.DynamoDBEventResponse {
	run, cancel := h.withMargin(ctx)
	defer cancel()
	var resp events.DynamoDBEventResponse
	var outbox, ignored, claimed, notClaimed, failed, postponed int
	for _, rec := range ev.Records {
		ref, ok := outboxInsert(rec)
		if !ok {
			ignored++
			continue
		}
		outbox++
		retry := events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber}
		if run.Err() != nil {
			postponed++
			resp.BatchItemFailures = append(resp.BatchItemFailures, retry)
			continue
		}
		res, err := h.Deliverer.Deliver(run, ref)
		switch {
		case err != nil:
			failed++
			resp.BatchItemFailures = append(resp.BatchItemFailures, retry)
			h.Logger.Warn("outbox row not delivered; Lambda hands its record over again",
				"row", ref.String(), "sequence_number", rec.Change.SequenceNumber, "err", err.Error())
		case res.Claimed:
			claimed++
		default:
			notClaimed++
		}
	}
	level := slog.LevelInfo
	if failed+postponed > 0 {
		level = slog.LevelWarn
	}
	h.Logger.Log(ctx, level, "notifier stream batch", "records", len(ev.Records), "outbox_inserts", outbox,
		"ignored", ignored, "claimed", claimed, "not_claimed", notClaimed, "failed", failed,
		"postponed_at_deadline", postponed)
	return resp
}

// RunDue runs the notifier over the due index with a context that ends DeadlineMargin
// before the invocation's deadline. A run cut short there is a success (the rest waits for
// the next run); any other failure is returned, so Lambda counts an error. The log line
// holds the summary's counts only.
func (h *handler) RunDue(ctx context.Context) (notifier.Summary, error) {
	run, cancel := h.withMargin(ctx)
	defer cancel()
	sum, err := h.Due.RunDue(run, DueLimit)
	timeUp := run.Err() != nil && ctx.Err() == nil
	attrs := []any{"due", sum.Due, "claimed", sum.Claimed, "not_claimed", sum.NotClaimed, "sent", sum.Sent,
		"skipped", sum.Skipped, "failed", sum.Failed, "deferred", sum.Deferred, "unknown", sum.Unknown,
		"expired", sum.Expired, "lost_claims", sum.LostClaims, "messages", sum.Messages, "errors", sum.Errors,
		"time_up", timeUp}
	switch {
	case err != nil && !timeUp:
		h.Logger.Error("notifier due run failed", append(attrs, "err", err.Error())...)
		return sum, err
	case timeUp:
		if err != nil {
			attrs = append(attrs, "interrupted", err.Error())
		}
		h.Logger.Warn("notifier due run stopped at the deadline margin; the rest is left for the next run", attrs...)
	default:
		h.Logger.Info("notifier due run", attrs...)
	}
	return sum, nil
}

// withMargin is lambdaenv.WithMargin with h's margin (zero: DeadlineMargin).
func (h *handler) withMargin(ctx context.Context) (context.Context, context.CancelFunc) {
	if h.Margin <= 0 {
		return lambdaenv.WithMargin(ctx, DeadlineMargin)
	}
	return lambdaenv.WithMargin(ctx, h.Margin)
}
