package summarypdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/summary"
)

func render(t *testing.T, s summary.Summary) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, s); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(16, buf.Len())])
	}
	return buf.Bytes()
}

func mustContain(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the PDF's text lacks %q; it reads:\n%s", w, text)
		}
	}
}

// alertRed is colAlert as fpdf writes a fill colour (r/255 with three decimals).
var alertRed = fmt.Sprintf("%.3f %.3f %.3f", 180.0/255, 20.0/255, 20.0/255)

func TestWriteChineseReadsBack(t *testing.T) {
	pages, items := readBack(t, render(t, sample("zh-CN")))
	if pages != 1 {
		t.Errorf("pages = %d, want the sample on one page", pages)
	}
	text := lines(items)
	mustContain(t, text,
		"订单摘要 · ord_7Q2XK9", "争议证据包 · 生成于 2026-11-30 09:15 UTC · orderwire v0.11.0",
		"订单号ord_7Q2XK9付款状态paid", "金额123.45 USD已退款0.00 USD", "创建时间2026-11-02 08:00 UTC",
		"包裹与物流轨迹", "承运商: china-post · 运单号: LX123456789CN",
		"Shenzhen 深圳市 转运中心", "已收寄 Acceptance", "Portland, OR 97201",
		"发给买家的消息", "payment_receivedemail已发送 (sent)", "We received your payment for order ord_7Q2XK9",
		"shipment_delivered无已跳过 (skipped)",
		"请在 2026-11-29 23:59 UTC 前回应 — stripe 争议 dp_1QxY2Z", "回应截止 (UTC)", "product_not_received",
		"时间线", "charge.dispute.created已应用", "<b>buyer</b> says:",
		"订单 ord_7Q2XK9 · 页码 1/1")
	for _, english := range []string{"Order summary", "Respond by", "Timeline"} {
		if strings.Contains(text, english) {
			t.Errorf("the Chinese PDF shows the English label %q", english)
		}
	}
}

func TestWriteEnglishReadsBack(t *testing.T) {
	_, items := readBack(t, render(t, sample("en")))
	text := lines(items)
	mustContain(t, text,
		"Order summary · ord_7Q2XK9", "Payment status", "Refunded0.00 USD",
		"Respond by 2026-11-29 23:59 UTC — stripe dispute dp_1QxY2Z", "needs_response",
		"Shenzhen 深圳市 转运中心", "Messages sent to the buyer", "TRACKING_UPDATEDrecordedInfoReceived",
		"Order ord_7Q2XK9 · page 1 of 1")
	if strings.Contains(text, "订单摘要") {
		t.Error("the English PDF shows Chinese labels")
	}
}

// The respond-by deadline is drawn in red, both in the banner and in the table cell.
func TestRespondByIsHighlighted(t *testing.T) {
	_, items := readBack(t, render(t, sample("en")))
	red := 0
	for _, it := range items {
		if strings.Contains(it.text, "2026-11-29 23:59") {
			if it.color != alertRed {
				t.Errorf("%q is drawn in %q, want red %q", it.text, it.color, alertRed)
			}
			red++
		}
	}
	if red != 2 {
		t.Errorf("the deadline is shown %d times, want 2 (banner and table)", red)
	}
	// A dispute that needs no response gets no banner; an unknown deadline says so.
	s := sample("en")
	s.Disputes[0].Status, s.Disputes[0].RespondBy = "under_review", time.Time{}
	_, items = readBack(t, render(t, s))
	text := lines(items)
	if strings.Contains(text, "Respond by 20") {
		t.Errorf("banner shown for a dispute under review:\n%s", text)
	}
	mustContain(t, text, "under_review", "unknown")
}

func TestWriteEmptySummary(t *testing.T) {
	pages, items := readBack(t, render(t, summary.Summary{}))
	if pages != 1 {
		t.Errorf("pages = %d, want 1", pages)
	}
	text := lines(items)
	mustContain(t, text, "Order summary · —", "Order ID—", "Amount0", "Disputes\nNone", "Timeline\nNone")
}

// Text is printed, never interpreted, and wraps inside its column: a 400-character word,
// an HTML fragment and a long Chinese sentence all come back whole, over several lines
// that start at the note column's left edge.
func TestLongAndHTMLishTextWraps(t *testing.T) {
	long := strings.Repeat("x", 400)
	html := `<script>alert("pwned")</script><a href="https://example.test/?a=1&b=2">click</a>`
	zhText := strings.Repeat("买家称包裹未收到，但物流显示已签收。", 8)
	s := sample("zh-CN")
	s.Events = []summary.Event{{At: s.CreatedAt, Source: "stripe", Type: "charge.dispute.created",
		Note: long + " " + html + " " + zhText}}
	_, items := readBack(t, render(t, s))
	noteX := (margin + 30 + 20 + 44 + 22 + cellPad) * 72 / 25.4
	var note []shown
	timeline := false
	for _, it := range items { // the note column (the last) of the timeline, no header
		timeline = timeline || it.text == chinese.timeline
		if timeline && it.x > noteX-0.05 && it.text != chinese.note {
			note = append(note, it)
		}
	}
	var got strings.Builder
	baselines := map[float64]bool{}
	for _, it := range note {
		got.WriteString(it.text)
		baselines[it.y] = true
	}
	want := strings.ReplaceAll(long+html+zhText, " ", "")
	if g := strings.ReplaceAll(got.String(), " ", ""); g != want {
		t.Errorf("note column reads\n%q\nwant\n%q", g, want)
	}
	if len(baselines) < 10 {
		t.Errorf("note drawn on %d lines, want it wrapped onto at least 10", len(baselines))
	}
}

// A long timeline flows onto further pages, each with the table header and "page n of N".
func TestLongTimelineFlows(t *testing.T) {
	s := manyEvents(sample("en"), 300)
	pages, items := readBack(t, render(t, s))
	if pages < 3 {
		t.Fatalf("pages = %d, want the 300-event timeline over at least 3", pages)
	}
	for p := 2; p <= pages; p++ {
		var page []shown
		for _, it := range items {
			if it.page == p {
				page = append(page, it)
			}
		}
		text := lines(page)
		mustContain(t, text, "Time (UTC)SourceTypeAppliedNote", fmt.Sprintf("page %d of %d", p, pages))
	}
	mustContain(t, lines(items), "event 300 of 300")
}

// Characters outside the fonts' reach or not printable do not break the PDF.
func TestOddCharacters(t *testing.T) {
	s := sample("en")
	s.Messages[0].Subject = "Thanks 🎉\x00\tand\r\nbye \U00010000"
	_, items := readBack(t, render(t, s))
	mustContain(t, lines(items), "Thanks \uFFFD  and\nbye \uFFFD")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsInternal(t *testing.T) {
	err := Write(failingWriter{}, sample("en"))
	if order.ErrorCode(err) != order.CodeInternal {
		t.Fatalf("err = %v, want an internal *order.Error", err)
	}
}

// manyEvents appends n timeline events to s.
func manyEvents(s summary.Summary, n int) summary.Summary {
	s.Events = make([]summary.Event, 0, n)
	for i := range n {
		s.Events = append(s.Events, summary.Event{
			At: s.CreatedAt.Add(time.Duration(i) * time.Minute), Source: "17track",
			Type: "TRACKING_UPDATED", Applied: i%3 != 0,
			Note: fmt.Sprintf("event %d of %d: InTransit, 深圳市 转运中心 → Los Angeles", i+1, n),
		})
	}
	return s
}

// Concurrent writes of one Summary produce the same bytes (the PDF's dates come from
// GeneratedAt, not the clock), so a re-generated pack hashes the same.
func TestWriteIsDeterministicAndConcurrent(t *testing.T) {
	s := sample("zh-CN")
	want := render(t, s)
	outs := make([][]byte, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range outs {
		wg.Go(func() {
			var buf bytes.Buffer
			errs[i] = Write(&buf, s)
			outs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil || !bytes.Equal(outs[i], want) {
			t.Errorf("write %d: err %v, %d bytes equal to the first: %v", i, errs[i], len(outs[i]), bytes.Equal(outs[i], want))
		}
	}
}

// An English page with no CJK text embeds only the Latin font; Chinese text anywhere
// brings in the CJK font (which the English sample's checkpoint has).
func TestCJKFontOnlyWhenNeeded(t *testing.T) {
	latin := render(t, latinOnly(sample("en")))
	if bytes.Contains(latin, []byte("/BaseFont /utf8"+fontCJK)) {
		t.Error("the CJK font is embedded in a PDF without CJK text")
	}
	if !bytes.Contains(latin, []byte("/BaseFont /utf8"+fontLatin)) {
		t.Error("the Latin font is missing")
	}
	if !bytes.Contains(render(t, sample("en")), []byte("/BaseFont /utf8"+fontCJK)) {
		t.Error("the CJK font is missing from a PDF with Chinese checkpoints")
	}
	// Every printed field counts, down to a dispute's (malformed) currency.
	s := latinOnly(sample("en"))
	s.Disputes[0].Currency = "美元"
	_, items := readBack(t, render(t, s))
	mustContain(t, lines(items), "12345 美元")
}
