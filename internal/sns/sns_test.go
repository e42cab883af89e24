package sns

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orderwire/orderwire/internal/message"
)

const phone = "+15555550100"

// fakeAPI records requests and answers with the configured results.
type fakeAPI struct {
	pubIn  []*sns.PublishInput
	pubOut *sns.PublishOutput
	pubErr error

	optIn  []*sns.CheckIfPhoneNumberIsOptedOutInput
	optOut *sns.CheckIfPhoneNumberIsOptedOutOutput
	optErr error
}

func (f *fakeAPI) Publish(_ context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.pubIn = append(f.pubIn, in)
	return f.pubOut, f.pubErr
}

func (f *fakeAPI) CheckIfPhoneNumberIsOptedOut(_ context.Context, in *sns.CheckIfPhoneNumberIsOptedOutInput, _ ...func(*sns.Options)) (*sns.CheckIfPhoneNumberIsOptedOutOutput, error) {
	f.optIn = append(f.optIn, in)
	return f.optOut, f.optErr
}

func testSMS() message.SMS {
	return message.SMS{
		ID:      "ord_1/payment_reminder/1/sms",
		OrderID: "ord_1",
		Kind:    "payment_reminder",
		To:      phone,
		Text:    "Заказ №1 ждёт оплаты: https://shop.example/p/1 — спасибо! 🌼",
		Locale:  "ru",
	}
}

func TestSendSMSBuildsPublish(t *testing.T) {
	for _, c := range []struct {
		opts Options
		want map[string]string
	}{
		{Options{}, map[string]string{attrSMSType: "Transactional"}},
		{Options{SenderID: "Romashka", OriginationNumber: "+15550001111"}, map[string]string{
			attrSMSType: "Transactional", attrSenderID: "Romashka", attrOriginationNumber: "+15550001111",
		}},
	} {
		api := &fakeAPI{pubOut: &sns.PublishOutput{MessageId: aws.String("m-1")}}
		sent, err := New(api, c.opts).SendSMS(context.Background(), testSMS())
		if err != nil || sent.MessageID != "m-1" {
			t.Fatalf("SendSMS = %+v, %v", sent, err)
		}
		in := api.pubIn[0]
		if aws.ToString(in.PhoneNumber) != phone || aws.ToString(in.Message) != testSMS().Text {
			t.Errorf("PhoneNumber %q, Message %q", aws.ToString(in.PhoneNumber), aws.ToString(in.Message))
		}
		if in.TopicArn != nil || in.TargetArn != nil || in.Subject != nil {
			t.Errorf("unexpected fields: %+v", in)
		}
		if len(in.MessageAttributes) != len(c.want) {
			t.Errorf("attributes %v, want %v", in.MessageAttributes, c.want)
		}
		for name, value := range c.want {
			got := in.MessageAttributes[name]
			if aws.ToString(got.DataType) != "String" || aws.ToString(got.StringValue) != value {
				t.Errorf("%s = %s/%s, want String/%s", name, aws.ToString(got.DataType), aws.ToString(got.StringValue), value)
			}
		}
	}
}

func TestSendSMSRejectsBadInputWithoutCallingSNS(t *testing.T) {
	for _, m := range []message.SMS{
		{To: "5555550100", Text: "x"},
		{To: "+1 555 555 0100", Text: "x"},
		{To: "+0555550100", Text: "x"},
		{To: phone, Text: ""},
	} {
		api := &fakeAPI{}
		_, err := New(api, Options{}).SendSMS(context.Background(), m)
		if err == nil || message.IsTemporary(err) {
			t.Errorf("%q: err = %v, want permanent", m.To, err)
		}
		if len(api.pubIn) != 0 {
			t.Errorf("%q: SNS was called", m.To)
		}
		assertNoPhone(t, err)
	}
}

// sdkError builds an error shaped like the SNS client's.
func sdkError(status int, apiErr error) error {
	return &smithy.OperationError{
		ServiceID:     "SNS",
		OperationName: "Publish",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
				Err:      apiErr,
			},
			RequestID: "req-1",
		},
	}
}

var leaky = aws.String("Invalid parameter: PhoneNumber Reason: " + phone + " is not valid to publish to")

func TestClassify(t *testing.T) {
	generic := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: *leaky} }
	dialErr := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	cases := []struct {
		name      string
		err       error
		temporary bool
		code      string
	}{
		{"Throttled", sdkError(400, &types.ThrottledException{Message: leaky}), true, "Throttled"},
		{"Throttling", sdkError(400, generic("Throttling")), true, "Throttling"},
		{"ThrottlingException", sdkError(400, generic("ThrottlingException")), true, "ThrottlingException"},
		{"InternalError", sdkError(500, &types.InternalErrorException{Message: leaky}), true, "InternalError"},
		{"KMSThrottling", sdkError(400, &types.KMSThrottlingException{Message: leaky}), true, "KMSThrottling"},
		{"unknown 503", sdkError(503, generic("Unavailable")), true, "Unavailable"},
		{"transport", &smithy.OperationError{ServiceID: "SNS", OperationName: "Publish", Err: dialErr}, true, ""},
		{"InvalidParameter", sdkError(400, &types.InvalidParameterException{Message: leaky}), false, "InvalidParameter"},
		{"ParameterValueInvalid", sdkError(400, &types.InvalidParameterValueException{Message: leaky}), false, "ParameterValueInvalid"},
		{"AuthorizationError", sdkError(403, &types.AuthorizationErrorException{Message: leaky}), false, "AuthorizationError"},
		{"EndpointDisabled", sdkError(400, &types.EndpointDisabledException{Message: leaky}), false, "EndpointDisabled"},
		{"OptedOut", sdkError(400, &types.OptedOutException{Message: leaky}), false, "OptedOut"},
		{"unknown 403", sdkError(403, generic("InvalidClientTokenId")), false, "InvalidClientTokenId"},
		{"unknown 4xx", sdkError(404, generic("SomethingNew")), false, "SomethingNew"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := &fakeAPI{pubErr: c.err}
			_, err := New(api, Options{}).SendSMS(context.Background(), testSMS())
			var ne *message.Error
			if !errors.As(err, &ne) {
				t.Fatalf("err = %v (%T), want *message.Error", err, err)
			}
			if ne.Temporary != c.temporary {
				t.Errorf("temporary = %v, want %v (%v)", ne.Temporary, c.temporary, err)
			}
			if ne.Op != "sns.SendSMS" {
				t.Errorf("Op = %q", ne.Op)
			}
			if c.code != "" && !strings.HasPrefix(ne.Reason, c.code+" (HTTP ") {
				t.Errorf("Reason %q does not start with %s", ne.Reason, c.code)
			}
			assertNoPhone(t, err)
		})
	}
}

func TestOptedOutWithFake(t *testing.T) {
	api := &fakeAPI{optOut: &sns.CheckIfPhoneNumberIsOptedOutOutput{IsOptedOut: true}}
	s := New(api, Options{})
	if got, err := s.OptedOut(context.Background(), phone); err != nil || !got {
		t.Errorf("OptedOut = %v, %v; want true", got, err)
	}
	if aws.ToString(api.optIn[0].PhoneNumber) != phone {
		t.Errorf("asked about %q", aws.ToString(api.optIn[0].PhoneNumber))
	}
	api.optErr = sdkError(400, &types.ThrottledException{Message: leaky})
	if _, err := s.OptedOut(context.Background(), phone); err == nil || !message.IsTemporary(err) {
		t.Errorf("throttled: err = %v, want temporary", err)
	}
	if _, err := s.OptedOut(context.Background(), "555"); err == nil || message.IsTemporary(err) {
		t.Errorf("bad number: err = %v, want permanent", err)
	}
}

// assertNoPhone fails if err's text or reason contains the number's digits.
func assertNoPhone(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), message.Reason(err)} {
		if strings.Contains(s, "5555550100") {
			t.Errorf("error text names the phone number: %q", s)
		}
	}
}
