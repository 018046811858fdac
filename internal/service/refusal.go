package service

import (
	"time"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fbjson"
	"github.com/nipc/nipc/internal/ptree"
	"github.com/nipc/nipc/ipc"
)

// AppendRefusal appends the reply to a request in enc that is refused
// without being read: the node's legacy {"error": text} reply for
// encodings 1 and 2, an Error envelope (code, text; no correlation id) in
// binary for 3 and as JSON for 4. Transports that know no schema (the IPC
// server) have their refusals rendered here.
func AppendRefusal(dst []byte, enc ipc.Encoding, code int32, text string) []byte {
	if enc.Legacy() {
		return append(dst, ptree.ErrorReply(text)...)
	}
	env := api.ErrorEnvelope(&api.Error{Code: code, Message: text}, "", time.Now())
	if enc != ipc.EncodingFlatbuffers {
		// Rendered from the objects, as the dispatcher's replies: no
		// FlatBuffer is built for JSON.
		out, err := fbjson.AppendEnvelopeText(dst, env)
		if err != nil {
			return dst // an Error envelope always renders
		}
		return out
	}
	out, err := api.AppendEncode(dst, env)
	if err != nil {
		return dst // an Error envelope always encodes
	}
	return out
}
