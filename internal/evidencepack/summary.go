package evidencepack

import (
	"sort"

	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/summary"
	"github.com/orderwire/orderwire/internal/version"
)

// summaryEvents is how many timeline entries the one-page summary lists; timeline.json has
// them all. Payment and dispute events come first, then the latest of the others.
const summaryEvents = 30

// summary fills the one page from the order, its timeline, parcels, messages and disputes.
func (pk *Pack) summary(msgs []message) summary.Summary {
	o := pk.ord
	s := summary.Summary{Lang: pk.lang, GeneratedAt: pk.at, Version: version.Version,
		OrderID: o.ID, Status: string(o.Status), AmountMinor: o.AmountMinor, Currency: o.Currency,
		CreatedAt: o.CreatedAt.UTC(), PaymentStatus: string(o.PaymentStatus), PaidMinor: o.PaidMinor,
		RefundedMinor: o.RefundedMinor}
	for _, sh := range o.Shipments {
		p := summary.Parcel{Carrier: notifier.CarrierName(sh.Carrier), TrackingNumber: sh.TrackingNumber, Service: string(sh.Service),
			ShippedAt: sh.ShippedAt.UTC(), Status: string(sh.Status)}
		for _, e := range pk.timeline {
			if e.TrackingNumber != sh.TrackingNumber {
				continue
			}
			for _, c := range e.Checkpoints {
				p.Checkpoints = append(p.Checkpoints, summary.Checkpoint{At: c.At.UTC(), Location: c.Location, Message: c.Message})
			}
		}
		s.Parcels = append(s.Parcels, p)
	}
	// The store lists rows by kind; the page lists them as they were written.
	byTime := append([]message(nil), msgs...)
	sort.SliceStable(byTime, func(i, j int) bool { return byTime[i].view.CreatedAt.Before(byTime[j].view.CreatedAt) })
	for _, m := range byTime {
		v := m.view
		sm := summary.Message{ID: v.ID, Kind: v.Kind, SentAt: v.SentAt, Status: v.Status}
		for _, c := range v.Channels {
			if c.Status == order.NotificationSent {
				if sm.Channel != "" {
					sm.Channel += "+"
				}
				sm.Channel += c.Channel
			}
		}
		if v.Email != nil {
			sm.Subject = v.Email.Subject
		}
		s.Messages = append(s.Messages, sm)
	}

	for _, d := range o.Disputes {
		s.Disputes = append(s.Disputes, summaryDispute(d))
	}
	s.Events = summaryTimeline(pk.timeline, summaryEvents)
	return s
}

// summaryDispute maps one of the order's disputes to the summary. It fills what
// order.Dispute holds today; the provider is taken from the timeline's events of that
// dispute. When order.Dispute gains Provider, Reason and RespondBy (issue 11, the disputes
// part), map them here.
func summaryDispute(d order.Dispute) summary.Dispute {
	return summary.Dispute{Provider: d.Provider, ID: d.ID, Status: d.Status, Reason: d.Reason,
		AmountMinor: d.AmountMinor, Currency: d.Currency, OpenedAt: d.OpenedAt.UTC(), RespondBy: d.RespondBy.UTC()}
}

// summaryTimeline keeps at most limit entries, in occurred-at order: every payment, refund,
// dispute and fraud event first (they decide a dispute), then the latest of the others.
func summaryTimeline(tl []order.TimelineEntry, limit int) []summary.Event {
	keep := make([]bool, len(tl))
	n := 0
	for i, e := range tl {
		if n < limit && e.TrackingNumber == "" && e.Kind != order.KindIgnored {
			keep[i], n = true, n+1
		}
	}
	for i := len(tl) - 1; i >= 0 && n < limit; i-- {
		if !keep[i] {
			keep[i], n = true, n+1
		}
	}
	var out []summary.Event
	for i, e := range tl {
		if !keep[i] {
			continue
		}
		note := e.Reason
		if e.ShipmentStatus != "" {
			note = joinNote(e.TrackingNumber+" "+string(e.ShipmentStatus), note)
		}
		out = append(out, summary.Event{At: e.OccurredAt.UTC(), Source: e.Source, Type: e.Type, Applied: e.Applied, Note: note})
	}
	return out
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}
