package fbjson

import (
	"errors"
	"strconv"

	"github.com/nipc/nipc/api"
)

// ParseError is JSON text the node's parser rejects, positioned as
// flatbuffers positions it: Line from 1; Col is the number of bytes from the
// start of the line to the parser's cursor, which is just after the token it
// was looking at when it failed (the look-ahead), or mid-token for errors
// inside a string or number.
type ParseError struct {
	Line, Col int
	Msg       string
}

// Error is flatbuffers' text "L: C: error: msg".
func (e *ParseError) Error() string {
	return strconv.Itoa(e.Line) + ": " + strconv.Itoa(e.Col) + ": error: " + e.Msg
}

// APIError is the error the node replies with: code 1,
// "Invalid message format: L: C: error: msg".
func (e *ParseError) APIError() *api.Error {
	return &api.Error{Code: api.CodeGeneric, Message: "Invalid message format: " + e.Error()}
}

// ErrNotRenderable is returned by Render for a verified buffer GenerateText
// cannot print: a string that is not UTF-8, a union value whose type is
// unknown or absent. The node replies "Couldn't serialize response to JSON".
var ErrNotRenderable = errors.New("fbjson: buffer cannot be rendered as JSON")

// ErrorLine is the node's hand-built one-line error reply for the JSON
// path, exactly
//
//	{"message_type": "Error", "message": {"code": 1, "message": "<text>"}}
//
// with no time, no correlation id and no trailing newline. Deviation: the
// node inserts text unescaped (so a quote in it breaks the JSON); nipc
// escapes '"', '\\' and control characters, and writes non-ASCII as \uXXXX,
// so the line is always valid, ASCII-only JSON.
func ErrorLine(text string) []byte {
	out := make([]byte, 0, 64+len(text))
	out = append(out, `{"message_type": "Error", "message": {"code": 1, "message": "`...)
	out = appendEscaped(out, text)
	return append(out, `"}}`...)
}

// ErrorReply is the one-line reply (ErrorLine) for an error of the JSON
// path: a *ParseError gives "Invalid message format: ...", an *api.Error
// its message, anything else "Unknown exception".
func ErrorReply(err error) []byte {
	if pe, ok := errors.AsType[*ParseError](err); ok {
		return ErrorLine(pe.APIError().Message)
	}
	return ErrorLine(api.AsError(err).Message)
}
