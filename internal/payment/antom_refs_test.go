package payment

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// antomRefsWant is what ties one Antom fixture to an order (see antom.Parse's table).
type antomRefsWant struct {
	file      string
	kind      order.EventKind
	orderID   string
	refs      []string
	disputeID string
	outcome   string
	amount    int64
	currency  string
	eventID   string
	at        time.Time
	status    string // DisputeStatus
	reason    string
	respondBy time.Time
}

const (
	antomPay = "20260301194010800100188820212345678"
	antomDsp = "202603101940108001001888C0200001"
)

// antomDue is the defenseDueTime of dispute_created.json and dispute_defense_due_alert.json
// (2026-03-20T09:09:16+08:00).
var antomDue = time.Date(2026, 3, 20, 1, 9, 16, 0, time.UTC)

// TestAntomRefs: every notification names the payment and its parts as refs; refunds and
// captures, which carry no paymentRequestId, name no order and are filed through their refs.
func TestAntomRefs(t *testing.T) {
	p := mustProvider(t, Config{AntomPublicKeyPEM: publicKeyPEM(t, signingKey())}, NameAntom)
	tests := []antomRefsWant{
		{file: "payment_result_success.json", kind: order.KindPaymentSucceeded, orderID: "ORD-3001",
			refs: []string{antomPay, "ORD-3001"}, amount: 8000, currency: "EUR"},
		{file: "refund_result_success.json", kind: order.KindRefunded, // notifyRefund: reference only
			refs: []string{"20260305194010800100188820212349999", "RF-ORD-3001-1"}, amount: 3000, currency: "EUR",
			at: time.Date(2026, 3, 5, 2, 0, 0, 0, time.UTC)},
		{file: "refund_direct_result.json", kind: order.KindRefunded, // notifyDirectRefund names the payment
			refs: []string{antomPay, "20260306194010800100188820212351111", "RF-ORD-3001-3"}, amount: 2000, currency: "EUR",
			eventID: "REFUND_RESULT:20260306194010800100188820212351111:SUCCESS"},
		{file: "refund_result_fail.json", kind: order.KindIgnored,
			refs: []string{"20260305194010800100188820212350000", "RF-ORD-3001-2"}},
		{file: "capture_result.json", kind: order.KindIgnored,
			refs:    []string{"20260301194010800100188820212345681", "20260301194010800100188820212340001", "CAP-ORD-3004"},
			eventID: "CAPTURE_RESULT:20260301194010800100188820212340001:S", at: time.Date(2026, 3, 1, 10, 5, 0, 0, time.UTC)},
		{file: "dispute_created.json", kind: order.KindDisputeOpened, orderID: "ORD-3001", disputeID: antomDsp,
			refs: []string{antomPay, "ORD-3001"}, amount: 8000, currency: "EUR",
			status: order.DisputeNeedsResponse, reason: "13.1", respondBy: antomDue},
		{file: "dispute_created_krw.json", kind: order.KindDisputeOpened, orderID: "ORD-3010",
			disputeID: "2026040329013101740904820001", amount: 14204, currency: "KRW",
			refs: []string{"20260401194010800100188740260001", "ORD-3010", "20260401194010800100188740260099"},
			at:   time.Date(2026, 4, 3, 3, 9, 18, 0, time.UTC), status: order.DisputeNeedsResponse, reason: "2006",
			respondBy: time.Date(2026, 4, 14, 3, 9, 16, 0, time.UTC)},
		{file: "dispute_defense_supplied.json", kind: order.KindDisputeUpdated, orderID: "ORD-3001", disputeID: antomDsp,
			refs: []string{antomPay, "ORD-3001"}, eventID: "DEFENSE_SUPPLIED:" + antomDsp, status: order.DisputeUnderReview},
		{file: "dispute_defense_due_alert.json", kind: order.KindDisputeUpdated, orderID: "ORD-3001", disputeID: antomDsp,
			refs: []string{antomPay, "ORD-3001"}, eventID: "DEFENSE_DUE_ALERT:" + antomDsp,
			status: order.DisputeNeedsResponse, respondBy: antomDue},
		{file: "dispute_judged_validate_success.json", kind: order.KindDisputeUpdated, orderID: "ORD-3001",
			disputeID: "202603101940108001001888C0200005", refs: []string{antomPay, "ORD-3001"}},
		{file: "dispute_judged_customer.json", kind: order.KindDisputeClosed, outcome: order.DisputeWon, orderID: "ORD-3001",
			disputeID: antomDsp, refs: []string{antomPay, "ORD-3001"}, status: order.DisputeWon},
		{file: "dispute_judged_merchant.json", kind: order.KindDisputeClosed, outcome: order.DisputeLost, orderID: "ORD-3001",
			disputeID: "202603101940108001001888C0200002", refs: []string{antomPay, "ORD-3001"}, status: order.DisputeLost},
		{file: "dispute_cancelled.json", kind: order.KindDisputeClosed, orderID: "ORD-3001",
			disputeID: "202603101940108001001888C0200003", refs: []string{antomPay, "ORD-3001"}, status: order.DisputeClosed},
		{file: "dispute_accepted.json", kind: order.KindDisputeClosed, outcome: order.DisputeLost, orderID: "ORD-3001",
			disputeID: "202603101940108001001888C0200004", refs: []string{antomPay, "ORD-3001"},
			at: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), status: order.DisputeLost},
	}
	for _, w := range tests {
		ev, err := p.Parse(antomRequest(t, signingKey(), fixture(t, "antom", w.file)))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		if ev.Kind != w.kind || ev.OrderID != w.orderID || !slices.Equal(ev.Refs, w.refs) || ev.DisputeID != w.disputeID ||
			ev.DisputeOutcome != w.outcome || ev.AmountMinor != w.amount || ev.Currency != w.currency {
			t.Errorf("%s: kind %s order %q refs %q dispute %q outcome %q amount %d %s;\n want %s %q %q %q %q %d %s",
				w.file, ev.Kind, ev.OrderID, ev.Refs, ev.DisputeID, ev.DisputeOutcome, ev.AmountMinor, ev.Currency,
				w.kind, w.orderID, w.refs, w.disputeID, w.outcome, w.amount, w.currency)
		}
		if ev.PaymentRef != "" && !slices.Contains(ev.Refs, ev.PaymentRef) {
			t.Errorf("%s: payment ref %q is not among the refs %q", w.file, ev.PaymentRef, ev.Refs)
		}
		if w.eventID != "" && ev.EventID != w.eventID {
			t.Errorf("%s: event id %q, want %q", w.file, ev.EventID, w.eventID)
		}
		if ev.DisputeStatus != w.status || ev.DisputeReason != w.reason || !ev.RespondBy.Equal(w.respondBy) {
			t.Errorf("%s: dispute status %q reason %q respond by %v; want %q %q %v", w.file, ev.DisputeStatus,
				ev.DisputeReason, ev.RespondBy, w.status, w.reason, w.respondBy)
		}
		if !w.at.IsZero() && !ev.OccurredAt.Equal(w.at) {
			t.Errorf("%s: occurred at %v, want %v", w.file, ev.OccurredAt, w.at)
		}
	}
}

// TestAntomDisputeMapping pins every documented disputeNotificationType (and the judged
// results), including values the fixtures do not cover.
func TestAntomDisputeMapping(t *testing.T) {
	no, yes := antomBool{Known: true}, antomBool{Known: true, Value: true}
	tests := []struct {
		typ, result string
		defendable  antomBool
		kind        order.EventKind
		status      string
	}{
		{"DISPUTE_CREATED", "", antomBool{}, order.KindDisputeOpened, order.DisputeNeedsResponse},
		{"DISPUTE_CREATED", "", yes, order.KindDisputeOpened, order.DisputeNeedsResponse},
		{"DISPUTE_CREATED", "", no, order.KindDisputeOpened, order.DisputeUnderReview},
		{"DEFENSE_DUE_ALERT", "", antomBool{}, order.KindDisputeUpdated, order.DisputeNeedsResponse},
		{"DEFENSE_SUPPLIED", "", antomBool{}, order.KindDisputeUpdated, order.DisputeUnderReview},
		{"DISPUTE_JUDGED", "ACCEPT_BY_CUSTOMER", antomBool{}, order.KindDisputeClosed, order.DisputeWon},
		{"DISPUTE_JUDGED", "ACCEPT_BY_MERCHANT", antomBool{}, order.KindDisputeClosed, order.DisputeLost},
		{"DISPUTE_JUDGED", "VALIDATE_FAIL", antomBool{}, order.KindDisputeUpdated, ""},
		{"DISPUTE_JUDGED", "", antomBool{}, order.KindDisputeUpdated, ""},
		{"DISPUTE_CANCELLED", "", antomBool{}, order.KindDisputeClosed, order.DisputeClosed},
		{"DISPUTE_ACCEPTED", "", antomBool{}, order.KindDisputeClosed, order.DisputeLost},
		{"RDR_RESOLVED", "", antomBool{}, order.KindDisputeClosed, order.DisputeClosed},
		{"SOMETHING_NEW", "", antomBool{}, order.KindDisputeUpdated, ""},
	}
	for _, tt := range tests {
		kind, status := antomDispute(antomNotify{DisputeNotificationType: tt.typ, DisputeJudgedResult: tt.result, Defendable: tt.defendable})
		if kind != tt.kind || status != tt.status {
			t.Errorf("%s %s %+v: %s %q, want %s %q", tt.typ, tt.result, tt.defendable, kind, status, tt.kind, tt.status)
		}
	}
}

// TestAntomDefendable reads the documented string form and the example's JSON Boolean.
func TestAntomDefendable(t *testing.T) {
	for body, want := range map[string]antomBool{
		`{"defendable":"false"}`: {Known: true}, `{"defendable":false}`: {Known: true},
		`{"defendable":"true"}`: {Known: true, Value: true}, `{"defendable":true}`: {Known: true, Value: true},
		`{"defendable":null}`: {}, `{}`: {}, `{"defendable":"maybe"}`: {},
	} {
		var n antomNotify
		if err := json.Unmarshal([]byte(body), &n); err != nil || n.Defendable != want {
			t.Errorf("%s: %+v, %v; want %+v", body, n.Defendable, err, want)
		}
	}
}
