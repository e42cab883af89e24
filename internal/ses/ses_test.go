package ses

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/orderwire/orderwire/internal/message"
)

const buyer = "buyer@example.com"

// fakeAPI records the requests and answers with the configured results.
type fakeAPI struct {
	sendIn  []*sesv2.SendEmailInput
	sendOut *sesv2.SendEmailOutput
	sendErr error

	suppIn  []*sesv2.GetSuppressedDestinationInput
	suppOut *sesv2.GetSuppressedDestinationOutput
	suppErr error
}

func (f *fakeAPI) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.sendIn = append(f.sendIn, in)
	return f.sendOut, f.sendErr
}

func (f *fakeAPI) GetSuppressedDestination(_ context.Context, in *sesv2.GetSuppressedDestinationInput, _ ...func(*sesv2.Options)) (*sesv2.GetSuppressedDestinationOutput, error) {
	f.suppIn = append(f.suppIn, in)
	return f.suppOut, f.suppErr
}

func testEmail() message.Email {
	return message.Email{
		ID:      "ord_1/payment_reminder/1/email",
		OrderID: "ord_1",
		Kind:    "payment_reminder",
		From:    "Магазин Ромашка <orders@seller.example>",
		To:      buyer,
		Subject: "Напоминание об оплате заказа №1",
		Text:    "Здравствуйте! Заказ ждёт оплаты.",
		HTML:    "<p>Здравствуйте! Заказ <b>ждёт</b> оплаты.</p>",
		Locale:  "ru",
		Headers: map[string]string{
			"List-Unsubscribe":      "<https://seller.example/u/abc>, <mailto:unsubscribe@seller.example?subject=abc>",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		},
	}
}

func TestSendEmailBuildsSimpleContent(t *testing.T) {
	api := &fakeAPI{sendOut: &sesv2.SendEmailOutput{MessageId: aws.String("ses-123")}}
	sent, err := New(api).SendEmail(context.Background(), testEmail())
	if err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	if sent.MessageID != "ses-123" {
		t.Errorf("MessageID = %q, want ses-123", sent.MessageID)
	}
	if len(api.sendIn) != 1 {
		t.Fatalf("%d SendEmail calls, want 1", len(api.sendIn))
	}
	in := api.sendIn[0]
	if got := in.Destination.ToAddresses; len(got) != 1 || got[0] != buyer {
		t.Errorf("ToAddresses = %q", got)
	}
	from, err := mail.ParseAddress(aws.ToString(in.FromEmailAddress))
	if err != nil {
		t.Fatalf("FromEmailAddress %q does not parse: %v", aws.ToString(in.FromEmailAddress), err)
	}
	if from.Name != "Магазин Ромашка" || from.Address != "orders@seller.example" {
		t.Errorf("From = %q <%s>", from.Name, from.Address)
	}
	if raw := aws.ToString(in.FromEmailAddress); !isASCII(raw) {
		t.Errorf("FromEmailAddress %q is not ASCII (SES wants an RFC 2047 name)", raw)
	}
	if in.Content == nil || in.Content.Simple == nil || in.Content.Raw != nil {
		t.Fatalf("want Simple content only, got %+v", in.Content)
	}
	msg := in.Content.Simple
	checkContent(t, "Subject", msg.Subject, testEmail().Subject)
	checkContent(t, "Text", msg.Body.Text, testEmail().Text)
	checkContent(t, "Html", msg.Body.Html, testEmail().HTML)
	want := []string{
		"List-Unsubscribe: <https://seller.example/u/abc>, <mailto:unsubscribe@seller.example?subject=abc>",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
	}
	var got []string
	for _, h := range msg.Headers {
		got = append(got, aws.ToString(h.Name)+": "+aws.ToString(h.Value))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("headers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func checkContent(t *testing.T, name string, c *types.Content, want string) {
	t.Helper()
	if c == nil {
		t.Errorf("%s missing", name)
		return
	}
	if aws.ToString(c.Data) != want || aws.ToString(c.Charset) != "UTF-8" {
		t.Errorf("%s = %q (charset %q), want %q (UTF-8)", name, aws.ToString(c.Data), aws.ToString(c.Charset), want)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func TestSendEmailTextOnlyAndEncodedHeader(t *testing.T) {
	api := &fakeAPI{sendOut: &sesv2.SendEmailOutput{MessageId: aws.String("ses-1")}}
	m := testEmail()
	m.HTML = ""
	m.From = "orders@seller.example"
	m.Headers = map[string]string{"X-Shop": "Ромашка"}
	if _, err := New(api).SendEmail(context.Background(), m); err != nil {
		t.Fatalf("SendEmail: %v", err)
	}
	in := api.sendIn[0]
	if in.Content.Simple.Body.Html != nil {
		t.Errorf("empty HTML was sent")
	}
	if got := aws.ToString(in.FromEmailAddress); got != "orders@seller.example" {
		t.Errorf("From = %q", got)
	}
	v := aws.ToString(in.Content.Simple.Headers[0].Value)
	if !isASCII(v) || !strings.HasPrefix(v, "=?UTF-8?q?") {
		t.Errorf("non-ASCII header value sent as %q, want RFC 2047", v)
	}
}

func TestSendEmailRejectsBadInputWithoutCallingSES(t *testing.T) {
	cases := map[string]func(m *message.Email){
		"bad recipient":     func(m *message.Email) { m.To = "buyer at example.com" },
		"named recipient":   func(m *message.Email) { m.To = "Buyer <" + buyer + ">" },
		"bad from":          func(m *message.Email) { m.From = "orders@" },
		"empty subject":     func(m *message.Email) { m.Subject = "" },
		"empty body":        func(m *message.Email) { m.Text, m.HTML = "", "" },
		"header injection":  func(m *message.Email) { m.Headers["X-Evil"] = "a\r\nBcc: " + buyer },
		"reserved header":   func(m *message.Email) { m.Headers["bcc"] = buyer },
		"invalid name":      func(m *message.Email) { m.Headers["Bad Name"] = "x" },
		"overlong header":   func(m *message.Email) { m.Headers["X-Long"] = strings.Repeat("a", 996) },
		"colon in the name": func(m *message.Email) { m.Headers["X:Y"] = "x" },
		"repeated header":   func(m *message.Email) { m.Headers["list-unsubscribe"] = "<https://x.example/>" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			api := &fakeAPI{}
			m := testEmail()
			mutate(&m)
			_, err := New(api).SendEmail(context.Background(), m)
			if err == nil || message.IsTemporary(err) {
				t.Fatalf("err = %v, want a permanent failure", err)
			}
			if len(api.sendIn) != 0 {
				t.Errorf("SES was called")
			}
			assertNoAddress(t, err)
		})
	}
}

// sdkError builds an error shaped like the ones the SES client returns: an operation error
// around an HTTP response error around the API error.
func sdkError(status int, apiErr error) error {
	return &smithy.OperationError{
		ServiceID:     "SESv2",
		OperationName: "SendEmail",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
				Err:      apiErr,
			},
			RequestID: "req-1",
		},
	}
}

// leaky is an API message that names the buyer, as SES messages do.
var leaky = aws.String("Email address is not verified. The following identities failed the check in region US-EAST-1: " + buyer)

func TestClassify(t *testing.T) {
	generic := func(code string) error { return &smithy.GenericAPIError{Code: code, Message: *leaky} }
	dialErr := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/v2/email/suppression/addresses/buyer%40example.com",
		Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}
	cases := []struct {
		name      string
		err       error
		temporary bool
		code      string // the code the reason must mention, if any
	}{
		{"TooManyRequests", sdkError(429, &types.TooManyRequestsException{Message: leaky}), true, "TooManyRequestsException"},
		{"LimitExceeded", sdkError(400, &types.LimitExceededException{Message: leaky}), true, "LimitExceededException"},
		{"Throttling 400", sdkError(400, generic("Throttling")), true, "Throttling"},
		{"InternalServiceError", sdkError(500, &types.InternalServiceErrorException{Message: leaky}), true, "InternalServiceErrorException"},
		{"unknown 503", sdkError(503, generic("UnknownError")), true, "UnknownError"},
		{"unknown 502 without api error", sdkError(502, errors.New("bad gateway for "+buyer)), true, ""},
		{"transport", &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: dialErr}, true, ""},
		{"MessageRejected", sdkError(400, &types.MessageRejected{Message: leaky}), false, "MessageRejected"},
		{"MailFromDomainNotVerified", sdkError(400, &types.MailFromDomainNotVerifiedException{Message: leaky}), false, "MailFromDomainNotVerifiedException"},
		{"BadRequest", sdkError(400, &types.BadRequestException{Message: leaky}), false, "BadRequestException"},
		{"AccountSuspended", sdkError(400, &types.AccountSuspendedException{Message: leaky}), false, "AccountSuspendedException"},
		{"SendingPaused", sdkError(400, &types.SendingPausedException{Message: leaky}), false, "SendingPausedException"},
		{"NotFound", sdkError(404, &types.NotFoundException{Message: leaky}), false, "NotFoundException"},
		{"AccessDenied 403", sdkError(403, generic("AccessDeniedException")), false, "AccessDeniedException"},
		{"unknown 4xx", sdkError(413, generic("SomethingNew")), false, "SomethingNew"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := &fakeAPI{sendErr: c.err}
			_, err := New(api).SendEmail(context.Background(), testEmail())
			var ne *message.Error
			if !errors.As(err, &ne) {
				t.Fatalf("err = %v (%T), want *message.Error", err, err)
			}
			if ne.Temporary != c.temporary || message.IsTemporary(err) != c.temporary {
				t.Errorf("temporary = %v, want %v (%v)", ne.Temporary, c.temporary, err)
			}
			if ne.Op != "ses.SendEmail" {
				t.Errorf("Op = %q", ne.Op)
			}
			if c.code != "" {
				if !strings.Contains(ne.Reason, c.code) {
					t.Errorf("Reason %q does not name %s", ne.Reason, c.code)
				}
				var api smithy.APIError
				if !errors.As(err, &api) || api.ErrorCode() != c.code {
					t.Errorf("smithy.APIError code lost: %v", err)
				}
			}
			assertNoAddress(t, err)
		})
	}
}

func TestSuppressed(t *testing.T) {
	ctx := context.Background()
	api := &fakeAPI{suppOut: &sesv2.GetSuppressedDestinationOutput{SuppressedDestination: &types.SuppressedDestination{
		EmailAddress: aws.String(buyer), Reason: types.SuppressionListReasonBounce,
	}}}
	s := New(api)
	if got, err := s.Suppressed(ctx, buyer); err != nil || !got {
		t.Errorf("Suppressed = %v, %v; want true", got, err)
	}
	if got := aws.ToString(api.suppIn[0].EmailAddress); got != buyer {
		t.Errorf("asked about %q", got)
	}

	api.suppOut, api.suppErr = nil, sdkError(404, &types.NotFoundException{Message: leaky})
	if got, err := s.Suppressed(ctx, buyer); err != nil || got {
		t.Errorf("NotFound: Suppressed = %v, %v; want false, nil", got, err)
	}

	api.suppErr = sdkError(429, &types.TooManyRequestsException{Message: leaky})
	got, err := s.Suppressed(ctx, buyer)
	if err == nil || got || !message.IsTemporary(err) {
		t.Errorf("throttled: Suppressed = %v, %v; want a temporary failure", got, err)
	}
	assertNoAddress(t, err)

	api.suppErr = sdkError(400, &types.BadRequestException{Message: leaky})
	if _, err := s.Suppressed(ctx, buyer); err == nil || message.IsTemporary(err) {
		t.Errorf("bad request: err = %v, want permanent", err)
	}
	if _, err := s.Suppressed(ctx, " "); err == nil || message.IsTemporary(err) {
		t.Errorf("empty address: err = %v, want permanent", err)
	}
}

// assertNoAddress fails if err's text or reason names the buyer, in any spelling.
func assertNoAddress(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{err.Error(), message.Reason(err)} {
		low := strings.ToLower(s)
		if strings.Contains(low, "buyer@") || strings.Contains(low, "buyer%40") || strings.Contains(low, "example.com") {
			t.Errorf("error text names the buyer: %q", s)
		}
	}
}

// TestConfigurationSetAndTags: with a configuration set, the send names it and carries the
// buyer and the outbox row as SES message tags (letters, digits, '_' and '-' only, as SES
// requires), which read back to the ids; without one, neither is sent.
func TestConfigurationSetAndTags(t *testing.T) {
	api := &fakeAPI{sendOut: &sesv2.SendEmailOutput{MessageId: aws.String("ses-1")}}
	m := testEmail()
	m.ID, m.BuyerID = "AE-1001:x.y/payment_reminder/7/email", "buyer.ana:42"
	if _, err := New(api).WithConfigurationSet("orderwire-events").SendEmail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	in := api.sendIn[0]
	if aws.ToString(in.ConfigurationSetName) != "orderwire-events" {
		t.Errorf("ConfigurationSetName %q", aws.ToString(in.ConfigurationSetName))
	}
	tags := map[string][]string{}
	for _, tag := range in.EmailTags {
		value := aws.ToString(tag.Value)
		if !regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`).MatchString(value) {
			t.Errorf("tag %s = %q: not in SES's tag alphabet", aws.ToString(tag.Name), value)
		}
		tags[aws.ToString(tag.Name)] = []string{value}
	}
	if buyerID, row := message.ParseTags(tags); buyerID != m.BuyerID || row != "AE-1001:x.y/payment_reminder/7" {
		t.Errorf("tags %v read back as buyer %q, row %q", tags, buyerID, row)
	}

	api = &fakeAPI{sendOut: &sesv2.SendEmailOutput{MessageId: aws.String("ses-2")}}
	if _, err := New(api).SendEmail(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if api.sendIn[0].ConfigurationSetName != nil || len(api.sendIn[0].EmailTags) != 0 {
		t.Errorf("without a configuration set: %v, tags %v", api.sendIn[0].ConfigurationSetName, api.sendIn[0].EmailTags)
	}
}
