package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// The retention settings (README "Retention"), in whole days.
const (
	EnvRetentionMessagesDays = "ORDERWIRE_RETENTION_MESSAGES_DAYS"
	EnvRetentionEvidenceDays = "ORDERWIRE_RETENTION_EVIDENCE_DAYS"
	EnvRetentionUnfiledDays  = "ORDERWIRE_RETENTION_UNFILED_DAYS"
)

// ProviderRetryWindow is the longest time a provider keeps retrying one event (Stripe and
// PayPal 3 days; AfterShip about 68 h, Antom 24 h: see DedupeTTL). An unfiled event is
// kept for Retention.Unfiled after it.
const ProviderRetryWindow = 3 * 24 * time.Hour

// Retention says how long buyer-bearing data is kept. The zero value of a field means its
// default (DefaultRetention).
type Retention struct {
	// Messages: rendered message contents (the local outbox file; the store keeps none).
	Messages time.Duration
	// Evidence: an order's evidence (RAW#) and timeline (EVT#), counted from the order's last
	// event, and never while the order has an open dispute or an evidence hold.
	Evidence time.Duration
	// Unfiled: an unfiled event (its marker, parked copies and evidence), counted from the end
	// of its provider's retry window (ProviderRetryWindow after it was received).
	Unfiled time.Duration
}

// DefaultRetention is the retention when none is configured: messages 90 days; evidence and timelines 540 days (the longest card
// network dispute windows); unfiled events 30 days after the provider stops retrying.
func DefaultRetention() Retention {
	return Retention{Messages: 90 * day, Evidence: 540 * day, Unfiled: 30 * day}
}

const day = 24 * time.Hour

// maxRetentionDays bounds every setting (about 30 years): beyond it a value is a typo.
const maxRetentionDays = 10950

// WithDefaults fills the zero fields of r with DefaultRetention's.
func (r Retention) WithDefaults() Retention {
	d := DefaultRetention()
	if r.Messages == 0 {
		r.Messages = d.Messages
	}
	if r.Evidence == 0 {
		r.Evidence = d.Evidence
	}
	if r.Unfiled == 0 {
		r.Unfiled = d.Unfiled
	}
	return r
}

// RetentionFromEnv reads the three settings (whole days, 1 to 10950); an unset setting is
// its default. Anything else is CodeInvalid naming the setting.
func RetentionFromEnv(getenv func(string) string) (Retention, error) {
	var bad order.FieldErrors
	r := DefaultRetention()
	for _, s := range []struct {
		name string
		to   *time.Duration
	}{{EnvRetentionMessagesDays, &r.Messages}, {EnvRetentionEvidenceDays, &r.Evidence}, {EnvRetentionUnfiledDays, &r.Unfiled}} {
		v := strings.TrimSpace(getenv(s.name))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxRetentionDays {
			bad.Add(s.name, "must be a whole number of days from 1 to "+strconv.Itoa(maxRetentionDays))
			continue
		}
		*s.to = time.Duration(n) * day
	}
	return r, bad.Err("store.RetentionFromEnv")
}

// UnfiledExpiry is when an unfiled event received at receivedAt expires.
func (r Retention) UnfiledExpiry(receivedAt time.Time) time.Time {
	return receivedAt.Add(ProviderRetryWindow + r.WithDefaults().Unfiled)
}

// EvidenceExpiry is when the evidence and timeline of an order whose last event was
// received at last expire, unless held (EvidenceHeld).
func (r Retention) EvidenceExpiry(last time.Time) time.Time {
	return last.Add(r.WithDefaults().Evidence)
}

// MessagesExpiry is when a message sent at sentAt is due for deletion.
func (r Retention) MessagesExpiry(sentAt time.Time) time.Time {
	return sentAt.Add(r.WithDefaults().Messages)
}

// EvidenceHeld reports whether o's evidence and timeline must be kept whatever their age:
// one of its disputes is open (needs_response or under_review).
func EvidenceHeld(o order.Order) bool {
	for _, d := range o.Disputes {
		if d.Status == order.DisputeNeedsResponse || d.Status == order.DisputeUnderReview {
			return true
		}
	}
	return false
}

// ItemKey is one item's PK and SK.
type ItemKey struct{ PK, SK string }

// UnfiledItems are the items an unfiled event u keeps, which expire together
// (Retention.UnfiledExpiry of ReceivedAt): its dedupe marker, its entry in the
// unfiled-events index (UnfiledIndexPK; on DynamoDB the marker's GSI1 keys), its parked
// copies and its evidence.
type UnfiledItems struct {
	ReceivedAt time.Time
	Marker     ItemKey
	Index      ItemKey
	Parked     []ItemKey
	Evidence   ItemKey
}

// Items returns u's UnfiledItems; ok is false for a record that holds no event.
func (u UnfiledRecord) Items() (it UnfiledItems, ok bool) {
	switch {
	case u.Payment != nil:
		ev := u.Payment.Event()
		it = UnfiledItems{ReceivedAt: ev.ReceivedAt,
			Marker:   ItemKey{DedupePK(ev.Source, ev.EventID), DedupeSK},
			Index:    ItemKey{UnfiledIndexPK, UnfiledSK(ev.Source, ev.EventID, ev.ReceivedAt)},
			Evidence: ItemKey{u.EvidencePK, EvidenceSK(ev)}}
		for _, pk := range u.ParkedUnder {
			it.Parked = append(it.Parked, ItemKey{pk, ParkSK(ev)})
		}
	case u.Tracking != nil:
		ev := u.Tracking.Event()
		it = UnfiledItems{ReceivedAt: ev.ReceivedAt,
			Marker:   ItemKey{TrackingMarkerPK(ev), DedupeSK},
			Index:    ItemKey{UnfiledIndexPK, UnfiledSK(TrackingDedupeSource(ev.Source), ev.EventID, ev.ReceivedAt)},
			Evidence: ItemKey{u.EvidencePK, TrackingEvidenceSK(ev)}}
		for _, pk := range u.ParkedUnder {
			it.Parked = append(it.Parked, ItemKey{pk, ParkTrackingSK(ev)})
		}
	default:
		return UnfiledItems{}, false
	}
	return it, true
}

// RetentionSlack is how much later than Retention.EvidenceExpiry an adapter may expire
// evidence and timelines: DynamoDB's adapter rounds each order's horizon up to whole steps
// of it, so that a later event rewrites the order's older items only once a step.
// (DynamoDB's TTL itself deletes expired items within about 48 hours.)
const RetentionSlack = 7 * day
