package order

import (
	"sort"
	"time"
)

// MaxLedger bounds an order's ledger. An event that would be entry MaxLedger+1 is not
// dropped silently and does not evict an older one: it is refused, recorded on the timeline
// as an anomaly ("ledger full") with its evidence, and changes nothing. The bound keeps the
// order's META item (which holds the ledger) far below DynamoDB's 400 KB item limit; a real
// order sees a handful of payment events, so only a runaway or hostile sender reaches it.
const MaxLedger = 256

// LedgerEntry is one payment event an order has acted on, kept on the order (and stored in
// its META item) so that its payment facts can be folded again in event order whenever a
// new event arrives, at no extra read. It holds only what the fold needs.
type LedgerEntry struct {
	Source         string
	EventID        string
	Kind           EventKind
	OccurredAt     time.Time // the event's time (ReceivedAt when the provider gave none)
	Sequence       int64     // the provider's own order (Event.Sequence); 0 when none
	AmountMinor    int64
	Currency       string
	RefundIsTotal  bool
	DisputeID      string
	DisputeOutcome string
	DisputeStatus  string    // Event.DisputeStatus
	DisputeReason  string    // Event.DisputeReason
	RespondBy      time.Time // Event.RespondBy (UTC); zero when the event gave none
}

// LedgerEntryOf is the ledger entry of ev.
func LedgerEntryOf(ev Event) LedgerEntry {
	at := ev.OccurredAt
	if at.IsZero() {
		at = ev.ReceivedAt
	}
	return LedgerEntry{Source: ev.Source, EventID: ev.EventID, Kind: ev.Kind, OccurredAt: at.UTC(),
		Sequence: ev.Sequence, AmountMinor: ev.AmountMinor, Currency: ev.Currency,
		RefundIsTotal: ev.RefundIsTotal, DisputeID: ev.DisputeID, DisputeOutcome: ev.DisputeOutcome,
		DisputeStatus: ev.DisputeStatus, DisputeReason: ev.DisputeReason, RespondBy: utcOrZero(ev.RespondBy)}
}

// utcOrZero is t in UTC, or the zero time for a zero t.
func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// disputeStatus is the status a dispute event says its dispute has, given the status it had
// before (current, "" for its first event): DisputeStatus when the event carries one; else,
// for events that predate it, a close's DisputeOutcome, or needs_response for a dispute
// that has no status yet, or current.
func (e LedgerEntry) disputeStatus(current string) string {
	switch {
	case e.DisputeStatus != "":
		return e.DisputeStatus
	case e.Kind == KindDisputeClosed:
		if e.DisputeOutcome == DisputeWon || e.DisputeOutcome == DisputeLost {
			return e.DisputeOutcome
		}
		return ""
	case current == "":
		return DisputeNeedsResponse
	}
	return current
}

// Before reports whether e happened before f in event order: OccurredAt, then the
// provider's Sequence, then Source and EventID (an arbitrary but stable tie-break, so that
// every arrival order folds the same set the same way).
func (e LedgerEntry) Before(f LedgerEntry) bool {
	switch {
	case !e.OccurredAt.Equal(f.OccurredAt):
		return e.OccurredAt.Before(f.OccurredAt)
	case e.Sequence != f.Sequence:
		return e.Sequence < f.Sequence
	case e.Source != f.Source:
		return e.Source < f.Source
	}
	return e.EventID < f.EventID
}

// SortEvents sorts payment events in event order (see LedgerEntry.Before).
func SortEvents(events []Event) {
	sort.SliceStable(events, func(i, j int) bool { return LedgerEntryOf(events[i]).Before(LedgerEntryOf(events[j])) })
}

// ledgerHas reports whether the ledger already holds the event source/id.
func ledgerHas(ledger []LedgerEntry, source, id string) bool {
	for _, e := range ledger {
		if e.Source == source && e.EventID == id {
			return true
		}
	}
	return false
}

// ledgerHasKind reports whether the ledger holds an entry of one of kinds.
func ledgerHasKind(ledger []LedgerEntry, kinds ...EventKind) bool {
	for _, e := range ledger {
		for _, k := range kinds {
			if e.Kind == k {
				return true
			}
		}
	}
	return false
}

// ledgerInsert returns a copy of ledger with e at its place in event order. Once the ledger
// holds a payment, the entries that only decide the status of an unpaid order (pending,
// failed, canceled) can never matter again and are left out: the ledger stays small.
func ledgerInsert(ledger []LedgerEntry, e LedgerEntry) []LedgerEntry {
	out := make([]LedgerEntry, 0, len(ledger)+1)
	paid := e.Kind == KindPaymentSucceeded || ledgerHasKind(ledger, KindPaymentSucceeded)
	placed := false
	for _, cur := range ledger {
		if !placed && e.Before(cur) {
			out, placed = append(out, e), true
		}
		if paid && unpaidKind(cur.Kind) {
			continue
		}
		out = append(out, cur)
	}
	if !placed {
		out = append(out, e)
	}
	return out
}

func unpaidKind(k EventKind) bool {
	return k == KindPaymentPending || k == KindPaymentFailed || k == KindPaymentCanceled
}

// seedLedger returns o's ledger, or for an order stored before orderwire kept ledgers
// (payment facts but no ledger), entries that reproduce those facts, dated before any real
// event: the fold then starts from what the order already said instead of forgetting it.
func seedLedger(o Order) []LedgerEntry {
	if len(o.Ledger) > 0 {
		return o.Ledger
	}
	var seed []LedgerEntry
	add := func(id string, kind EventKind, amount int64, outcome string) {
		seed = append(seed, LedgerEntry{Source: "orderwire", EventID: "before-ledger:" + id, Kind: kind,
			AmountMinor: amount, Currency: o.Currency, RefundIsTotal: kind == KindRefunded, DisputeOutcome: outcome})
	}
	switch o.PaymentStatus {
	case PaymentProcessing:
		add("0-status", KindPaymentPending, 0, "")
	case PaymentFailed:
		add("0-status", KindPaymentFailed, 0, "")
	case PaymentCanceled:
		add("0-status", KindPaymentCanceled, 0, "")
	}
	if o.PaidMinor > 0 {
		add("1-payment", KindPaymentSucceeded, o.PaidMinor, "")
	}
	if o.RefundedMinor > 0 {
		add("2-refund", KindRefunded, o.RefundedMinor, "")
	}
	switch o.Dispute {
	case DisputeOpen:
		add("3-dispute", KindDisputeOpened, 0, "")
	case DisputeWon, DisputeLost:
		add("3-dispute", KindDisputeClosed, 0, o.Dispute)
	}
	if o.FraudWarning {
		add("4-fraud", KindFraudWarning, 0, "")
	}
	return seed
}
