package evidencepack

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

// A submission is one submit/<provider>.json: the evidence a provider's dispute API takes,
// filled from what orderwire knows, for the seller to review and send. There is one for
// Stripe and one for PayPal when that provider delivered any event of this order (it took
// the payment, or opened a dispute): the seller answers the dispute where the money went.
type submission struct {
	provider string
	body     any
}

// Stripe limits the combined text of all evidence fields to 150,000 characters ("Update a
// dispute", evidence); the free-text field is cut well below that.
const stripeTextLimit = 20_000

// PayPal's notes on an evidence: cut to 2,000 characters (the limit is not confirmed from
// PayPal's reference; see the README).
const paypalNotesLimit = 2_000

func (pk *Pack) submissions(msgs []message) []submission {
	providers := map[string]bool{}
	for _, e := range pk.timeline {
		providers[e.Source] = true
	}
	var out []submission
	if providers["stripe"] {
		out = append(out, submission{"stripe", pk.stripe(msgs)})
	}
	if providers["paypal"] {
		out = append(out, submission{"paypal", pk.paypal(msgs)})
	}
	return out
}

// stripeSubmission follows Stripe's API reference, "Update a dispute" (POST
// /v1/disputes/:id), parameter evidence: text fields only. File fields
// (customer_communication, shipping_documentation, uncategorized_file) take the id of a
// file uploaded to Stripe first: FilesToUpload suggests which pack file goes where.
type stripeSubmission struct {
	Source        string            `json:"_source"`
	Note          string            `json:"_note"`
	Evidence      stripeEvidence    `json:"evidence"`
	FilesToUpload map[string]string `json:"files_to_upload"`
}

type stripeEvidence struct {
	CustomerName           string `json:"customer_name,omitempty"`
	CustomerEmailAddress   string `json:"customer_email_address,omitempty"`
	ShippingCarrier        string `json:"shipping_carrier,omitempty"`
	ShippingTrackingNumber string `json:"shipping_tracking_number,omitempty"`
	ShippingDate           string `json:"shipping_date,omitempty"`
	UncategorizedText      string `json:"uncategorized_text,omitempty"`
}

func (pk *Pack) stripe(msgs []message) stripeSubmission {
	var carriers, numbers []string
	var shipped time.Time
	for _, sh := range pk.ord.Shipments {
		name := notifier.CarrierName(sh.Carrier)
		if !contains(carriers, name) {
			carriers = append(carriers, name)
		}
		numbers = append(numbers, sh.TrackingNumber)
		if shipped.IsZero() || sh.ShippedAt.Before(shipped) {
			shipped = sh.ShippedAt
		}
	}
	ev := stripeEvidence{CustomerName: pk.buyer.Name, CustomerEmailAddress: pk.buyer.Email,
		ShippingCarrier: strings.Join(carriers, ", "), ShippingTrackingNumber: strings.Join(numbers, ","),
		UncategorizedText: cut(pk.account(msgs), stripeTextLimit)}
	if !shipped.IsZero() {
		ev.ShippingDate = shipped.UTC().Format("2006-01-02")
	}
	return stripeSubmission{
		Source:   "Stripe API reference, Update a dispute: evidence (text fields); several tracking numbers are comma-separated",
		Note:     "review, then send as evidence[...] form fields of POST /v1/disputes/{id}; holds the buyer's name and email address",
		Evidence: ev,
		FilesToUpload: map[string]string{"customer_communication": "summary.pdf (or messages/*.json)",
			"shipping_documentation": "summary.pdf"},
	}
}

// paypalSubmission follows PayPal's Disputes API v1, "Provide evidence" (POST
// /v1/customer/disputes/{id}/provide-evidence, multipart): the JSON of its input part, one
// PROOF_OF_FULFILLMENT evidence with evidence_info.tracking_info per parcel and notes.
type paypalSubmission struct {
	Source    string           `json:"_source"`
	Note      string           `json:"_note"`
	Evidences []paypalEvidence `json:"evidences"`
}

type paypalEvidence struct {
	EvidenceType string             `json:"evidence_type"`
	EvidenceInfo *paypalEvidenceInf `json:"evidence_info,omitempty"`
	Notes        string             `json:"notes,omitempty"`
}

type paypalEvidenceInf struct {
	TrackingInfo []paypalTracking `json:"tracking_info"`
}

type paypalTracking struct {
	CarrierName      string `json:"carrier_name"`
	CarrierNameOther string `json:"carrier_name_other,omitempty"`
	TrackingNumber   string `json:"tracking_number"`
}

func (pk *Pack) paypal(msgs []message) paypalSubmission {
	ev := paypalEvidence{EvidenceType: "OTHER", Notes: cut(pk.account(msgs), paypalNotesLimit)}
	if len(pk.ord.Shipments) > 0 {
		ev.EvidenceType, ev.EvidenceInfo = "PROOF_OF_FULFILLMENT", &paypalEvidenceInf{}
		for _, sh := range pk.ord.Shipments {
			// orderwire keeps the seller's carrier slug, not PayPal's carrier enum: OTHER with
			// the carrier's name is always accepted.
			ev.EvidenceInfo.TrackingInfo = append(ev.EvidenceInfo.TrackingInfo, paypalTracking{CarrierName: "OTHER",
				CarrierNameOther: notifier.CarrierName(sh.Carrier), TrackingNumber: sh.TrackingNumber})
		}
	}
	return paypalSubmission{
		Source:    "PayPal Disputes API v1, Provide evidence: input part (evidences[].evidence_type, evidence_info.tracking_info[], notes)",
		Note:      "review, then send as the input part of the multipart request, with summary.pdf as a document",
		Evidences: []paypalEvidence{ev},
	}
}

// account is the plain-English account of the order both submissions carry: payment,
// parcels with their last carrier status, and every message the buyer was sent.
func (pk *Pack) account(msgs []message) string {
	o := pk.ord
	var b strings.Builder
	fmt.Fprintf(&b, "Order %s, %s %s, created %s. Payment status: %s (paid %s, refunded %s).\n",
		o.ID, order.FormatMinor(o.AmountMinor, o.Currency), o.Currency, day(o.CreatedAt), o.PaymentStatus,
		order.FormatMinor(o.PaidMinor, o.Currency), order.FormatMinor(o.RefundedMinor, o.Currency))
	for _, e := range pk.timeline {
		if e.Kind == order.KindPaymentSucceeded && e.Applied {
			fmt.Fprintf(&b, "Paid on %s (%s event %s).\n", day(e.OccurredAt), e.Source, e.EventID)
			break
		}
	}
	for _, sh := range o.Shipments {
		fmt.Fprintf(&b, "Shipped %s with %s, tracking number %s; carrier status %s", day(sh.ShippedAt),
			notifier.CarrierName(sh.Carrier), sh.TrackingNumber, sh.Status)
		if !sh.StatusAt.IsZero() {
			fmt.Fprintf(&b, " as of %s", sh.StatusAt.UTC().Format(time.RFC3339))
		}
		b.WriteString(".\n")
	}
	for _, m := range msgs {
		v := m.view
		if v.SentAt.IsZero() {
			continue
		}
		var channels []string
		for _, c := range v.Channels {
			if c.Status == order.NotificationSent {
				channels = append(channels, c.Channel)
			}
		}
		fmt.Fprintf(&b, "Message to the buyer %s (%s) sent %s", v.Kind, strings.Join(channels, "+"), v.SentAt.Format(time.RFC3339))
		if v.Email != nil {
			fmt.Fprintf(&b, ": %q", v.Email.Subject)
		}
		b.WriteString(".\n")
	}
	b.WriteString("Every provider webhook is kept byte for byte in the attached evidence pack, with SHA-256 digests in its manifest.\n")
	return b.String()
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func cut(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit-1]) + "…"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
