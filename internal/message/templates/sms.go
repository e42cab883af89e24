package templates

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// SMS encodings, as Segments reports them.
const (
	EncodingGSM7 = "GSM-7"
	EncodingUCS2 = "UCS-2"
)

// Segment sizes (3GPP TS 23.038 / 23.040): a single message carries 140 octets; a part of a
// concatenated message loses 6 of them to the user data header.
const (
	gsm7SingleSeptets = 160
	gsm7PartSeptets   = 153
	ucs2SingleUnits   = 70
	ucs2PartUnits     = 67
)

// gsm7Basic is the GSM 03.38 default alphabet (one septet each), in table order. 0x1B (the
// escape to the extension table) is no character of its own and is left out.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsm7Extension is the GSM 03.38 extension table: each costs two septets (escape + code).
const gsm7Extension = "\f^{}\\[~]|€"

// gsm7Septets returns how many septets r takes in GSM-7, or 0 if GSM-7 cannot carry it.
func gsm7Septets(r rune) int {
	switch {
	case strings.ContainsRune(gsm7Basic, r):
		return 1
	case strings.ContainsRune(gsm7Extension, r):
		return 2
	}
	return 0
}

// Segments reports how text would be sent as an SMS: in GSM-7 when every character is in the
// GSM 03.38 default alphabet or its extension table, else in UCS-2; and how many segments
// that takes. GSM-7 carries 160 septets in a single message and 153 per part of a longer
// one, extension characters (€ [ ] { } ^ ~ \ | and form feed) costing two septets; UCS-2
// carries 70 UTF-16 code units, or 67 per part, a character outside the BMP (an emoji)
// costing two. Neither an escape pair nor a surrogate pair is split across parts, so a long
// message can need one part more than a plain division says. An empty text is one segment.
func Segments(text string) (encoding string, segments int) {
	gsm := true
	for _, r := range text {
		if gsm7Septets(r) == 0 {
			gsm = false
			break
		}
	}
	if gsm {
		return EncodingGSM7, countParts(text, gsm7Septets, gsm7SingleSeptets, gsm7PartSeptets)
	}
	return EncodingUCS2, countParts(text, utf16.RuneLen, ucs2SingleUnits, ucs2PartUnits)
}

// countParts packs text's characters, each of cost(r) units, into as few parts as fit: one
// if the total fits single, else parts of at most part units, no character split.
func countParts(text string, cost func(rune) int, single, part int) int {
	total := 0
	for _, r := range text {
		total += cost(r)
	}
	if total <= single {
		return 1
	}
	parts, used := 1, 0
	for _, r := range text {
		c := cost(r)
		if used+c > part {
			parts++
			used = 0
		}
		used += c
	}
	return parts
}

// oneLine puts s on one plain line, as an SMS needs: no line breaks or typographic spaces (a
// no-break space alone would force UCS-2 on an otherwise GSM-7 text), runs of spaces
// collapsed.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// smsSellerName is the seller's name as an SMS shows it: on one line and at most
// maxSMSSellerRunes characters, so that a long shop name cannot push a message past two
// segments.
func smsSellerName(name string) string {
	name = oneLine(name)
	if r := []rune(name); len(r) > maxSMSSellerRunes {
		name = strings.TrimSpace(string(r[:maxSMSSellerRunes]))
	}
	return name
}

// maxSMSSellerRunes bounds the seller name in an SMS.
const maxSMSSellerRunes = 30

// chooseSMS returns the SMS to send from candidates, the most informative first: with
// preferSingleGSM, the first that goes in one GSM-7 segment if any does (a reminder, sent
// most, is worth a shorter text at half the price; a UCS-2 single segment, 70 characters,
// would cost the order id almost always, so it is not aimed at); then the first that fits
// in maxSMSSegments; else the one with the fewest segments. candidates is never empty.
func chooseSMS(candidates []string, preferSingleGSM bool) (text, encoding string, segments int) {
	type option struct {
		text, encoding string
		segments       int
	}
	options := make([]option, len(candidates))
	for i, c := range candidates {
		enc, n := Segments(c)
		options[i] = option{c, enc, n}
	}
	if preferSingleGSM {
		for _, o := range options {
			if o.encoding == EncodingGSM7 && o.segments == 1 {
				return o.text, o.encoding, o.segments
			}
		}
	}
	best := options[0]
	for _, o := range options {
		if o.segments <= maxSMSSegments {
			return o.text, o.encoding, o.segments
		}
		if o.segments < best.segments {
			best = o
		}
	}
	return best.text, best.encoding, best.segments
}

// maxSMSSegments is the most segments a rendered SMS may take.
const maxSMSSegments = 2
