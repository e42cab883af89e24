// Package browsertest drives a real headless Chromium for the seller console's browser
// tests: it finds the browser, starts it with the flags that work on this project's
// machines, runs chromedp actions with a bounded wait each, injects axe-core (pinned in
// tools/package.json) into the page, saves PNG screenshots under bin/screenshots/ and
// catches the files a page downloads.
//
// Under `make test` (ORDERWIRE_REQUIRE_SERVICES=1, see internal/testservice) a missing
// Chromium or axe-core fails the test loudly; under a bare `go test ./...` the test is
// skipped, saying what to install. scripts/chromium.sh installs Chromium (`make test` runs
// it through scripts/with-services.sh, which exports ORDERWIRE_CHROMIUM).
//
// Every browser started here is killed, and its profile removed, when its test ends.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/orderwire/orderwire/internal/testservice"
)

// StepTimeout bounds every action a Browser runs (one navigation, one click, one query).
const StepTimeout = 30 * time.Second

// StartTimeout bounds the browser's start (the first action on a fresh profile).
const StartTimeout = 90 * time.Second

// Options are the settings of one browser.
type Options struct {
	// AcceptLanguage is the Accept-Language the browser sends (and navigator.languages);
	// "en-US" when empty.
	AcceptLanguage string
}

// Browser is one headless Chromium with one tab. Its methods fail the test (t.Fatalf) on
// any error and never wait longer than StepTimeout for one step.
type Browser struct {
	tb       testing.TB
	ctx      context.Context // the tab; cancelled when the test ends
	axe      string          // axe.min.js
	shotDir  string          // <repo>/bin/screenshots
	output   *lockedBuffer   // what the browser printed, shown when a step fails
	download *downloads      // shared by the copies For makes
}

// downloads is where a Browser's downloads go, set up on the first one.
type downloads struct {
	once sync.Once
	dir  string
}

// ChromiumPath returns the Chromium to drive: $ORDERWIRE_CHROMIUM when set, else the first
// of chromium, chromium-browser on PATH. When there is none it fails the test under `make
// test` and skips it otherwise, saying how to install one.
func ChromiumPath(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("ORDERWIRE_CHROMIUM"); p != "" {
		if st, err := os.Stat(p); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			tb.Fatalf("ORDERWIRE_CHROMIUM=%s is not an executable file", p)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const how = "install Debian's chromium package (`bash scripts/chromium.sh` does it as root: apt-get install -y chromium) or set ORDERWIRE_CHROMIUM"
	if testservice.Required() {
		tb.Fatalf("no Chromium found (ORDERWIRE_CHROMIUM unset, no chromium on PATH) but ORDERWIRE_REQUIRE_SERVICES=1: %s", how)
	}
	tb.Skipf("no Chromium found: %s, or run `make test`", how)
	return ""
}

// AxeSource returns axe-core's axe.min.js from tools/node_modules (installed by `npm ci`
// in tools/, which scripts/with-services.sh runs); missing, it fails the test under `make
// test` and skips it otherwise.
func AxeSource(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(RepoRoot(tb), "tools", "node_modules", "axe-core", "axe.min.js")
	src, err := os.ReadFile(path)
	if err == nil {
		return string(src)
	}
	if testservice.Required() {
		tb.Fatalf("axe-core is missing (%v) but ORDERWIRE_REQUIRE_SERVICES=1: run `npm ci --prefix tools`", err)
	}
	tb.Skipf("axe-core is missing (%v): run `npm ci --prefix tools` or `make test`", err)
	return ""
}

// RepoRoot returns the directory holding go.mod, from the test's working directory up.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// Start launches headless Chromium on a fresh profile (a temporary directory) with the
// flags that work on this project's machines (no sandbox, no GPU, no QUIC, no background
// networking, component updates or sync: the machines reach no network but loopback and
// the package registries), and opens one tab. The browser is killed when the test ends.
func Start(tb testing.TB, o Options) *Browser {
	tb.Helper()
	exe := ChromiumPath(tb)
	b := &Browser{tb: tb, axe: AxeSource(tb), output: &lockedBuffer{}, download: &downloads{}}
	b.shotDir = filepath.Join(RepoRoot(tb), "bin", "screenshots")
	lang := o.AcceptLanguage
	if lang == "" {
		lang = "en-US"
	}
	profile := tb.TempDir() // removed after the cleanup below has killed the browser
	b.download.dir = tb.TempDir()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("lang", lang),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(b.output),
	)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	b.ctx = tabCtx
	tb.Cleanup(func() {
		cancelTab()
		cancelAlloc() // kills the browser process and waits for it
	})

	// The first action starts the browser and must run on the tab's own context (a timeout
	// on it would bound the whole browser's life), so its wait is bounded from outside.
	started := make(chan error, 1)
	go func() {
		started <- chromedp.Do(tabCtx, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
				Headers: network.Headers{"Accept-Language": lang}})
			return chromedp.Void{}, err
		})
	}()
	select {
	case err := <-started:
		if err != nil {
			tb.Fatalf("start %s: %v\nbrowser output:\n%s", exe, err, b.output)
		}
	case <-time.After(StartTimeout):
		cancelTab()
		cancelAlloc()
		tb.Fatalf("start %s: no answer after %s\nbrowser output:\n%s", exe, StartTimeout, b.output)
	}
	return b
}

// Context returns a context for one step on the tab, bounded by StepTimeout.
func (b *Browser) Context() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, StepTimeout)
}

// Do runs the steps in order (all within one StepTimeout), failing the test on an error.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.tb.Helper()
	ctx, cancel := b.Context()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// Get runs one action returning a value, failing the test on an error.
func Get[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.tb.Helper()
	ctx, cancel := b.Context()
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.fail(what, err)
	}
	return v
}

// Open navigates to url and waits for the page to load; it returns the HTTP status of the
// document the browser ends on (after redirects).
func (b *Browser) Open(url string) int64 {
	b.tb.Helper()
	return b.Load("open "+url, chromedp.Navigate(url))
}

// Load runs the steps (a click on a link or a submit button, say), waits for the page they
// load and returns its HTTP status (after redirects).
func (b *Browser) Load(what string, steps ...chromedp.Action[chromedp.Void]) int64 {
	b.tb.Helper()
	ctx, cancel := b.Context()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		b.fail(what, err)
	}
	if resp == nil {
		b.fail(what, errors.New("no document response"))
	}
	return resp.Status
}

// Location returns the tab's current URL.
func (b *Browser) Location() string {
	b.tb.Helper()
	return Get(b, "location", chromedp.Location())
}

// Screenshot saves a PNG of the whole page as bin/screenshots/<test>-<name>.png and
// returns its path.
func (b *Browser) Screenshot(name string) string {
	b.tb.Helper()
	png := Get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		b.tb.Fatalf("screenshot %s: not a PNG (%d bytes)", name, len(png))
	}
	if err := os.MkdirAll(b.shotDir, 0o755); err != nil {
		b.tb.Fatal(err)
	}
	file := strings.NewReplacer("/", "_", " ", "_").Replace(b.tb.Name()) + "-" + name + ".png"
	path := filepath.Join(b.shotDir, file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.tb.Fatal(err)
	}
	return path
}

func (b *Browser) fail(what string, err error) {
	b.tb.Helper()
	loc := "?"
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	if l, lerr := chromedp.Run(ctx, chromedp.Location()); lerr == nil {
		loc = l
	}
	b.tb.Fatalf("browser: %s (at %s): %v\nbrowser output (last 2 KiB):\n%s", what, loc, err, b.output.tail(2048))
}

// lockedBuffer collects what the browser prints, safe for the allocator's goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string { return l.tail(1 << 20) }

func (l *lockedBuffer) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}
