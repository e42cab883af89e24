package message

import (
	"encoding/base64"
	"strings"
)

// The tags an email carries to its provider so that the provider's reports about it
// (bounces, complaints, deliveries) name the buyer and the outbox row without any address
// lookup: on SES, message tags of the configuration set, which SES copies into every event
// it publishes (mail.tags).
const (
	TagBuyer = "orderwire-buyer" // the buyer id
	TagRow   = "orderwire-row"   // the outbox row, "<order>/<kind>/<seq>" (order.NotificationRef)
)

// tagValue encodes tag values: SES allows only ASCII letters, digits, '_' and '-' in them,
// and ids may hold '.', ':' and '/'; unpadded base64url uses exactly SES's alphabet.
var tagValue = base64.RawURLEncoding

// Tags returns m's tags (TagBuyer and TagRow, each encoded for SES), without the ones m
// lacks: a message that is not an outbox row's email has no row tag.
func Tags(m Email) map[string]string {
	tags := map[string]string{}
	if m.BuyerID != "" {
		tags[TagBuyer] = tagValue.EncodeToString([]byte(m.BuyerID))
	}
	if row, ok := strings.CutSuffix(m.ID, "/"+string(ChannelEmail)); ok && row != "" {
		tags[TagRow] = tagValue.EncodeToString([]byte(row))
	}
	return tags
}

// ParseTags reads the buyer id and the outbox row ("<order>/<kind>/<seq>") back from a
// provider report's tags (SES mail.tags: each name with a list of values); "" for one that
// is missing or not encoded by Tags.
func ParseTags(tags map[string][]string) (buyerID, row string) {
	decode := func(name string) string {
		if len(tags[name]) != 1 {
			return ""
		}
		b, err := tagValue.DecodeString(tags[name][0])
		if err != nil {
			return ""
		}
		return string(b)
	}
	return decode(TagBuyer), decode(TagRow)
}
