package browsertest

import (
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// Violation is one axe-core rule that the page fails, with the elements it fails on (as
// axe-core's results report them: id, impact, help, helpUrl, nodes[].target/html/
// failureSummary).
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"` // minor, moderate, serious or critical
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target         []any  `json:"target"`
		HTML           string `json:"html"`
		FailureSummary string `json:"failureSummary"`
	} `json:"nodes"`
}

// Blocking reports whether the violation fails a console page: impact serious or critical.
func (v Violation) Blocking() bool { return v.Impact == "serious" || v.Impact == "critical" }

// String is the violation in a few lines: rule, impact, help and each element's selector
// and failure summary (on one line) (element HTML cut to 160 bytes; the console masks
// buyer contact details, so none are printed).
func (v Violation) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s (%s): %s [%s]", v.ID, v.Impact, v.Help, v.HelpURL)
	for _, n := range v.Nodes {
		html := n.HTML
		if len(html) > 160 {
			html = html[:160] + "…"
		}
		summary := strings.Join(strings.Fields(strings.ReplaceAll(n.FailureSummary, "\n", " | ")), " ")
		fmt.Fprintf(&s, "\n    %v %s\n      %s", n.Target, html, summary)
	}
	return s.String()
}

// axeRun runs axe-core on the whole document with its default rules (WCAG 2 A and AA and
// best practices) and returns only what the Go side reads.
const axeRun = `(async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary}))}));
})()`

// Axe injects axe-core into the current page (once per document) and returns every
// violation it finds.
func (b *Browser) Axe() []Violation {
	b.tb.Helper()
	if !Get(b, "axe present", chromedp.Evaluate[bool](`typeof window.axe === 'object'`)) {
		if !Get(b, "inject axe-core", chromedp.Evaluate[bool](b.axe+"\n;typeof window.axe === 'object'")) {
			b.tb.Fatal("axe-core did not define window.axe")
		}
	}
	return Get(b, "run axe-core", chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
}

// CheckAccessible runs axe-core on the current page, logs every violation it finds (so a
// failing run names what to fix) and fails the test when one is serious or critical.
func (b *Browser) CheckAccessible(page string) {
	b.tb.Helper()
	var blocking []string
	for _, v := range b.Axe() {
		b.tb.Logf("axe %s: %s", page, v)
		if v.Blocking() {
			blocking = append(blocking, v.ID)
		}
	}
	if len(blocking) > 0 {
		b.tb.Errorf("axe %s: serious or critical violations %v (listed above)", page, blocking)
	}
}
