package summarypdf

import (
	"fmt"

	"github.com/orderwire/orderwire/internal/summary"
)

// Colours (RGB).
var (
	colText     = [3]int{20, 20, 20}
	colMuted    = [3]int{100, 100, 100}
	colRule     = [3]int{200, 200, 200}
	colHeadFill = [3]int{232, 236, 242}
	colAlert    = [3]int{180, 20, 20}
	colAlertBg  = [3]int{253, 228, 228}
)

// cell is one table cell: its text and whether it is highlighted (the respond-by deadline).
type cell struct {
	text  string
	alert bool
}

// column is a table column: its header and width in mm.
type column struct {
	head  string
	width float64
}

// document draws the whole Summary.
func (r *renderer) document(s summary.Summary) {
	lb := r.lb
	r.newPage()
	r.color(colText)
	r.paragraph(lb.title+" · "+orDash(s.OrderID), sizeTitle, 0)
	r.color(colMuted)
	r.paragraph(fmt.Sprintf(lb.subtitle, formatTime(s.GeneratedAt), orDash(s.Version)), sizeSmall, 0)
	r.gap(2)

	r.heading(lb.order)
	r.table([]column{{"", 30}, {"", 61}, {"", 30}, {"", 61}}, [][]cell{
		{{text: lb.orderID}, {text: orDash(s.OrderID)}, {text: lb.paymentStatus}, {text: orDash(s.PaymentStatus)}},
		{{text: lb.status}, {text: orDash(s.Status)}, {text: lb.paid}, {text: formatMoney(s.PaidMinor, s.Currency)}},
		{{text: lb.amount}, {text: formatMoney(s.AmountMinor, s.Currency)}, {text: lb.refunded}, {text: formatMoney(s.RefundedMinor, s.Currency)}},
		{{text: lb.created}, {text: formatTime(s.CreatedAt)}, {}, {}},
	})

	r.disputes(s.Disputes)
	r.parcels(s.Parcels)
	r.messages(s.Messages)
	r.timeline(s.Events)
}

// disputes draws the Disputes section: a banner for each dispute awaiting a response by a
// known deadline, then the table.
func (r *renderer) disputes(disputes []summary.Dispute) {
	lb := r.lb
	r.heading(lb.disputes)
	if len(disputes) == 0 {
		r.note(lb.none)
	}
	for _, d := range disputes {
		if d.Status == "needs_response" && !d.RespondBy.IsZero() {
			r.banner(fmt.Sprintf(lb.respondByBanner, formatTime(d.RespondBy), d.Provider, d.ID))
		}
	}
	if len(disputes) > 0 {
		rows := make([][]cell, 0, len(disputes))
		for _, d := range disputes {
			respondBy := lb.unknown
			if !d.RespondBy.IsZero() {
				respondBy = formatCellTime(d.RespondBy)
			}
			rows = append(rows, []cell{{text: d.Provider}, {text: d.ID}, {text: word(lb.disputeStatus, d.Status)},
				{text: d.Reason}, {text: formatMoney(d.AmountMinor, d.Currency)}, {text: formatCellTime(d.OpenedAt)},
				{text: respondBy, alert: true}})
		}
		r.table([]column{{lb.provider, 15}, {lb.disputeID, 25}, {lb.status, 26}, {lb.reason, 35},
			{lb.amount, 21}, {lb.opened, 30}, {lb.respondBy, 30}}, rows)
	}
}

// parcels draws the Parcels section: each parcel's line, then its checkpoints.
func (r *renderer) parcels(parcels []summary.Parcel) {
	lb := r.lb
	r.heading(lb.parcels)
	if len(parcels) == 0 {
		r.note(lb.none)
	}
	for i, p := range parcels {
		r.color(colText)
		r.room(3 * lineH)
		r.paragraph(fmt.Sprintf("%d. %s: %s · %s: %s · %s: %s · %s: %s · %s: %s", i+1,
			lb.carrier, orDash(p.Carrier), lb.tracking, orDash(p.TrackingNumber), lb.service, orDash(p.Service),
			lb.shipped, formatTime(p.ShippedAt), lb.status, orDash(p.Status)), sizeBody, 0)
		if len(p.Checkpoints) == 0 {
			r.note(lb.noCheckpoints)
			continue
		}
		rows := make([][]cell, 0, len(p.Checkpoints))
		for _, c := range p.Checkpoints {
			rows = append(rows, []cell{{text: formatCellTime(c.At)}, {text: c.Location}, {text: c.Message}})
		}
		r.table([]column{{lb.time, 30}, {lb.location, 55}, {lb.message, 97}}, rows)
		r.gap(1.5)
	}
}

// messages draws the Messages section: the buyer messages and what became of them.
func (r *renderer) messages(messages []summary.Message) {
	lb := r.lb
	r.heading(lb.messages)
	if len(messages) == 0 {
		r.note(lb.none)
	} else {
		rows := make([][]cell, 0, len(messages))
		for _, m := range messages {
			channel := m.Channel
			if channel == "" {
				channel = lb.noChannel
			}
			rows = append(rows, []cell{{text: formatCellTime(m.SentAt)}, {text: m.Kind}, {text: channel},
				{text: word(lb.messageStatus, m.Status)}, {text: m.Subject}})
		}
		r.table([]column{{lb.time, 30}, {lb.kind, 34}, {lb.channel, 18}, {lb.status, 26}, {lb.subject, 74}}, rows)
	}
}

// timeline draws the Timeline section: every event, applied or not.
func (r *renderer) timeline(events []summary.Event) {
	lb := r.lb
	r.heading(lb.timeline)
	if len(events) == 0 {
		r.note(lb.none)
		return
	}
	rows := make([][]cell, 0, len(events))
	for _, e := range events {
		applied := lb.appliedNo
		if e.Applied {
			applied = lb.appliedYes
		}
		rows = append(rows, []cell{{text: formatCellTime(e.At)}, {text: e.Source}, {text: e.Type},
			{text: applied}, {text: e.Note}})
	}
	r.table([]column{{lb.time, 30}, {lb.source, 20}, {lb.eventType, 44}, {lb.applied, 22}, {lb.note, 66}}, rows)
}

func (r *renderer) color(c [3]int) { r.pdf.SetTextColor(c[0], c[1], c[2]) }

func (r *renderer) gap(h float64) { r.pdf.SetY(r.pdf.GetY() + h) }

// paragraph draws text wrapped to the content width (minus indent) at size pt.
func (r *renderer) paragraph(text string, size, indent float64) {
	lh := lineH * size / sizeBody
	for _, l := range r.lines(text, contentW-indent, size) {
		r.room(lh)
		y := r.pdf.GetY()
		r.line(margin+indent, y+lh*0.78, l, size)
		r.pdf.SetY(y + lh)
	}
}

// note draws a muted line of body text.
func (r *renderer) note(text string) {
	r.color(colMuted)
	r.paragraph(text, sizeBody, cellPad)
	r.color(colText)
}

// heading draws a section heading on a tinted band, keeping it with the next lines.
func (r *renderer) heading(text string) {
	r.gap(2.5)
	h := 6.5
	r.room(h + 3*lineH)
	y := r.pdf.GetY()
	r.pdf.SetFillColor(colHeadFill[0], colHeadFill[1], colHeadFill[2])
	r.pdf.Rect(margin, y, contentW, h, "F")
	r.color(colText)
	r.line(margin+cellPad, y+h*0.72, clean(text), sizeHead)
	r.pdf.SetY(y + h + 1)
}

// banner draws text in red on a red-tinted band (the respond-by deadline).
func (r *renderer) banner(text string) {
	ls := r.lines(text, contentW-2*cellPad, sizeHead)
	lh := lineH * sizeHead / sizeBody
	h := float64(len(ls))*lh + 2
	r.room(h)
	y := r.pdf.GetY()
	r.pdf.SetFillColor(colAlertBg[0], colAlertBg[1], colAlertBg[2])
	r.pdf.SetDrawColor(colAlert[0], colAlert[1], colAlert[2])
	r.pdf.Rect(margin, y, contentW, h, "FD")
	r.color(colAlert)
	for i, l := range ls {
		r.line(margin+cellPad, y+1+float64(i)*lh+lh*0.78, l, sizeHead)
	}
	r.color(colText)
	r.pdf.SetY(y + h + 1.5)
}

// table draws rows under a header row (none when every header is empty). Each cell wraps
// within its column; a row is drawn line by line so that it can continue on the next page,
// where the header is repeated.
func (r *renderer) table(cols []column, rows [][]cell) {
	header := make([]cell, len(cols))
	hasHeader := false
	for i, c := range cols {
		header[i] = cell{text: c.head}
		hasHeader = hasHeader || c.head != ""
	}
	drawHeader := func() {
		if hasHeader {
			r.row(cols, header, true, nil)
		}
	}
	drawHeader()
	for _, row := range rows {
		r.row(cols, row, false, drawHeader)
	}
}

// row draws one table row; onNewPage runs after a page break inside the row.
func (r *renderer) row(cols []column, row []cell, head bool, onNewPage func()) {
	cellLines := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		text := ""
		if i < len(row) {
			text = row[i].text
		}
		cellLines[i] = r.lines(text, c.width-2*cellPad, sizeBody)
		n = max(n, len(cellLines[i]))
	}
	// Keep short rows whole: break before the row if it does not fit.
	if n <= 6 && r.room(float64(n)*lineH+1) && onNewPage != nil {
		onNewPage()
	}
	for li := 0; li < n; li++ {
		if r.room(lineH + 1) {
			if onNewPage != nil {
				onNewPage()
			}
		}
		y := r.pdf.GetY()
		x := margin
		for i, c := range cols {
			alert := i < len(row) && row[i].alert && !head
			switch {
			case head:
				r.fill(colHeadFill, x, y, c.width, lineH)
				r.color(colMuted)
			case alert:
				r.fill(colAlertBg, x, y, c.width, lineH)
				r.color(colAlert)
			default:
				r.color(colText)
			}
			if li < len(cellLines[i]) {
				r.line(x+cellPad, y+lineH*0.78, cellLines[i][li], sizeBody)
			}
			x += c.width
		}
		r.pdf.SetY(y + lineH)
	}
	r.pdf.SetDrawColor(colRule[0], colRule[1], colRule[2])
	r.pdf.SetLineWidth(0.15)
	y := r.pdf.GetY() + 0.4
	r.pdf.Line(margin, y, margin+contentW, y)
	r.pdf.SetY(y + 0.6)
	r.color(colText)
}

// fill paints a rectangle in colour c.
func (r *renderer) fill(c [3]int, x, y, w, h float64) {
	r.pdf.SetFillColor(c[0], c[1], c[2])
	r.pdf.Rect(x, y, w, h, "F")
}
