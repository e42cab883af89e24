package browsertest

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download clicks the element sel selects (a link to a file the server sends as an
// attachment) and returns the file name the browser suggests and the bytes it saved, once
// Chromium reports the download completed; a cancelled download, or none within
// StepTimeout, fails the test.
func (b *Browser) Download(sel chromedp.CSS) (name string, data []byte) {
	b.tb.Helper()
	ctx, cancel := b.Context()
	defer cancel()
	b.download.once.Do(func() {
		events := true
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior:      browser.SetDownloadBehaviorBehaviorAllowAndName, // saved as <dir>/<guid>
			DownloadPath:  b.download.dir,
			EventsEnabled: &events,
		}); err != nil {
			b.fail("allow downloads", err)
		}
	})
	// Subscribed before the click, so no event is missed.
	begins := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(sel)); err != nil {
		b.fail("click "+string(sel), err)
	}
	var guid string
	for ev, err := range begins {
		if err != nil {
			b.fail("wait for the download of "+string(sel)+" to begin", err)
		}
		guid, name = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil {
			b.fail("wait for download "+name, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			b.fail("download "+name, errors.New("cancelled by the browser"))
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	data, err := os.ReadFile(filepath.Join(b.download.dir, guid))
	if err != nil {
		b.fail("read download "+name, err)
	}
	return name, data
}
