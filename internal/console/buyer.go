package console

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/reminder"
)

// channelChoices are the preference choices a select offers ("" follows the default).
var channelChoices = []order.ChannelChoice{order.ChannelsDefault, order.ChannelsEmail, order.ChannelsSMS,
	order.ChannelsBoth, order.ChannelsNone}

// kindChoice is one notification kind's row of the preferences form.
type kindChoice struct {
	Kind     order.NotificationKind
	Choice   order.ChannelChoice
	Choices  []order.ChannelChoice // "none" is left out of a message that must be sent
	MustSend bool
}

type buyerData struct {
	Buyer   buyerSummary
	Rating  reminder.Rating
	Cadence []string // each reminder's offset after the order was created, e.g. "1d 12h"
	Final   string   // the final notice's lead before the due date
	Max     int
	Prefs   order.Preferences
	Kinds   []kindChoice
	Choices []order.ChannelChoice
	Stats   order.BuyerStats
}

// buyerPage is the Buyer page: rating and its reason, the reminder cadence of that rating,
// and the message preferences (editable).
func (c *console) buyerPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !order.ValidID(id) {
		c.fail(w, r, order.Errorf(order.CodeNotFound, "console.buyer", "no buyer %q", id))
		return
	}
	b, err := c.cfg.Buyers.GetBuyer(r.Context(), id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	rating, cadence := c.cfg.Orders.RatingOf(b)
	d := buyerData{Buyer: summarize(b), Rating: rating, Final: days(time.Duration(cadence.FinalNoticeBeforeDue)),
		Max: cadence.MaxReminders, Prefs: b.Preferences, Choices: channelChoices, Stats: b.Stats}
	for _, at := range cadence.AfterCreated {
		d.Cadence = append(d.Cadence, days(time.Duration(at)))
	}
	for _, k := range order.NotificationKinds {
		kc := kindChoice{Kind: k, Choice: b.Preferences.ByKind[k], Choices: channelChoices, MustSend: k.MustSend()}
		if kc.MustSend {
			kc.Choices = channelChoices[:len(channelChoices)-1]
		}
		d.Kinds = append(d.Kinds, kc)
	}
	v := c.view(r, "buyer.title")
	v.Title += " " + id
	v.Data = d
	c.render(w, http.StatusOK, "buyer", v)
}

// days writes a duration as days and hours ("2d", "1d 12h", "6h").
func days(d time.Duration) string {
	dd, h := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case dd > 0 && h > 0:
		return strconv.Itoa(dd) + "d " + strconv.Itoa(h) + "h"
	case dd > 0:
		return strconv.Itoa(dd) + "d"
	default:
		return strconv.Itoa(h) + "h"
	}
}

// setPreferences replaces the buyer's preferences with the form's (POST
// /console/buyers/{id}/preferences): 303 back to the buyer, or 400 naming the bad field.
func (c *console) setPreferences(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !order.ValidID(id) {
		c.fail(w, r, order.Errorf(order.CodeNotFound, "console.preferences", "no buyer %q", id))
		return
	}
	p := order.Preferences{Default: order.ChannelChoice(r.PostFormValue("default")),
		EmailOptOut: r.PostFormValue("email_opt_out") != "", SMSOptOut: r.PostFormValue("sms_opt_out") != "",
		UpdatedAt: c.now().UTC(), UpdatedBy: "seller"}
	for _, k := range order.NotificationKinds {
		if ch := order.ChannelChoice(r.PostFormValue("kind." + string(k))); ch != order.ChannelsDefault {
			if p.ByKind == nil {
				p.ByKind = map[order.NotificationKind]order.ChannelChoice{}
			}
			p.ByKind[k] = ch
		}
	}
	if err := p.Validate(); err != nil {
		c.fail(w, r, err)
		return
	}
	if err := c.cfg.Buyers.SetPreferences(r.Context(), id, p); err != nil {
		c.fail(w, r, err)
		return
	}
	c.log.Info("console preferences", "buyer_id", id)
	http.Redirect(w, r, "/console/buyers/"+url.PathEscape(id), http.StatusSeeOther)
}
