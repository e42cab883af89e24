package store

import (
	"encoding/base64"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// ListAllPK and the functions below name the order list's index partitions (ListOrders). Every adapter keeps the same partitions
// and sort keys: DynamoDB in global secondary indexes of the order items and of the outbox
// rows (internal/dynamo picks which index holds which partition), the embedded store as
// keys "<partition>\x00<sort key>" beside the items. An order is in:
//
//   - ListAllPK, ListStatusPK(o.Status) and ListPaymentPK(o.PaymentStatus), sorted by
//     ListSK (UpdatedAt, then id: read backwards for newest first);
//   - AttentionPK(kind) for each of its order.StandingAttention items, sorted by
//     AttentionSK (read forwards: most urgent first).
//
// An outbox row with a message problem (order.MessageProblem) is in
// AttentionPK(order.AttentionMessage), sorted by MessageProblemSK. The buyer filter reads
// the buyer's own partition (BuyerPK, the BuyerOrders items), no index.
const ListAllPK = "ORDERS"

// ListStatusPK is the partition of the orders in status s.
func ListStatusPK(s order.Status) string { return "STATUS#" + string(s) }

// ListPaymentPK is the partition of the orders with payment status p.
func ListPaymentPK(p order.PaymentStatus) string { return "PAYSTATUS#" + string(p) }

// AttentionPK is the partition of the orders (or, for order.AttentionMessage, the outbox
// rows) needing attention of that kind.
func AttentionPK(kind string) string { return "ATTENTION#" + kind }

// ListSK orders an order by UpdatedAt, then id.
func ListSK(o order.Order) string { return SortableTime(o.UpdatedAt) + "#" + o.ID }

// AttentionSK orders the attention item it of order id: disputes ("0#", by deadline) before
// every other kind ("1#", by the time of the cause), then by that time, then id. It is also
// the order's rank in a list of orders needing attention.
func AttentionSK(it order.AttentionItem, id string) string {
	class := "1#"
	if it.Kind == order.AttentionDispute {
		class = "0#"
	}
	return class + SortableTime(it.At) + "#" + id
}

// MessageProblemSK is the sort key of outbox row n in the message-problem partition: the
// AttentionSK of its problem (so rows sort by when they went wrong), then the row's own key.
// ok is false when n has no problem.
func MessageProblemSK(n order.Notification) (sk string, ok bool) {
	at, ok := order.MessageProblem(n)
	if !ok || !order.ValidID(n.OrderID) {
		return "", false
	}
	return AttentionSK(order.AttentionItem{Kind: order.AttentionMessage, At: at}, n.OrderID) + "#" + OutboxSK(n), true
}

// ListIndexKey is one index entry: partition and sort key.
type ListIndexKey struct{ PK, SK string }

// OrderListKeys are the index entries of order o (see ListAllPK).
func OrderListKeys(o order.Order) []ListIndexKey {
	sk := ListSK(o)
	out := []ListIndexKey{{ListAllPK, sk}, {ListStatusPK(o.Status), sk}, {ListPaymentPK(o.PaymentStatus), sk}}
	for _, it := range order.StandingAttention(o) {
		out = append(out, ListIndexKey{AttentionPK(it.Kind), AttentionSK(it, o.ID)})
	}
	return out
}

// The two orders of a list, which a cursor names so that one is never read as the other.
const (
	planUpdated   = "u" // newest first: the rank is a ListSK
	planAttention = "a" // most urgent first: the rank is an AttentionSK
)

const cursorVersion = "o1|"

// encodeCursor is the opaque cursor after the order ranked rank in a plan's order.
func encodeCursor(plan, rank string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorVersion + plan + "|" + rank))
}

// decodeCursor returns the rank a cursor of plan holds ("" for no cursor), or CodeInvalid
// for anything encodeCursor did not make for that plan.
func decodeCursor(cursor, plan string) (string, error) {
	if cursor == "" {
		return "", nil
	}
	var fe order.FieldErrors
	fe.Add("cursor", "is not a cursor this list returned")
	bad := fe.Err("store.ListOrders")
	raw, err := base64.RawURLEncoding.Strict().DecodeString(cursor)
	// The decoder skips \r and \n: re-encoding is what makes a cursor have one spelling.
	if err != nil || base64.RawURLEncoding.EncodeToString(raw) != cursor {
		return "", bad
	}
	rest, ok := strings.CutPrefix(string(raw), cursorVersion+plan+"|")
	if !ok {
		return "", bad
	}
	if plan == planAttention {
		class, r, ok := strings.Cut(rest, "#")
		if !ok || (class != "0" && class != "1") {
			return "", bad
		}
		if !validTimeID(r) {
			return "", bad
		}
		return rest, nil
	}
	if !validTimeID(rest) {
		return "", bad
	}
	return rest, nil
}

// validTimeID reports whether s is "<SortableTime>#<order id>".
func validTimeID(s string) bool {
	ts, id, ok := strings.Cut(s, "#")
	if !ok || !order.ValidID(id) {
		return false
	}
	t, err := time.Parse(sortableLayout, ts)
	return err == nil && SortableTime(t) == ts
}

const sortableLayout = "2006-01-02T15:04:05.000000000Z"
