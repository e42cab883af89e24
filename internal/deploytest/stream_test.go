package deploytest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/store"
)

// streamEvents returns a function's DynamoDB stream events, by name.
func streamEvents(fn map[string]any) map[string]any {
	out := map[string]any{}
	events, _ := get(fn, "Properties", "Events").(map[string]any)
	for name, ev := range events {
		if get(ev, "Type") == "DynamoDB" {
			out[name] = ev
		}
	}
	return out
}

// eventSourceNeeds returns what Lambda's event source mapping does with the function's role
// for each of its stream events: read the table's stream, and send a batch it gives up on
// to the on-failure queue. Not the code's own calls, so not derived from the recorder; that
// the source is the one the code handles is TestStreamEventSources' business.
func eventSourceNeeds(fn map[string]any) []string {
	var need []string
	for _, ev := range streamEvents(fn) {
		for _, a := range streamActions {
			need = append(need, a+" on table stream")
		}
		if get(ev, "Properties", "DestinationConfig", "OnFailure", "Destination") != nil {
			need = append(need, "sqs:SendMessage on failure queue")
		}
	}
	return need
}

// outboxFilter is the only filter a stream event source may have: INSERTs of items whose
// sort key starts with the outbox prefix, which is what the handler delivers (an INSERT
// whose keys store.ParseOutboxKey accepts) and nothing it would ignore anyway.
func outboxFilter() any {
	return map[string]any{"eventName": []any{"INSERT"},
		"dynamodb": map[string]any{"Keys": map[string]any{"SK": map[string]any{"S": []any{map[string]any{"prefix": store.OutboxPrefix}}}}}}
}

// TestStreamEventSources: a function with a DynamoDB stream event is one whose code
// delivers outbox rows (a notifier over the store) from an events.DynamoDBEvent, answering
// an events.DynamoDBEventResponse, and every such function has exactly one. The event
// source reads the template's table's stream from its oldest record (TRIM_HORIZON), lets
// through outbox INSERTs only (outboxFilter), reports failed records one by one
// (ReportBatchItemFailures) and halves a failing batch, gives up after a bounded number of
// retries and record age, and then sends the batch's metadata to an SQS queue of its own,
// encrypted, kept 14 days.
func TestStreamEventSources(t *testing.T) {
	tm := loadTemplate(t)
	tables, queues := tm.resources("AWS::DynamoDB::Table"), tm.resources("AWS::SQS::Queue")
	queueUsers := map[string][]string{}
	seen := 0
	for id, fn := range tm.functions() {
		u, evs := functionUses(t, folderOf(fn)), streamEvents(fn)
		if u.stream != (len(evs) == 1) || len(evs) > 1 {
			t.Errorf("%s has %d stream events; its code handles a DynamoDB stream batch: %v (want one stream event exactly when it does)", id, len(evs), u.stream)
		}
		if len(evs) > 0 && !u.notifier {
			t.Errorf("%s reads the table's stream, but its code delivers no outbox rows", id)
		}
		for name, ev := range evs {
			seen++
			where := id + "." + name
			props := get(ev, "Properties")
			if table, attr := getAttOf(get(props, "Stream")); tables[table] == nil || attr != "StreamArn" {
				t.Errorf("%s: Stream %v, want !GetAtt <the table>.StreamArn", where, get(props, "Stream"))
			}
			number := func(key string) int {
				n, err := strconv.Atoi(fmt.Sprint(get(props, key)))
				if err != nil {
					return -1
				}
				return n
			}
			for _, c := range []struct {
				what      string
				got, want any
			}{
				{"StartingPosition", get(props, "StartingPosition"), "TRIM_HORIZON"},
				{"FunctionResponseTypes", get(props, "FunctionResponseTypes"), []any{"ReportBatchItemFailures"}},
				{"BisectBatchOnFunctionError", get(props, "BisectBatchOnFunctionError"), "true"},
				{"BatchSize within 1-100", number("BatchSize") >= 1 && number("BatchSize") <= 100, true},
				{"MaximumRetryAttempts within 1-10 (never -1, forever)", number("MaximumRetryAttempts") >= 1 && number("MaximumRetryAttempts") <= 10, true},
				{"MaximumRecordAgeInSeconds within 60-86400 (never -1, forever)", number("MaximumRecordAgeInSeconds") >= 60 && number("MaximumRecordAgeInSeconds") <= 86400, true},
			} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s: %s is %v, want %v", where, c.what, c.got, c.want)
				}
			}
			filters := list(get(props, "FilterCriteria", "Filters"))
			var pattern any
			if len(filters) == 1 {
				raw, _ := get(filters[0], "Pattern").(string)
				if err := json.Unmarshal([]byte(raw), &pattern); err != nil {
					t.Errorf("%s: filter pattern %q: %v", where, raw, err)
				}
			}
			if !reflect.DeepEqual(pattern, outboxFilter()) {
				t.Errorf("%s: FilterCriteria %v, want one filter whose pattern is %v", where, filters, outboxFilter())
			}
			queue, attr := getAttOf(get(props, "DestinationConfig", "OnFailure", "Destination"))
			q := queues[queue]
			if q == nil || attr != "Arn" {
				t.Errorf("%s: DestinationConfig.OnFailure.Destination %v, want !GetAtt <a queue of this template>.Arn", where,
					get(props, "DestinationConfig", "OnFailure", "Destination"))
				continue
			}
			queueUsers[queue] = append(queueUsers[queue], where)
			if get(q, "Properties", "SqsManagedSseEnabled") != "true" || get(q, "Properties", "MessageRetentionPeriod") != "1209600" {
				t.Errorf("queue %s: %v, want SqsManagedSseEnabled and 14 days' retention (1209600)", queue, get(q, "Properties"))
			}
		}
	}
	for queue, users := range queueUsers {
		if len(users) != 1 {
			t.Errorf("queue %s is the on-failure destination of %v: each source has its own", queue, users)
		}
	}
	if seen == 0 {
		t.Error("no function reads the table's stream: nothing delivers new outbox rows at once")
	}
}

// TestOutboxFilterMatchesTheHandler: the filter's prefix is the outbox rows' sort key
// prefix, which store.ParseOutboxKey, the handler's test, requires.
func TestOutboxFilterMatchesTheHandler(t *testing.T) {
	n := order.Notification{OrderID: "ord-1", Kind: order.NotifyPaymentReminder, Seq: 7}
	sk := store.OutboxSK(n)
	if _, ok := store.ParseOutboxKey(store.OrderPK(n.OrderID), sk); !ok || !strings.HasPrefix(sk, store.OutboxPrefix) {
		t.Errorf("the outbox row's keys %s/%s do not parse, or do not start with %q", store.OrderPK(n.OrderID), sk, store.OutboxPrefix)
	}
	if _, ok := store.ParseOutboxKey(store.OrderPK(n.OrderID), strings.TrimPrefix(sk, store.OutboxPrefix)); ok {
		t.Error("a sort key without the outbox prefix parses as an outbox row: the filter would drop rows the handler delivers")
	}
}
