package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// buyerJSON is GET /v1/buyers/{buyer_id}: masked contact, the rating and its inputs, the
// reminder cadence it selects, and the buyer's message preferences.
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
	Cadence     reminder.Cadence `json:"reminder_cadence"`
	Preferences preferencesJSON  `json:"preferences"`
}

func (a *api) buyer(w http.ResponseWriter, r *http.Request) {
	p, err := a.orders.BuyerProfile(r.Context(), r.PathValue("buyer_id"))
	if err != nil {
		writeError(w, err)
		return
	}
	b := p.Buyer
	out := buyerJSON{BuyerID: b.ID, Name: b.Name, Email: b.Email, Phone: b.Phone, Locale: b.Locale,
		TimeZone: b.TimeZone, Country: b.Country, Cadence: p.Cadence, Preferences: newPreferencesJSON(b.Preferences)}
	out.Rating.Tier, out.Rating.Reason = string(p.Rating.Tier), p.Rating.Reason
	in := &out.Rating.Inputs
	in.PaidBeforeReminder, in.PaidAfterReminders, in.NeverPaid = b.Stats.PaidBeforeReminder, b.Stats.PaidAfterReminders, b.Stats.NeverPaid
	in.FullRefunds, in.DisputesLost = b.Stats.FullRefunds, b.Stats.DisputesLost
	writeJSON(w, http.StatusOK, out)
}

// SweepFunc runs one reminder sweep as of an instant (local mode only).
type SweepFunc func(ctx context.Context, at time.Time) (reminder.Report, error)

// runReminders serves POST /local/reminders/run {"at": RFC 3339, optional}: one sweep as of
// that instant, answering what it did. For tests and demos of `orderwire serve`; the route
// exists only when the local server wires a sweep.
func (a *api) runReminders(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	at := a.now()
	if len(body) > 0 {
		var errs order.FieldErrors
		obj, ok := parseObject(body, "", &errs)
		if !ok {
			writeError(w, order.Errorf(order.CodeInvalid, "httpapi.runReminders", "request body must be one JSON object"))
			return
		}
		if t := obj.timeField("at", false); !t.IsZero() {
			at = t
		}
		obj.rejectUnknown()
		if err := errs.Err("httpapi.runReminders"); err != nil {
			writeError(w, err)
			return
		}
	}
	rep, err := a.sweep(r.Context(), at)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"at": at.UTC(), "report": rep})
}
