package order

import (
	"sort"
	"time"
)

// Dispute is one dispute (chargeback) of an order, as its ledger says.
type Dispute struct {
	ID          string // the provider's dispute id; "" for events that name none
	Status      string // DisputeOpen, DisputeWon or DisputeLost
	AmountMinor int64  // the disputed amount, from the latest event of the dispute that carries one
	Currency    string
	OpenedAt    time.Time // the time of the dispute's first event in event order
	UpdatedAt   time.Time // the time of its last event in event order
}

// PaymentFacts are an order's payment facts: what its ledger says, folded in event order.
type PaymentFacts struct {
	PaymentStatus PaymentStatus
	PaidMinor     int64
	RefundedMinor int64
	Dispute       string // the summary: open if any dispute is open, else lost if any is lost, else won
	Disputes      []Dispute
	FraudWarning  bool
}

// PaymentFacts returns o's payment facts as stored on it.
func (o Order) PaymentFacts() PaymentFacts {
	return PaymentFacts{PaymentStatus: o.PaymentStatus, PaidMinor: o.PaidMinor, RefundedMinor: o.RefundedMinor,
		Dispute: o.Dispute, Disputes: o.Disputes, FraudWarning: o.FraudWarning}
}

// Equal reports whether f and g say the same.
func (f PaymentFacts) Equal(g PaymentFacts) bool {
	if f.PaymentStatus != g.PaymentStatus || f.PaidMinor != g.PaidMinor || f.RefundedMinor != g.RefundedMinor ||
		f.Dispute != g.Dispute || f.FraudWarning != g.FraudWarning || len(f.Disputes) != len(g.Disputes) {
		return false
	}
	for i := range f.Disputes {
		a, b := f.Disputes[i], g.Disputes[i]
		if a.ID != b.ID || a.Status != b.Status || a.AmountMinor != b.AmountMinor || a.Currency != b.Currency ||
			!a.OpenedAt.Equal(b.OpenedAt) || !a.UpdatedAt.Equal(b.UpdatedAt) {
			return false
		}
	}
	return true
}

// FoldLedger returns the payment facts a ledger (in event order) says, from an order with
// no payment event at all:
//
//   - Before the first payment (in event order), the last pending, failed or canceled
//     decides the status: a late-arriving pending never undoes a later failed. The first
//     payment makes the order paid for good: nothing undoes it.
//   - Refunds add up (Stripe's running totals, RefundIsTotal, take the maximum instead) in
//     event order, whenever they arrived; they show once the order is paid, and the status
//     is partially_refunded or refunded by how they compare with the payment.
//   - Disputes are keyed by DisputeID: opened and updated open one unless it is closed
//     already (a close that happened first stays the outcome); a close sets won or lost, and
//     lost is final (a later won for the same dispute does not clear a lost chargeback).
//   - One fraud warning flags the order.
func FoldLedger(ledger []LedgerEntry) PaymentFacts {
	f := PaymentFacts{PaymentStatus: PaymentUnpaid}
	paid := false
	var refunded int64
	byID := map[string]int{}
	for _, e := range ledger {
		switch e.Kind {
		case KindPaymentPending:
			f.PaymentStatus = PaymentProcessing
		case KindPaymentFailed:
			f.PaymentStatus = PaymentFailed
		case KindPaymentCanceled:
			f.PaymentStatus = PaymentCanceled
		case KindPaymentSucceeded:
			if !paid {
				paid, f.PaidMinor = true, e.AmountMinor
			}
		case KindRefunded:
			if !e.RefundIsTotal {
				refunded += e.AmountMinor
			} else if e.AmountMinor > refunded {
				refunded = e.AmountMinor
			}
		case KindDisputeOpened, KindDisputeUpdated, KindDisputeClosed:
			f.Disputes = foldDispute(f.Disputes, byID, e)
		case KindFraudWarning:
			f.FraudWarning = true
		}
	}
	if paid {
		f.RefundedMinor = refunded
		switch {
		case refunded == 0:
			f.PaymentStatus = PaymentPaid
		case refunded < f.PaidMinor:
			f.PaymentStatus = PaymentPartiallyRefunded
		default:
			f.PaymentStatus = PaymentRefunded
		}
	}
	sort.SliceStable(f.Disputes, func(i, j int) bool {
		a, b := f.Disputes[i], f.Disputes[j]
		if !a.OpenedAt.Equal(b.OpenedAt) {
			return a.OpenedAt.Before(b.OpenedAt)
		}
		return a.ID < b.ID
	})
	f.Dispute = disputeSummary(f.Disputes)
	return f
}

func foldDispute(list []Dispute, byID map[string]int, e LedgerEntry) []Dispute {
	i, ok := byID[e.DisputeID]
	if !ok {
		i = len(list)
		byID[e.DisputeID] = i
		list = append(list, Dispute{ID: e.DisputeID, OpenedAt: e.OccurredAt})
	}
	d := &list[i]
	switch {
	case e.Kind != KindDisputeClosed:
		if d.Status == "" {
			d.Status = DisputeOpen
		}
	case d.Status != DisputeLost:
		d.Status = e.DisputeOutcome
	}
	if e.AmountMinor > 0 {
		d.AmountMinor, d.Currency = e.AmountMinor, e.Currency
	}
	d.UpdatedAt = e.OccurredAt
	return list
}

func disputeSummary(list []Dispute) string {
	summary := ""
	for _, d := range list {
		switch {
		case d.Status == DisputeOpen:
			return DisputeOpen
		case d.Status == DisputeLost:
			summary = DisputeLost
		case summary == "":
			summary = d.Status
		}
	}
	return summary
}
