package console_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

func TestRegisterAParcel(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	token := csrf(t, c.do("GET", "/console/orders/AE-1001", nil).Body.String())
	rec := c.do("POST", "/console/orders/AE-1001/shipments", url.Values{"csrf": {token}, "carrier": {"DHL"},
		"tracking_number": {"1234 5678 90"}, "service": {"express"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/orders/AE-1001" {
		t.Fatalf("register: %d %v\n%s", rec.Code, rec.Header(), rec.Body)
	}
	if body := c.do("GET", "/console/orders/AE-1001", nil).Body.String(); !strings.Contains(body, `data-tracking-number="1234567890"`) {
		t.Error("the new parcel is not on the order page")
	}
	// A refused registration shows the page again, with the reason and what was typed.
	rec = c.do("POST", "/console/orders/AE-1001/shipments", url.Values{"csrf": {token}, "carrier": {"china-post"},
		"tracking_number": {"RR123456784CN"}})
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest || !strings.Contains(body, `<p class="error" role="alert">`) ||
		!strings.Contains(body, "tracking_number") || !strings.Contains(body, `value="RR123456784CN"`) {
		t.Fatalf("a wrong check digit: %d\n%s", rec.Code, body)
	}
	if o, _ := e.st.GetOrder(t.Context(), orderID); len(o.Shipments) != 2 {
		t.Fatalf("parcels: %+v", o.Shipments)
	}
	if rec := c.do("POST", "/console/orders/AE-404/shipments", url.Values{"csrf": {token}, "carrier": {"dhl"},
		"tracking_number": {"1234567891"}}); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown order: %d", rec.Code)
	}
}

func TestFileAnUnfiledEvent(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	token := csrf(t, c.do("GET", "/console/inbox", nil).Body.String())
	if rec := c.do("POST", "/console/inbox/assign", url.Values{"csrf": {token}, "provider": {"stripe"},
		"event_id": {unfiledID}, "order_id": {"AE-404"}}); rec.Code != http.StatusNotFound {
		t.Errorf("filing on an unknown order: %d", rec.Code)
	}
	rec := c.do("POST", "/console/inbox/assign", url.Values{"csrf": {token}, "provider": {"stripe"}, "channel": {"payment"},
		"event_id": {unfiledID}, "order_id": {unpaidID}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/orders/AE-1002" {
		t.Fatalf("assign: %d %v\n%s", rec.Code, rec.Header(), rec.Body)
	}
	if body := c.do("GET", "/console/inbox", nil).Body.String(); strings.Contains(body, `data-event-id="evt_unfiled_1"`) {
		t.Error("the filed event is still in the inbox")
	}
	if body := c.do("GET", "/console/orders/AE-1002", nil).Body.String(); !strings.Contains(body, unfiledID) {
		t.Error("the filed event is not on the order's timeline")
	}
	if rec := c.do("POST", "/console/inbox/assign", url.Values{"csrf": {token}, "provider": {"stripe"},
		"event_id": {unfiledID}, "order_id": {unpaidID}}); rec.Code != http.StatusNotFound {
		t.Errorf("filing it twice: %d", rec.Code)
	}
}

func TestEditPreferences(t *testing.T) {
	e := newEnv(t)
	c := e.signedIn()
	token := csrf(t, c.do("GET", "/console/buyers/buyer-1", nil).Body.String())
	rec := c.do("POST", "/console/buyers/buyer-1/preferences", url.Values{"csrf": {token}, "default": {"email"},
		"kind.payment_reminder": {"sms"}, "sms_opt_out": {"1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/buyers/buyer-1" {
		t.Fatalf("preferences: %d\n%s", rec.Code, rec.Body)
	}
	b, err := e.st.GetBuyer(t.Context(), buyerID)
	p := b.Preferences
	if err != nil || p.Default != order.ChannelsEmail || p.ByKind[order.NotifyPaymentReminder] != order.ChannelsSMS ||
		!p.SMSOptOut || p.EmailOptOut || p.UpdatedBy != "seller" || !p.UpdatedAt.Equal(now) || b.Email != email {
		t.Fatalf("stored preferences %+v (%v)", p, err)
	}
	body := c.do("GET", "/console/buyers/buyer-1", nil).Body.String()
	if !strings.Contains(body, `<option value="sms" selected>`) || !strings.Contains(body, `name="sms_opt_out" type="checkbox" value="1" checked>`) {
		t.Error("the page does not show the stored preferences")
	}
	if rec := c.do("POST", "/console/buyers/buyer-1/preferences", url.Values{"csrf": {token},
		"kind.payment_received": {"none"}}); rec.Code != http.StatusBadRequest {
		t.Errorf("turning off a must-send message: %d", rec.Code)
	}
	if rec := c.do("GET", "/console/buyers/nobody", nil); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown buyer: %d", rec.Code)
	}
}

func TestDownloadTheEvidencePack(t *testing.T) {
	c := newEnv(t).signedIn()
	c.header.Set("Accept-Language", "zh-CN")
	rec := c.do("GET", "/console/orders/AE-1001/evidence", nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/zip" ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="orderwire-evidence-AE-1001.zip"` {
		t.Fatalf("evidence: %d %v", rec.Code, rec.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var summary bytes.Buffer
	for _, f := range zr.File {
		if f.Name == "summary.html" {
			r, _ := f.Open()
			_, _ = summary.ReadFrom(r)
		}
	}
	if !strings.Contains(summary.String(), `lang="zh-CN"`) {
		t.Error("the pack is not in the console's language")
	}
	if rec := c.do("GET", "/console/orders/AE-404/evidence", nil); rec.Code != http.StatusNotFound {
		t.Errorf("an unknown order's pack: %d", rec.Code)
	}
}

func TestFailedMessagesShowInTheInboxAndToday(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	rows, err := e.st.Notifications(ctx, orderID)
	if err != nil {
		t.Fatal(err)
	}
	failed := false
	for _, r := range rows {
		if r.Kind != order.NotifyShipmentException {
			continue
		}
		n, err := e.st.ClaimNotification(ctx, r.Ref(), "test-notifier", now, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		n.Status, n.Reason, n.UpdatedAt = order.NotificationFailed, "mailbox does not exist", now
		n.Deliveries = []order.Delivery{{Channel: "email", Status: order.NotificationFailed, Reason: "550 5.1.1", At: now}}
		if err := e.st.FinishNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		failed = true
	}
	if !failed {
		t.Fatal("no shipment_exception row to fail")
	}
	c := e.signedIn()
	inbox := c.do("GET", "/console/inbox", nil).Body.String()
	if !strings.Contains(inbox, `<tr class="message" data-order-id="AE-1001">`) || !strings.Contains(inbox, "mailbox does not exist") {
		t.Errorf("the inbox does not list the failed message:\n%s", inbox)
	}
	if today := c.do("GET", "/console/today", nil).Body.String(); !strings.Contains(today, `<table id="attention-message_problem"`) {
		t.Error("Today has no message problem table")
	}
}
