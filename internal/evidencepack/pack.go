// Package evidencepack writes an order's evidence pack: one zip a seller downloads to
// answer a dispute (GET /v1/orders/{id}/evidence). Layout:
//
//	order.json                      the order as orderwire holds it (no buyer contact details)
//	timeline.json                   every event, in occurred-at order
//	events/<provider>/<id>.body     each verified webhook, byte for byte as received
//	events/<provider>/<id>.headers.json   the headers kept: signature, timestamp, id, content type, user agent
//	messages/<kind>-<seq>.json      each buyer message: channels, status, sent-at, provider
//	                                message id, subject and text as rendered for the buyer
//	submit/stripe.json, submit/paypal.json   the dispute APIs' evidence fields, filled
//	summary.html                    one printable page in the seller's language (en, zh-CN)
//	summary.pdf                     the same page, when a PDFWriter is configured
//	manifest.json                   written last: every other file with its SHA-256 and size
//
// The pack is streamed: each webhook body is read from the store (Source.EachEvidence),
// hashed and compressed into the zip, and dropped before the next; what is held grows only
// by one manifest line per file, never with the bodies. Verify checks a pack against its
// manifest.
package evidencepack

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/orderjson"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/summary"
	"github.com/orderwire/orderwire/internal/version"
)

// Format names the layout in manifest.json; it changes when the layout does.
const Format = "orderwire-evidence-pack/1"

// Source is what a pack is read from (store.Store satisfies it).
type Source interface {
	GetOrder(ctx context.Context, id string) (order.Order, error)
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	Timeline(ctx context.Context, id string) ([]order.TimelineEntry, error)
	Notifications(ctx context.Context, id string) ([]order.Notification, error)
	EachEvidence(ctx context.Context, orderID string, fn func(store.StoredEvidence) error) error
}

// PDFWriter renders the summary as a PDF (internal/summarypdf.Write has this shape).
type PDFWriter func(w io.Writer, s summary.Summary) error

// Packer makes evidence packs. The zero value is not usable: set Source.
type Packer struct {
	Source Source
	// PDF, when set, adds summary.pdf; without it the pack has no PDF.
	PDF PDFWriter
	// SellerName and SellerAddress are what the notifier puts in buyer messages, so that
	// re-rendered messages read as the buyer received them; "" leaves them out.
	SellerName, SellerAddress string
	// Now is the clock for generated_at; nil means time.Now.
	Now func() time.Time
}

// Langs are the summary's languages; the first is the default.
var Langs = []string{"en", "zh-CN"}

// Pack is one order's pack, read and ready to be written.
type Pack struct {
	p        *Packer
	lang     string
	at       time.Time
	ord      order.Order
	buyer    order.Buyer
	timeline []order.TimelineEntry
	rows     []order.Notification
}

// Prepare reads what the pack needs besides the webhook bodies, so that an unknown order
// (CodeNotFound) or a bad language (CodeInvalid; "" means "en") is known before anything is
// written. The bodies are read by Write.
func (p *Packer) Prepare(ctx context.Context, orderID, lang string) (*Pack, error) {
	const op = "evidencepack.Prepare"
	if lang == "" {
		lang = Langs[0]
	}
	if !validLang(lang) {
		return nil, order.FieldErrors{"lang": "must be en or zh-CN"}.Err(op)
	}
	o, err := p.Source.GetOrder(ctx, orderID)
	if err != nil {
		return nil, err
	}
	b, err := p.Source.GetBuyer(ctx, o.BuyerID)
	if err != nil && order.ErrorCode(err) != order.CodeNotFound {
		return nil, err
	}
	tl, err := p.Source.Timeline(ctx, orderID)
	if err != nil {
		return nil, err
	}
	all, err := p.Source.Notifications(ctx, orderID)
	if err != nil {
		return nil, err
	}
	var rows []order.Notification // what the buyer was sent: the seller's own alerts stay out
	for _, n := range all {
		if !n.Kind.ForSeller() {
			rows = append(rows, n)
		}
	}
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	return &Pack{p: p, lang: lang, at: now().UTC().Truncate(time.Second), ord: o, buyer: b, timeline: tl, rows: rows}, nil
}

func validLang(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Manifest is manifest.json.
type Manifest struct {
	Format      string    `json:"format"`
	OrderID     string    `json:"order_id"`
	GeneratedAt time.Time `json:"generated_at"`
	Version     string    `json:"orderwire_version"`
	Lang        string    `json:"lang"`
	// Files are every other file of the pack, in the order they were written.
	Files []ManifestFile `json:"files"`
	// Events map each events/ file pair back to the provider and event id it holds.
	Events []ManifestEvent `json:"events"`
	// Messages map each messages/ file back to its outbox row ("<order>/<kind>/<seq>").
	Messages []ManifestMessage `json:"messages"`
}

// ManifestFile is one file's digest.
type ManifestFile struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"` // lower-case hex
	Size   int64  `json:"size"`
}

// ManifestEvent maps an event's files to the provider's ids.
type ManifestEvent struct {
	Body       string    `json:"body"`
	Headers    string    `json:"headers"`
	Provider   string    `json:"provider"`
	EventID    string    `json:"event_id"`
	ReceivedAt time.Time `json:"received_at"`
}

// ManifestMessage maps a message file to its outbox row.
type ManifestMessage struct {
	Path string `json:"path"`
	Row  string `json:"row"`
}

// Write streams the zip to w. An error after the first byte leaves w with a truncated zip
// (no central directory), which no unzip tool and no Verify accepts.
func (pk *Pack) Write(ctx context.Context, w io.Writer) error {
	z := &zipper{zw: zip.NewWriter(w), at: pk.at, h: sha256.New()}
	m := Manifest{Format: Format, OrderID: pk.ord.ID, GeneratedAt: pk.at, Version: version.Version, Lang: pk.lang,
		Files: []ManifestFile{}, Events: []ManifestEvent{}, Messages: []ManifestMessage{}}
	if err := z.json("order.json", orderjson.New(pk.ord, nil)); err != nil {
		return err
	}
	if err := z.json("timeline.json", orderjson.Timeline(pk.timeline)); err != nil {
		return err
	}
	used := map[string]bool{}
	err := pk.p.Source.EachEvidence(ctx, pk.ord.ID, func(ev store.StoredEvidence) error {
		base := "events/" + SafeName(ev.Source) + "/" + SafeName(ev.EventID)
		for n := 2; used[base]; n++ { // the same id from two routes of one provider name
			base = "events/" + SafeName(ev.Source) + "/" + SafeName(ev.EventID) + "~" + itoa(n)
		}
		used[base] = true
		if err := z.file(base+".body", func(w io.Writer) error { _, err := w.Write(ev.Body); return err }); err != nil {
			return err
		}
		headers := ev.Headers
		if headers == nil {
			headers = map[string]string{}
		}
		if err := z.json(base+".headers.json", headers); err != nil {
			return err
		}
		m.Events = append(m.Events, ManifestEvent{Body: base + ".body", Headers: base + ".headers.json",
			Provider: ev.Source, EventID: ev.EventID, ReceivedAt: ev.ReceivedAt})
		return nil
	})
	if err != nil {
		return err
	}
	msgs := pk.messages()
	for _, msg := range msgs {
		path := "messages/" + msg.file
		if err := z.json(path, msg.view); err != nil {
			return err
		}
		m.Messages = append(m.Messages, ManifestMessage{Path: path, Row: msg.row})
	}
	for _, sub := range pk.submissions(msgs) {
		if err := z.json("submit/"+sub.provider+".json", sub.body); err != nil {
			return err
		}
	}
	sum := pk.summary(msgs)
	if err := z.file("summary.html", func(w io.Writer) error { return writeHTML(w, sum, len(pk.timeline)) }); err != nil {
		return err
	}
	if pk.p.PDF != nil {
		if err := z.file("summary.pdf", func(w io.Writer) error { return pk.p.PDF(w, sum) }); err != nil {
			return err
		}
	}
	m.Files = z.files
	if err := z.raw("manifest.json", func(w io.Writer) error { return writeIndented(w, m) }); err != nil {
		return err
	}
	return z.zw.Close()
}

// zipper writes zip entries, hashing and counting each as it goes.
type zipper struct {
	zw    *zip.Writer
	at    time.Time
	h     hash.Hash
	files []ManifestFile
}

// file writes one entry through fn and records its digest and size.
func (z *zipper) file(path string, fn func(io.Writer) error) error {
	z.h.Reset()
	c := &counter{}
	if err := z.raw(path, func(w io.Writer) error { return fn(io.MultiWriter(w, z.h, c)) }); err != nil {
		return err
	}
	z.files = append(z.files, ManifestFile{Path: path, SHA256: hex.EncodeToString(z.h.Sum(nil)), Size: c.n})
	return nil
}

// raw writes one entry, deflated, dated with the pack's time.
func (z *zipper) raw(path string, fn func(io.Writer) error) error {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: z.at})
	if err != nil {
		return err
	}
	return fn(w)
}

func (z *zipper) json(path string, v any) error {
	return z.file(path, func(w io.Writer) error { return writeIndented(w, v) })
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// PackEvidence is Prepare followed by Write, in the shape the HTTP route takes
// (httpapi.EvidencePacks): what can fail before the first byte fails here.
func (p *Packer) PackEvidence(ctx context.Context, orderID, lang string) (func(context.Context, io.Writer) error, error) {
	pk, err := p.Prepare(ctx, orderID, lang)
	if err != nil {
		return nil, err
	}
	return pk.Write, nil
}
