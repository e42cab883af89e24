package httpapi

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// EvidencePacks makes an order's evidence pack (evidencepack.Packer satisfies it).
type EvidencePacks interface {
	// PackEvidence reads what the pack of order orderID needs besides the webhook bodies, in
	// language lang ("" for the default), and returns the function that streams the zip.
	// An unknown order is CodeNotFound, a language it does not have CodeInvalid; both are
	// known before anything is written.
	PackEvidence(ctx context.Context, orderID, lang string) (func(ctx context.Context, w io.Writer) error, error)
}

// evidenceWriteTime is how long the pack's download may take (the local server's write
// timeout is 30 s; a pack of thousands of webhooks to a slow client takes longer).
const evidenceWriteTime = 10 * time.Minute

// evidence serves GET /v1/orders/{order_id}/evidence[?lang=en|zh-CN]: the order's evidence
// pack as application/zip, streamed. A failure after the first byte cannot change the
// status any more: the response is aborted (the client sees a broken transfer, and the zip
// has no central directory, so no tool opens it) and the cause is logged.
func (a *api) evidence(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("order_id")
	if !order.ValidID(id) {
		writeError(w, order.Errorf(order.CodeNotFound, "httpapi.evidence", "no order %q", id))
		return
	}
	write, err := a.packs.PackEvidence(r.Context(), id, r.URL.Query().Get("lang"))
	if err != nil {
		writeError(w, err)
		return
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(evidenceWriteTime)) // not every writer can
	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="orderwire-evidence-`+id+`.zip"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if err := write(r.Context(), w); err != nil {
		a.log.Error("evidence pack aborted", "route", r.Pattern, "code", order.ErrorCode(err), "err", err.Error())
		panic(http.ErrAbortHandler)
	}
}
