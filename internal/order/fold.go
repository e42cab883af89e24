package order

import (
	"sort"
	"time"
)

// Dispute is one dispute (chargeback, inquiry) of an order, as its ledger says. A dispute is
// identified by its provider and the provider's dispute id.
type Dispute struct {
	ID       string // the provider's dispute id; "" for events that name none
	Provider string // the Source of its events: "stripe", "paypal", "antom", "standard"
	// Status is DisputeNeedsResponse, DisputeUnderReview, DisputeWon, DisputeLost or
	// DisputeClosed (see FoldLedger).
	Status      string
	Reason      string // the provider's reason code, from the latest event that gives one
	AmountMinor int64  // the disputed amount, from the latest event of the dispute that carries one
	Currency    string
	OpenedAt    time.Time // the time of the dispute's first event in event order
	RespondBy   time.Time // the seller's deadline, from the latest event that gives one; zero if none did
	UpdatedAt   time.Time // the time of its last event in event order
}

// Equal reports whether d and e say the same.
func (d Dispute) Equal(e Dispute) bool {
	return d.ID == e.ID && d.Provider == e.Provider && d.Status == e.Status && d.Reason == e.Reason &&
		d.AmountMinor == e.AmountMinor && d.Currency == e.Currency && d.OpenedAt.Equal(e.OpenedAt) &&
		d.RespondBy.Equal(e.RespondBy) && d.UpdatedAt.Equal(e.UpdatedAt)
}

// PaymentFacts are an order's payment facts: what its ledger says, folded in event order.
type PaymentFacts struct {
	PaymentStatus PaymentStatus
	PaidMinor     int64
	RefundedMinor int64
	Dispute       string // the summary of Disputes (see FoldLedger)
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
		if !f.Disputes[i].Equal(g.Disputes[i]) {
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
//   - Disputes are keyed by Source and DisputeID. The latest event of a dispute (in event
//     order) that says a status decides it (LedgerEntry.disputeStatus: DisputeStatus, else
//     a close's outcome, else needs_response for a new dispute), except that an ended
//     dispute (won, lost, closed) never reopens: a needs_response or under_review after it
//     changes nothing (a close that happened first stays), and lost is final (a later won
//     or closed does not clear a lost chargeback). Reason and RespondBy are the latest
//     non-empty ones, the amount the latest non-zero one.
//   - The summary Dispute is open while any dispute is needs_response or under_review,
//     else lost if any is lost, else won if any is won, else closed ("" with no dispute).
//   - One fraud warning flags the order.
func FoldLedger(ledger []LedgerEntry) PaymentFacts {
	f := PaymentFacts{PaymentStatus: PaymentUnpaid}
	paid := false
	var refunded int64
	byID := map[[2]string]int{}
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
		switch {
		case !a.OpenedAt.Equal(b.OpenedAt):
			return a.OpenedAt.Before(b.OpenedAt)
		case a.Provider != b.Provider:
			return a.Provider < b.Provider
		}
		return a.ID < b.ID
	})
	f.Dispute = disputeSummary(f.Disputes)
	return f
}

func foldDispute(list []Dispute, byID map[[2]string]int, e LedgerEntry) []Dispute {
	key := [2]string{e.Source, e.DisputeID}
	i, ok := byID[key]
	if !ok {
		i = len(list)
		byID[key] = i
		list = append(list, Dispute{ID: e.DisputeID, Provider: e.Source, OpenedAt: e.OccurredAt})
	}
	d := &list[i]
	next := e.disputeStatus(d.Status)
	switch {
	case next == "", d.Status == DisputeLost:
	case DisputeEnded(d.Status) && !DisputeEnded(next):
	default:
		d.Status = next
	}
	if e.DisputeReason != "" {
		d.Reason = e.DisputeReason
	}
	if !e.RespondBy.IsZero() {
		d.RespondBy = e.RespondBy
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
		switch d.Status {
		case DisputeNeedsResponse, DisputeUnderReview:
			return DisputeOpen
		case DisputeLost:
			summary = DisputeLost
		case DisputeWon:
			if summary != DisputeLost {
				summary = DisputeWon
			}
		case DisputeClosed:
			if summary == "" {
				summary = DisputeClosed
			}
		}
	}
	return summary
}
