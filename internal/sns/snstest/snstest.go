// Package snstest subscribes an SQS queue to an SNS topic on the fauxqs emulator that
// `make test` starts (ORDERWIRE_TEST_SNS_ENDPOINT, ORDERWIRE_TEST_SQS_ENDPOINT), and reads
// back what the topic delivered: the end-to-end check of what orderwire publishes.
//
// SQS is spoken in its JSON protocol (X-Amz-Target: AmazonSQS.<Action>, content type
// application/x-amz-json-1.0, as the AWS SQS API reference describes) over plain HTTP, so
// the tests need no SQS SDK module; the emulator does not check signatures.
package snstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssns "github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/orderwire/orderwire/internal/sns"
	"github.com/orderwire/orderwire/internal/testservice"
)

var seq atomic.Int64

// Topic is a fresh SNS topic on the emulator with one SQS queue subscribed to it.
type Topic struct {
	ARN      string
	Client   *awssns.Client
	sqsURL   string // the emulator's SQS endpoint
	queueURL string
}

// Envelope is the JSON body SNS delivers to an SQS subscriber (RawMessageDelivery off):
// the published message and its attributes.
type Envelope struct {
	Type              string `json:"Type"`
	MessageID         string `json:"MessageId"`
	TopicArn          string `json:"TopicArn"`
	Subject           string `json:"Subject"`
	Message           string `json:"Message"`
	MessageAttributes map[string]struct {
		Type  string `json:"Type"`
		Value string `json:"Value"`
	} `json:"MessageAttributes"`
}

// NewTopic creates a topic and a queue subscribed to it, or skips (fails under make test)
// without the emulator.
func NewTopic(t *testing.T) *Topic {
	t.Helper()
	ctx := context.Background()
	tp := &Topic{sqsURL: testservice.Endpoint(t, "ORDERWIRE_TEST_SQS_ENDPOINT")}
	tp.Client = sns.NewClient(testservice.AWSConfig(), testservice.Endpoint(t, "ORDERWIRE_TEST_SNS_ENDPOINT"))
	name := fmt.Sprintf("orderwire-alerts-%d-%d", time.Now().UnixNano(), seq.Add(1))
	topic, err := tp.Client.CreateTopic(ctx, &awssns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	tp.ARN = aws.ToString(topic.TopicArn)
	var q struct {
		QueueURL string `json:"QueueUrl"`
	}
	tp.call(t, "CreateQueue", map[string]any{"QueueName": name}, &q)
	tp.queueURL = q.QueueURL
	var attrs struct{ Attributes map[string]string }
	tp.call(t, "GetQueueAttributes", map[string]any{"QueueUrl": q.QueueURL, "AttributeNames": []string{"QueueArn"}}, &attrs)
	if _, err := tp.Client.Subscribe(ctx, &awssns.SubscribeInput{TopicArn: aws.String(tp.ARN),
		Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"])}); err != nil {
		t.Fatalf("Subscribe: %v", err)
	}
	return tp
}

// Receive returns the envelopes in the queue, waiting up to wait for at least want of them.
func (tp *Topic) Receive(t *testing.T, want int, wait time.Duration) []Envelope {
	t.Helper()
	var out []Envelope
	for deadline := time.Now().Add(wait); ; {
		var res struct {
			Messages []struct {
				Body          string
				ReceiptHandle string
			}
		}
		tp.call(t, "ReceiveMessage", map[string]any{"QueueUrl": tp.queueURL, "MaxNumberOfMessages": 10,
			"WaitTimeSeconds": 1, "MessageAttributeNames": []string{"All"}}, &res)
		for _, m := range res.Messages {
			var env Envelope
			if err := json.Unmarshal([]byte(m.Body), &env); err != nil {
				t.Fatalf("queue message is not an SNS envelope: %v: %s", err, m.Body)
			}
			out = append(out, env)
			tp.call(t, "DeleteMessage", map[string]any{"QueueUrl": tp.queueURL, "ReceiptHandle": m.ReceiptHandle}, nil)
		}
		if len(out) >= want || time.Now().After(deadline) {
			return out
		}
	}
}

// call makes one SQS JSON-protocol request.
func (tp *Topic) call(t *testing.T, action string, in any, out any) {
	t.Helper()
	body, _ := json.Marshal(in)
	req, err := http.NewRequest(http.MethodPost, tp.sqsURL+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS."+action)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("SQS %s: %v", action, err)
	}
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, _ = raw.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("SQS %s: %s: %s", action, resp.Status, raw.String())
	}
	if out != nil {
		if err := json.Unmarshal(raw.Bytes(), out); err != nil {
			t.Fatalf("SQS %s: %v: %s", action, err, raw.String())
		}
	}
}
