package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// buyerJSON is GET /v1/buyers/{buyer_id}: masked contact, the rating and its inputs, the
// reminder cadence it selects, the buyer's message preferences, and what the email provider
// reported about the buyer's address (email_feedback).
type buyerJSON struct {
	BuyerID  string `json:"buyer_id"`
	Name     string `json:"name"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Locale   string `json:"locale"`
	TimeZone string `json:"timezone"`
	Country  string `json:"country"`
	Rating   struct {
		Tier   string `json:"tier"`
		Reason string `json:"reason"`
		Inputs struct {
			PaidBeforeReminder int `json:"paid_before_reminder"`
			PaidAfterReminders int `json:"paid_after_reminders"`
			NeverPaid          int `json:"never_paid"`
			FullRefunds        int `json:"full_refunds"`
			DisputesLost       int `json:"disputes_lost"`
		} `json:"inputs"`
	} `json:"rating"`
	Cadence       reminder.Cadence  `json:"reminder_cadence"`
	Preferences   preferencesJSON   `json:"preferences"`
	EmailFeedback emailFeedbackJSON `json:"email_feedback"`
}

// emailFeedbackJSON is order.EmailFeedback: whether orderwire stopped emailing the buyer,
// why ("hard_bounce" or "complaint") and since when (the provider's report), and how many
// soft bounces were reported. While suppressed, messages go by SMS when the buyer has a
// phone number.
type emailFeedbackJSON struct {
	Suppressed       bool       `json:"suppressed"`
	SuppressedReason string     `json:"suppressed_reason,omitempty"`
	SuppressedAt     *time.Time `json:"suppressed_at,omitempty"`
	SoftBounces      int        `json:"soft_bounces"`
}

func newEmailFeedbackJSON(f order.EmailFeedback) emailFeedbackJSON {
	out := emailFeedbackJSON{Suppressed: f.Suppressed(), SuppressedReason: f.SuppressedReason, SoftBounces: f.SoftBounces}
	if f.Suppressed() && !f.SuppressedAt.IsZero() {
		at := f.SuppressedAt.UTC()
		out.SuppressedAt = &at
	}
	return out
}

func (a *api) buyer(w http.ResponseWriter, r *http.Request) {
	p, err := a.orders.BuyerProfile(r.Context(), r.PathValue("buyer_id"))
	if err != nil {
		writeError(w, err)
		return
	}
	b := p.Buyer
	out := buyerJSON{BuyerID: b.ID, Name: b.Name, Email: b.Email, Phone: b.Phone, Locale: b.Locale,
		TimeZone: b.TimeZone, Country: b.Country, Cadence: p.Cadence, Preferences: newPreferencesJSON(b.Preferences),
		EmailFeedback: newEmailFeedbackJSON(b.EmailFeedback)}
	out.Rating.Tier, out.Rating.Reason = string(p.Rating.Tier), p.Rating.Reason
	in := &out.Rating.Inputs
	in.PaidBeforeReminder, in.PaidAfterReminders, in.NeverPaid = b.Stats.PaidBeforeReminder, b.Stats.PaidAfterReminders, b.Stats.NeverPaid
	in.FullRefunds, in.DisputesLost = b.Stats.FullRefunds, b.Stats.DisputesLost
	writeJSON(w, http.StatusOK, out)
}

// SweepFunc runs one reminder sweep as of an instant (local mode only).
type SweepFunc func(ctx context.Context, at time.Time) (reminder.Report, error)

// DeliverFunc delivers the due buyer messages and seller alerts as of an instant, with the
// notifier's clock set to it, and returns a summary that marshals to a JSON object (local
// mode only).
type DeliverFunc func(ctx context.Context, at time.Time) (any, error)

// MaxSweepShift is how far from now POST /local/reminders/run may move the clock, either
// way: a year (366 days, so that the same date next year passes), enough for any reminder
// cadence and dispute window.
const MaxSweepShift = 366 * 24 * time.Hour

// runReminders serves POST /local/reminders/run {"at": RFC 3339, optional}: one sweep as of
// that instant (now when absent) and then, when the local server wires a DeliverFunc, one
// delivery run as of the same instant, so the messages the sweep queued are in the local
// outbox when the answer comes: {"at", "report": the sweep's counts, "delivered": the
// delivery's}. An at more than MaxSweepShift away from now is 400 (invalid, field "at").
// For tests and demos of `orderwire serve --dev`; the route exists only when the local
// server wires a sweep.
func (a *api) runReminders(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.runReminders"
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	now := a.now()
	at := now
	if len(body) > 0 {
		var errs order.FieldErrors
		obj, ok := parseObject(body, "", &errs)
		if !ok {
			writeError(w, order.Errorf(order.CodeInvalid, op, "request body must be one JSON object"))
			return
		}
		if t := obj.timeField("at", false); !t.IsZero() {
			if d := t.Sub(now); d > MaxSweepShift || d < -MaxSweepShift {
				errs.Add("at", "must be within a year of now ("+now.UTC().Format(time.RFC3339)+")")
			}
			at = t
		}
		obj.rejectUnknown()
		if err := errs.Err(op); err != nil {
			writeError(w, err)
			return
		}
	}
	rep, err := a.sweep(r.Context(), at)
	if err != nil {
		writeError(w, err)
		return
	}
	answer := map[string]any{"at": at.UTC(), "report": rep}
	if a.deliver != nil {
		sum, err := a.deliver(r.Context(), at)
		if err != nil {
			writeError(w, err)
			return
		}
		answer["delivered"] = sum
	}
	writeJSON(w, http.StatusOK, answer)
}
