package store

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// DisputeRecord is one dispute of an order, stored inside its META item.
type DisputeRecord struct {
	ID          string    `json:"dispute_id,omitempty"`
	Provider    string    `json:"provider,omitempty"`
	Status      string    `json:"status"` // "open" in records written before the five statuses
	Reason      string    `json:"reason,omitempty"`
	RespondBy   time.Time `json:"respond_by,omitzero"`
	AmountMinor int64     `json:"amount_minor,omitempty"`
	Currency    string    `json:"currency,omitempty"`
	OpenedAt    time.Time `json:"opened_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// LedgerEntryRecord is one payment event of an order's ledger, stored inside its META item.
type LedgerEntryRecord struct {
	Source         string    `json:"source"`
	EventID        string    `json:"event_id"`
	Kind           string    `json:"kind"`
	OccurredAt     time.Time `json:"occurred_at"`
	Sequence       int64     `json:"sequence,omitempty"`
	AmountMinor    int64     `json:"amount_minor,omitempty"`
	Currency       string    `json:"currency,omitempty"`
	RefundIsTotal  bool      `json:"refund_is_total,omitempty"`
	DisputeID      string    `json:"dispute_id,omitempty"`
	DisputeOutcome string    `json:"dispute_outcome,omitempty"`
	DisputeStatus  string    `json:"dispute_status,omitempty"`
	DisputeReason  string    `json:"dispute_reason,omitempty"`
	RespondBy      time.Time `json:"respond_by,omitzero"`
}

func newDisputeRecords(list []order.Dispute) []DisputeRecord {
	var out []DisputeRecord
	for _, d := range list {
		out = append(out, DisputeRecord{ID: d.ID, Provider: d.Provider, Status: d.Status, Reason: d.Reason,
			RespondBy: utcOrZero(d.RespondBy), AmountMinor: d.AmountMinor, Currency: d.Currency,
			OpenedAt: d.OpenedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC()})
	}
	return out
}

func disputes(list []DisputeRecord) []order.Dispute {
	var out []order.Dispute
	for _, r := range list {
		status := r.Status
		if status == order.DisputeOpen { // written before the five statuses: what an opened dispute now reads as
			status = order.DisputeNeedsResponse
		}
		out = append(out, order.Dispute{ID: r.ID, Provider: r.Provider, Status: status, Reason: r.Reason,
			RespondBy: utcOrZero(r.RespondBy), AmountMinor: r.AmountMinor, Currency: r.Currency,
			OpenedAt: r.OpenedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()})
	}
	return out
}

func newLedgerRecords(list []order.LedgerEntry) []LedgerEntryRecord {
	var out []LedgerEntryRecord
	for _, e := range list {
		out = append(out, LedgerEntryRecord{Source: e.Source, EventID: e.EventID, Kind: string(e.Kind),
			OccurredAt: e.OccurredAt.UTC(), Sequence: e.Sequence, AmountMinor: e.AmountMinor, Currency: e.Currency,
			RefundIsTotal: e.RefundIsTotal, DisputeID: e.DisputeID, DisputeOutcome: e.DisputeOutcome,
			DisputeStatus: e.DisputeStatus, DisputeReason: e.DisputeReason, RespondBy: utcOrZero(e.RespondBy)})
	}
	return out
}

func ledger(list []LedgerEntryRecord) []order.LedgerEntry {
	var out []order.LedgerEntry
	for _, r := range list {
		out = append(out, order.LedgerEntry{Source: r.Source, EventID: r.EventID, Kind: order.EventKind(r.Kind),
			OccurredAt: r.OccurredAt.UTC(), Sequence: r.Sequence, AmountMinor: r.AmountMinor, Currency: r.Currency,
			RefundIsTotal: r.RefundIsTotal, DisputeID: r.DisputeID, DisputeOutcome: r.DisputeOutcome,
			DisputeStatus: r.DisputeStatus, DisputeReason: r.DisputeReason, RespondBy: utcOrZero(r.RespondBy)})
	}
	return out
}
