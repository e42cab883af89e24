package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/sentmessage"
)

// services lists the shipping services, for the register-parcel form (express first: the
// default).
var services = []order.Service{order.ServiceExpress, order.ServicePostal, order.ServiceDedicatedLine,
	order.ServiceSea, order.ServiceLand}

// buyerSummary is the buyer as the console shows them: contact details masked.
type buyerSummary struct {
	ID, Name, Email, Phone, Country string
	Known                           bool
}

func summarize(b order.Buyer) buyerSummary {
	return buyerSummary{ID: b.ID, Name: b.Name, Email: MaskEmail(b.Email), Phone: MaskPhone(b.Phone),
		Country: b.Country, Known: true}
}

// parcelView is one parcel with its checkpoints, newest first.
type parcelView struct {
	order.Shipment
	Checkpoints []order.Checkpoint
}

// shipmentForm is what the register-parcel form holds.
type shipmentForm struct {
	Carrier, TrackingNumber string
	Service                 order.Service
}

type orderData struct {
	O        order.Order
	Buyer    buyerSummary
	Deadline time.Time
	Parcels  []parcelView
	Timeline []order.TimelineEntry
	Messages []sentmessage.Message
	Form     shipmentForm
	Services []order.Service
	Evidence bool // the evidence pack can be downloaded
	Lang     string
}

// orderPage is the Order page.
func (c *console) orderPage(w http.ResponseWriter, r *http.Request) {
	c.showOrder(w, r, http.StatusOK, shipmentForm{Service: order.ServiceExpress}, "")
}

// showOrder renders the Order page with status, the register-parcel form holding form, and
// an error message (for a refused registration).
func (c *console) showOrder(w http.ResponseWriter, r *http.Request, status int, form shipmentForm, msg string) {
	d, err := c.loadOrder(r.Context(), r.PathValue("id"))
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Form = form
	v := c.view(r, "order.title")
	v.Title += " " + d.O.ID
	v.Nav, v.Error, v.Data = "orders", msg, d
	d.Lang = v.L.Lang
	c.render(w, status, "order", v)
}

func (c *console) loadOrder(ctx context.Context, id string) (*orderData, error) {
	if !order.ValidID(id) {
		return nil, order.Errorf(order.CodeNotFound, "console.order", "no order %q", id)
	}
	o, timeline, err := c.cfg.Orders.GetOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &orderData{O: o, Deadline: responseDeadline(o), Timeline: timeline, Services: services,
		Evidence: c.cfg.Evidence != nil}
	d.Buyer.ID = o.BuyerID
	b, err := c.cfg.Buyers.GetBuyer(ctx, o.BuyerID)
	if err == nil {
		d.Buyer = summarize(b)
	} else if order.ErrorCode(err) != order.CodeNotFound { // an erased buyer is shown by id
		return nil, err
	}
	if d.Messages, err = c.cfg.Messages.MessagesOf(ctx, o, b); err != nil {
		return nil, err
	}
	for _, sh := range o.Shipments {
		d.Parcels = append(d.Parcels, parcelView{Shipment: sh, Checkpoints: checkpoints(timeline, sh.TrackingNumber)})
	}
	slices.Reverse(d.Timeline) // newest first
	return d, nil
}

// checkpoints are the carrier checkpoints the timeline holds for a parcel, each once,
// newest first.
func checkpoints(timeline []order.TimelineEntry, trackingNumber string) []order.Checkpoint {
	var out []order.Checkpoint
	seen := map[order.Checkpoint]bool{}
	for _, e := range timeline {
		if e.TrackingNumber != trackingNumber {
			continue
		}
		for _, cp := range e.Checkpoints {
			cp.At = cp.At.UTC()
			if !seen[cp] {
				seen[cp] = true
				out = append(out, cp)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b order.Checkpoint) int { return b.At.Compare(a.At) })
	return out
}

// addShipment registers a parcel from the form (POST /console/orders/{id}/shipments): 303
// back to the order, or the page again with the refusal and what was typed.
func (c *console) addShipment(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	form := shipmentForm{Carrier: r.PostFormValue("carrier"), TrackingNumber: r.PostFormValue("tracking_number"),
		Service: order.Service(r.PostFormValue("service"))}
	if form.Service == "" {
		form.Service = order.ServiceExpress
	}
	_, _, err := c.cfg.Orders.AddShipment(r.Context(), id, seller.ShipmentInput{Carrier: form.Carrier,
		TrackingNumber: form.TrackingNumber, Service: form.Service})
	switch order.ErrorCode(err) {
	case "":
		http.Redirect(w, r, "/console/orders/"+url.PathEscape(id), http.StatusSeeOther)
	case order.CodeInvalid, order.CodeConflict:
		status, msg := errorMessage(c.locale(r), err)
		c.showOrder(w, r, status, form, msg)
	default:
		c.fail(w, r, err)
	}
}
