package sns

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// recorder is a small SNS stand-in for tests: the SNS emulators that install here do not
// support Publish to a phone number. It decodes the SNS query protocol as SNS does (a
// form-encoded POST with Action and Version; MessageAttributes as
// MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue), records every
// request, and answers with SNS's XML documents: PublishResponse,
// CheckIfPhoneNumberIsOptedOutResponse, or an ErrorResponse with the HTTP status SNS would
// use. It can be told to fail the next N requests with a given code and status.
type recorder struct {
	URL string

	mu       sync.Mutex
	requests []recorded
	optedOut map[string]bool
	failures []failure
}

// recorded is one decoded request.
type recorded struct {
	Action      string
	Version     string
	PhoneNumber string // PhoneNumber (Publish) or phoneNumber (CheckIfPhoneNumberIsOptedOut)
	Message     string
	Attributes  map[string]attribute // MessageAttributes by Name
	Signed      bool                 // a SigV4 Authorization header for the sns service
}

type attribute struct{ DataType, StringValue string }

type failure struct {
	status        int
	code, message string
}

const snsNamespace = "http://sns.amazonaws.com/doc/2010-03-31/"

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	r := &recorder{optedOut: map[string]bool{}}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

// failNext makes the next n requests fail with an SNS error document.
func (r *recorder) failNext(n, status int, code, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 0; i < n; i++ {
		r.failures = append(r.failures, failure{status, code, message})
	}
}

// optOut marks phone as opted out.
func (r *recorder) optOut(phone string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.optedOut[phone] = true
}

// received returns the requests so far.
func (r *recorder) received() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.requests...)
}

func (r *recorder) serve(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		writeError(w, 400, "InvalidParameter", "expected a form-encoded POST", 0)
		return
	}
	if err := req.ParseForm(); err != nil {
		writeError(w, 400, "MalformedQueryString", "form does not parse", 0)
		return
	}
	rec, err := decode(req.PostForm)
	rec.Signed = strings.HasPrefix(req.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") &&
		strings.Contains(req.Header.Get("Authorization"), "/sns/aws4_request")

	r.mu.Lock()
	r.requests = append(r.requests, rec)
	n := len(r.requests)
	var fail *failure
	if len(r.failures) > 0 {
		fail = &r.failures[0]
		r.failures = r.failures[1:]
	}
	opted := r.optedOut[rec.PhoneNumber]
	r.mu.Unlock()

	switch {
	case fail != nil:
		writeError(w, fail.status, fail.code, fail.message, n)
	case err != nil:
		writeError(w, 400, "InvalidParameter", err.Error(), n)
	case rec.Version != "2010-03-31":
		writeError(w, 400, "InvalidParameterValue", "unsupported Version", n)
	case rec.Action == "Publish":
		if rec.PhoneNumber == "" || rec.Message == "" {
			writeError(w, 400, "InvalidParameter", "Invalid parameter: PhoneNumber or Message missing", n)
			return
		}
		writeXML(w, fmt.Sprintf(`<PublishResponse xmlns=%q><PublishResult><MessageId>msg-%d</MessageId></PublishResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></PublishResponse>`, snsNamespace, n, n))
	case rec.Action == "CheckIfPhoneNumberIsOptedOut":
		if rec.PhoneNumber == "" {
			writeError(w, 400, "InvalidParameter", "Invalid parameter: phoneNumber missing", n)
			return
		}
		writeXML(w, fmt.Sprintf(`<CheckIfPhoneNumberIsOptedOutResponse xmlns=%q><CheckIfPhoneNumberIsOptedOutResult><isOptedOut>%t</isOptedOut></CheckIfPhoneNumberIsOptedOutResult><ResponseMetadata><RequestId>req-%d</RequestId></ResponseMetadata></CheckIfPhoneNumberIsOptedOutResponse>`, snsNamespace, opted, n))
	default:
		writeError(w, 400, "InvalidAction", "unknown action", n)
	}
}

// decode reads the query-protocol form of a request. It fails on MessageAttributes entries
// that are incomplete, numbered with gaps, or carry unknown members.
func decode(form url.Values) (recorded, error) {
	rec := recorded{
		Action:      form.Get("Action"),
		Version:     form.Get("Version"),
		PhoneNumber: form.Get("PhoneNumber"),
		Message:     form.Get("Message"),
		Attributes:  map[string]attribute{},
	}
	if rec.Action == "CheckIfPhoneNumberIsOptedOut" {
		rec.PhoneNumber = form.Get("phoneNumber")
	}
	const prefix = "MessageAttributes.entry."
	entries := map[int]map[string]string{}
	for key, values := range form {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		num, member, ok := strings.Cut(rest, ".")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i < 1 || len(values) != 1 {
			return rec, fmt.Errorf("malformed key %s", key)
		}
		switch member {
		case "Name", "Value.DataType", "Value.StringValue", "Value.BinaryValue":
		default:
			return rec, fmt.Errorf("unknown member %s", key)
		}
		if entries[i] == nil {
			entries[i] = map[string]string{}
		}
		entries[i][member] = values[0]
	}
	nums := make([]int, 0, len(entries))
	for i := range entries {
		nums = append(nums, i)
	}
	sort.Ints(nums)
	for k, i := range nums {
		e := entries[i]
		if i != k+1 {
			return rec, fmt.Errorf("MessageAttributes entries not numbered 1..N")
		}
		if e["Name"] == "" || e["Value.DataType"] == "" {
			return rec, fmt.Errorf("MessageAttributes entry %d lacks Name or DataType", i)
		}
		if _, dup := rec.Attributes[e["Name"]]; dup {
			return rec, fmt.Errorf("MessageAttributes name %s repeated", e["Name"])
		}
		rec.Attributes[e["Name"]] = attribute{DataType: e["Value.DataType"], StringValue: e["Value.StringValue"]}
	}
	return rec, nil
}

func writeXML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, xml.Header+body)
}

// writeError writes SNS's error document; Type is Sender for 4xx and Receiver for 5xx.
func writeError(w http.ResponseWriter, status int, code, message string, n int) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	var msg strings.Builder
	_ = xml.EscapeText(&msg, []byte(message))
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", "req-"+strconv.Itoa(n))
	w.WriteHeader(status)
	fmt.Fprintf(w, `%s<ErrorResponse xmlns=%q><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-%d</RequestId></ErrorResponse>`,
		xml.Header, snsNamespace, typ, code, msg.String(), n)
}
