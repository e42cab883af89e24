package tracking

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/order"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/. Verify targets check that arbitrary headers
// and bodies never panic and only ever fail with CodeUnauthorized, and that a correctly signed
// arbitrary body verifies and parses well; Parse targets check that arbitrary bodies give
// either a well-formed event or a CodeInvalid *order.Error.

// wantVerifyResult fails unless err is nil or an unauthorized *order.Error.
func wantVerifyResult(t *testing.T, err error) {
	t.Helper()
	var e *order.Error
	if err != nil && (!errors.As(err, &e) || e.Code != order.CodeUnauthorized || e.Message == "") {
		t.Fatalf("Verify error %v is not an unauthorized *order.Error", err)
	}
}

// wantParseResult fails unless Parse gave a well-formed event or a CodeInvalid error.
func wantParseResult(t *testing.T, source string, ev order.TrackingEvent, err error) {
	t.Helper()
	if err != nil {
		var e *order.Error
		if !errors.As(err, &e) || e.Code != order.CodeInvalid || e.Message == "" {
			t.Fatalf("Parse error %v is not an invalid *order.Error", err)
		}
		return
	}
	if ev.Source != source || ev.EventID == "" || !ev.ReceivedAt.IsZero() || (ev.Status != "" && ev.TrackingNumber == "") {
		t.Fatalf("malformed event %+v", ev)
	}
	checkInvariants(t, ev)
}

func FuzzAfterShipVerify(f *testing.F) {
	p := mustProvider(f, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		r := Request{Header: http.Header{"Aftership-Hmac-Sha256": {sig}}, Body: body}
		wantVerifyResult(t, p.Verify(context.Background(), r, testNow))
		signed := afterShipRequest(body, afterShipSecret)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameAfterShip, ev, err)
	})
}

func FuzzAfterShipParse(f *testing.F) {
	p := mustProvider(f, Config{AfterShipSecrets: []string{afterShipSecret}}, NameAfterShip)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Body: body})
		wantParseResult(t, NameAfterShip, ev, err)
	})
}

func FuzzSeventeenTrackVerify(f *testing.F) {
	p := mustProvider(f, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	f.Fuzz(func(t *testing.T, sign string, body []byte) {
		r := Request{Header: http.Header{"Sign": {sign}}, Body: body}
		wantVerifyResult(t, p.Verify(context.Background(), r, testNow))
		signed := seventeenRequest(body, seventeenKey)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameSeventeenTrack, ev, err)
	})
}

func FuzzSeventeenTrackParse(f *testing.F) {
	p := mustProvider(f, Config{SeventeenTrackKeys: []string{seventeenKey}}, NameSeventeenTrack)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Body: body})
		wantParseResult(t, NameSeventeenTrack, ev, err)
		if err == nil {
			again, _ := p.Parse(Request{Body: body})
			if again.EventID != ev.EventID {
				t.Fatalf("derived event id not stable: %q then %q", ev.EventID, again.EventID)
			}
		}
	})
}

func FuzzEasyPostVerify(f *testing.F) {
	p := mustProvider(f, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	f.Fuzz(func(t *testing.T, sig string, body []byte) {
		r := Request{Header: http.Header{"X-Hmac-Signature": {sig}}, Body: body}
		wantVerifyResult(t, p.Verify(context.Background(), r, testNow))
		signed := easyPostRequest(body, easyPostSecret)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameEasyPost, ev, err)
	})
}

func FuzzEasyPostParse(f *testing.F) {
	p := mustProvider(f, Config{EasyPostSecrets: []string{easyPostSecret}}, NameEasyPost)
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := p.Parse(Request{Body: body})
		wantParseResult(t, NameEasyPost, ev, err)
	})
}

func FuzzStandardVerify(f *testing.F) {
	p := mustProvider(f, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
		wantVerifyResult(t, p.Verify(context.Background(), Request{Header: h, Body: body}, testNow))
		if id == "" || id != strings.TrimSpace(id) {
			return
		}
		signed := standardRequest(body, standardSecret, id, testNow)
		if err := p.Verify(context.Background(), signed, testNow); err != nil {
			t.Fatalf("correctly signed body refused: %v", err)
		}
		ev, err := p.Parse(signed)
		wantParseResult(t, NameStandard, ev, err)
	})
}

func FuzzStandardParse(f *testing.F) {
	p := mustProvider(f, Config{StandardSecrets: []string{standardSecret}}, NameStandard)
	f.Fuzz(func(t *testing.T, id, ts string, body []byte) {
		h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}}
		ev, err := p.Parse(Request{Header: h, Body: body})
		wantParseResult(t, NameStandard, ev, err)
	})
}
