// Package summarypdf renders the evidence pack's summary.pdf: the one-page account of an
// order (internal/summary.Summary) as a printable A4 PDF, in English or Simplified Chinese.
//
// The page shows the order (id, status, amount, created, payment status, paid, refunded),
// the disputes with each respond-by deadline highlighted (a red banner per dispute that
// needs a response, and a red cell in the table), every parcel with its carrier
// checkpoints, every message the buyer was sent (time, kind, channel, status, subject) and
// the timeline. Long timelines flow onto further pages; table headers repeat on each page
// and every page has a footer with the order id and "page n of N".
//
// Text is drawn with two TrueType fonts embedded in the binary (fonts/README.md): Droid
// Sans Fallback for CJK characters and DejaVu Sans for everything else, chosen character
// by character, so a checkpoint such as "Shenzhen 深圳市 转运中心" prints as written.
// Only the glyphs used are embedded in the PDF (subsetting). Text is never interpreted:
// "<b>" prints as "<b>". Any text wraps inside its column, at spaces, around CJK
// characters, or inside a word longer than the column; a row taller than a page continues
// on the next. Times are printed in UTC; amounts in the currency's ISO 4217 decimals.
package summarypdf

import (
	"fmt"
	"io"
	"slices"

	"codeberg.org/go-pdf/fpdf"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/summary"
)

// Page geometry, in mm (A4 portrait).
const (
	pageW, pageH = 210.0, 297.0
	margin       = 14.0
	contentW     = pageW - 2*margin
	bottomLimit  = pageH - 16.0 // content stops here; the footer sits below
	cellPad      = 1.2
)

// Type sizes in pt and the line height of body text in mm.
const (
	sizeTitle = 16.0
	sizeHead  = 11.0
	sizeBody  = 8.0
	sizeSmall = 7.0
	lineH     = 3.7
)

// Write renders s as a PDF to w. Any Summary is accepted, the zero value included (every
// section then says "None"); an unknown s.Lang is English. The PDF is built in memory and
// then written (about 40 KB for a typical order, 120 KB for 1,000 timeline events; see
// BENCHMARKS.md). Its bytes depend on s alone when s.GeneratedAt is set (it is the PDF's
// creation date; a zero GeneratedAt leaves the clock's), so a regenerated pack hashes the
// same. Write is safe for concurrent use. The only errors are w's write errors and
// internal failures of the PDF library, returned as *order.Error with code internal; on
// error, w may have received part of a PDF.
func Write(w io.Writer, s summary.Summary) error {
	const op = "summarypdf.Write"
	r := newRenderer(s)
	r.document(s)
	if err := r.pdf.Error(); err != nil {
		return order.Internal(op, err)
	}
	if err := r.pdf.Output(w); err != nil {
		return order.Internal(op, err)
	}
	return nil
}

// renderer draws on one document, tracking the selected font to avoid redundant changes.
type renderer struct {
	pdf    *fpdf.Fpdf
	lb     *labels
	font   string
	size   float64
	widths map[string]map[rune]float64 // per font: width in mm at 1 pt
}

func newRenderer(s summary.Summary) *renderer {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AliasNbPages("{nb}") // before the fonts are added: fpdf sizes the subset for it
	lb := labelsFor(s.Lang)
	pdf.AddUTF8FontFromBytes(fontLatin, "", latinTTF)
	// Parsing and subsetting the 4 MB CJK font is most of the work of a PDF: skip it when
	// nothing on the page is CJK.
	if lb == &chinese || slices.ContainsFunc(summaryStrings(s), hasCJK) {
		pdf.AddUTF8FontFromBytes(fontCJK, "", cjkTTF)
	}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, 0) // rows break pages themselves (headers repeat)
	pdf.SetCatalogSort(true)
	if !s.GeneratedAt.IsZero() {
		pdf.SetCreationDate(s.GeneratedAt)
		pdf.SetModificationDate(s.GeneratedAt)
	}
	pdf.SetTitle(lb.title+" "+s.OrderID, true)
	pdf.SetCreator("orderwire "+s.Version, true)
	if lb == &chinese {
		pdf.SetLang("zh-CN")
	} else {
		pdf.SetLang("en")
	}
	r := &renderer{pdf: pdf, lb: lb, widths: map[string]map[rune]float64{fontLatin: {}, fontCJK: {}}}
	orderID := clean(s.OrderID)
	if rs := []rune(orderID); len(rs) > 48 { // the footer is one line
		orderID = string(rs[:47]) + "…"
	}
	pdf.SetFooterFunc(func() {
		r.font = "" // fpdf restores its own font state around the footer
		pdf.SetTextColor(110, 110, 110)
		r.line(margin, pageH-9, fmt.Sprintf(lb.footer, orderID, pdf.PageNo(), "{nb}"), sizeSmall)
		r.font = ""
	})
	// Measure before the first page, where changing fonts writes nothing.
	r.warm(s)
	return r
}

// setFont selects font at size unless it is already selected.
func (r *renderer) setFont(font string, size float64) {
	if font != r.font || size != r.size {
		r.pdf.SetFont(font, "", size)
		r.font, r.size = font, size
	}
}

// width is rune c's width in font, in mm at 1 pt, measured once per document.
func (r *renderer) width(font string, c rune) float64 {
	if w, ok := r.widths[font][c]; ok {
		return w
	}
	size := r.size
	prev := r.font
	r.setFont(font, 1)
	w := r.pdf.GetStringWidth(string(c))
	if prev != "" {
		r.setFont(prev, size)
	}
	r.widths[font][c] = w
	return w
}

// textWidth is the width of s in mm at size pt.
func (r *renderer) textWidth(s string, size float64) float64 {
	total, font := 0.0, ""
	for _, c := range s {
		font = fontFor(c, font)
		total += r.width(font, c) * size
	}
	return total
}

// warm measures every character of the labels, ASCII and the Summary's strings.
func (r *renderer) warm(s summary.Summary) {
	for c := rune(0x20); c < 0x7f; c++ {
		r.width(fontLatin, c)
	}
	r.textWidth(fmt.Sprint(*r.lb), 1) // every label
	for _, str := range summaryStrings(s) {
		r.textWidth(clean(str), 1)
	}
	r.font = ""
}

// line draws one line of text (no wrapping) with its left edge at x and its baseline at y.
func (r *renderer) line(x, y float64, text string, size float64) {
	for _, rn := range runs(text) {
		r.setFont(rn.font, size)
		r.pdf.Text(x, y, rn.text)
		x += r.textWidth(rn.text, size)
	}
}

// lines wraps text into width mm at size pt.
func (r *renderer) lines(text string, width, size float64) []string {
	return wrap(clean(text), width, size, r.width)
}

// newPage starts a page.
func (r *renderer) newPage() {
	r.pdf.AddPage()
	r.font = ""
	r.pdf.SetXY(margin, margin)
}

// room makes sure h mm fit below the current position, starting a new page if not, and
// reports whether a page was started.
func (r *renderer) room(h float64) bool {
	if r.pdf.GetY()+h <= bottomLimit {
		return false
	}
	r.newPage()
	return true
}

// summaryStrings lists every string of s that the page prints (for measuring ahead and
// for deciding whether the CJK font is needed).
func summaryStrings(s summary.Summary) []string {
	out := []string{s.OrderID, s.Status, s.PaymentStatus, s.Currency, s.Version}
	for _, p := range s.Parcels {
		out = append(out, p.Carrier, p.TrackingNumber, p.Service, p.Status)
		for _, c := range p.Checkpoints {
			out = append(out, c.Location, c.Message)
		}
	}
	for _, m := range s.Messages {
		out = append(out, m.Kind, m.Channel, m.Status, m.Subject)
	}
	for _, d := range s.Disputes {
		out = append(out, d.Provider, d.ID, d.Status, d.Reason, d.Currency)
	}
	for _, e := range s.Events {
		out = append(out, e.Source, e.Type, e.Note)
	}
	return out
}
