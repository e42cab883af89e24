package sns

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/testservice"
)

// These tests drive the real SNS client over HTTP against the recorder (recorder_test.go),
// so what is checked is what the SDK puts on the wire and what it makes of SNS's answers.

// recorderSender returns a Sender on a real client pointed at rec with SDK retries off, so
// every failure the recorder is told to produce reaches the Sender.
func recorderSender(rec *recorder, opts Options) *Sender {
	cfg := testservice.AWSConfig()
	cfg.Retryer = func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) }
	return New(NewClient(cfg, rec.URL), opts)
}

func TestPublishOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	s := recorderSender(rec, Options{SenderID: "Romashka", OriginationNumber: "+15550001111"})
	m := testSMS()
	sent, err := s.SendSMS(context.Background(), m)
	if err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if sent.MessageID != "msg-1" {
		t.Errorf("MessageID = %q, want msg-1", sent.MessageID)
	}
	got := rec.received()
	if len(got) != 1 {
		t.Fatalf("%d requests, want 1", len(got))
	}
	r := got[0]
	if r.Action != "Publish" || r.Version != "2010-03-31" || !r.Signed {
		t.Errorf("Action %q, Version %q, signed %v", r.Action, r.Version, r.Signed)
	}
	if r.PhoneNumber != phone {
		t.Errorf("PhoneNumber = %q", r.PhoneNumber)
	}
	if r.Message != m.Text {
		t.Errorf("Message = %q, want %q (UTF-8 must survive the form encoding)", r.Message, m.Text)
	}
	want := map[string]attribute{
		"AWS.SNS.SMS.SMSType":          {"String", "Transactional"},
		"AWS.SNS.SMS.SenderID":         {"String", "Romashka"},
		"AWS.MM.SMS.OriginationNumber": {"String", "+15550001111"},
	}
	if len(r.Attributes) != len(want) {
		t.Errorf("attributes = %v, want %v", r.Attributes, want)
	}
	for name, w := range want {
		if r.Attributes[name] != w {
			t.Errorf("%s = %+v, want %+v", name, r.Attributes[name], w)
		}
	}
}

func TestPublishWithoutOptionsOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	if _, err := recorderSender(rec, Options{}).SendSMS(context.Background(), testSMS()); err != nil {
		t.Fatal(err)
	}
	attrs := rec.received()[0].Attributes
	if len(attrs) != 1 || attrs["AWS.SNS.SMS.SMSType"] != (attribute{"String", "Transactional"}) {
		t.Errorf("attributes = %v, want only SMSType=Transactional", attrs)
	}
}

func TestPublishFailuresOnTheWire(t *testing.T) {
	cases := []struct {
		status    int
		code      string
		temporary bool
	}{
		{400, "Throttling", true},
		{400, "Throttled", true},
		{400, "KMSThrottling", true},
		{500, "InternalError", true},
		{503, "ServiceUnavailable", true},
		{502, "SomethingOdd", true},
		{400, "InvalidParameter", false},
		{400, "ParameterValueInvalid", false},
		{403, "AuthorizationError", false},
		{400, "EndpointDisabled", false},
		{400, "OptedOut", false},
		{404, "SomethingNew", false},
	}
	rec := newRecorder(t)
	s := recorderSender(rec, Options{})
	for i, c := range cases {
		rec.failNext(1, c.status, c.code, "Invalid parameter: PhoneNumber Reason: "+phone+" is not valid to publish to")
		_, err := s.SendSMS(context.Background(), testSMS())
		if err == nil || message.IsTemporary(err) != c.temporary {
			t.Errorf("%s/%d: err = %v, want temporary=%v", c.code, c.status, err, c.temporary)
			continue
		}
		if want := c.code + " (HTTP " + strconv.Itoa(c.status) + ")"; message.Reason(err) != want {
			t.Errorf("%s: Reason = %q, want %q", c.code, message.Reason(err), want)
		}
		assertNoPhone(t, err)
		if n := len(rec.received()); n != i+1 {
			t.Fatalf("%s: %d requests so far, want %d (retries should be off)", c.code, n, i+1)
		}
	}
	// The failure queue is empty again: the next request goes through.
	if _, err := s.SendSMS(context.Background(), testSMS()); err != nil {
		t.Errorf("after the failures: %v", err)
	}
}

// TestSDKRetriesThrottling: with the SDK's default retryer a single throttling answer is
// retried by the SDK itself, so the recorder sees two requests and the send succeeds.
func TestSDKRetriesThrottling(t *testing.T) {
	rec := newRecorder(t)
	s := New(NewClient(testservice.AWSConfig(), rec.URL), Options{})
	rec.failNext(1, 400, "Throttling", "Rate exceeded")
	if _, err := s.SendSMS(context.Background(), testSMS()); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	if n := len(rec.received()); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestOptedOutOnTheWire(t *testing.T) {
	rec := newRecorder(t)
	rec.optOut(phone)
	s := recorderSender(rec, Options{})
	ctx := context.Background()
	if got, err := s.OptedOut(ctx, phone); err != nil || !got {
		t.Errorf("opted-out number: %v, %v; want true", got, err)
	}
	if got, err := s.OptedOut(ctx, "+15555550199"); err != nil || got {
		t.Errorf("other number: %v, %v; want false", got, err)
	}
	r := rec.received()[0]
	if r.Action != "CheckIfPhoneNumberIsOptedOut" || r.PhoneNumber != phone {
		t.Errorf("request = %+v", r)
	}
	rec.failNext(1, 400, "Throttled", "Rate exceeded for "+phone)
	if _, err := s.OptedOut(ctx, phone); err == nil || !message.IsTemporary(err) {
		t.Errorf("throttled: err = %v, want temporary", err)
	} else {
		assertNoPhone(t, err)
	}
}

func TestUnreachableIsTemporary(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // nothing listens there now: connection refused
		t.Fatal(err)
	}
	cfg := testservice.AWSConfig()
	cfg.Retryer = func() aws.Retryer { return retry.AddWithMaxAttempts(retry.NewStandard(), 1) }
	s := New(NewClient(cfg, "http://"+addr), Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = s.SendSMS(ctx, testSMS())
	if err == nil || !message.IsTemporary(err) || message.Reason(err) != "connection failed" {
		t.Errorf("err = %v, want temporary connection failed", err)
	}
}
