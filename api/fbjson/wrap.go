package fbjson

import "unicode/utf8"

// The headers that carry a message-only request's credentials and
// correlation id (HTTP POST /api/v2/<Name>, NATS P.api.v2.<Name>), the
// values AppendEnvelope puts into its envelope.
const (
	HeaderAPIKey        = "Nano-Api-Key"
	HeaderCorrelationID = "Nano-Correlation-Id"
)

// AppendEnvelope appends the envelope of a message given by its name and
// its JSON body, laid out byte for byte as the node's gateway lays out
// /api/v2/<Name>'s (so parse errors point at the same columns):
//
//	{"credentials": K, "correlation_id": C, "message_type": "N", "message": BODY}
//
// leaving out credentials and correlation_id when empty. Unlike the node it
// JSON-escapes the header values and the name (AppendQuoted), so that a '"'
// in them stays data instead of adding fields to the envelope. body is
// copied as it is: the parser judges it.
func AppendEnvelope(dst []byte, credentials, correlationID, name string, body []byte) []byte {
	dst = append(dst, '{')
	if credentials != "" {
		dst = append(dst, `"credentials": `...)
		dst = AppendQuoted(dst, credentials)
		dst = append(dst, ", "...)
	}
	if correlationID != "" {
		dst = append(dst, `"correlation_id": `...)
		dst = AppendQuoted(dst, correlationID)
		dst = append(dst, ", "...)
	}
	dst = append(dst, `"message_type": `...)
	dst = AppendQuoted(dst, name)
	dst = append(dst, `, "message": `...)
	dst = append(dst, body...)
	return append(dst, '}')
}

// AppendQuoted appends s as a JSON string: '"' and '\' escaped, control
// characters and DEL as \u00XX, invalid UTF-8 bytes as \u00XX of their
// value (the envelope parser refuses raw invalid UTF-8), everything else as
// is.
func AppendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
			i++
		case c < 0x20 || c == 0x7f:
			dst = appendU(dst, rune(c))
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = appendU(dst, rune(c))
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
		}
	}
	return append(dst, '"')
}
