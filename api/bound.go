package api

import (
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// Decoding bounds (issue 11: a request must not grow the heap by more than
// four times its size). Decoding materialises Go objects (a []string of
// one-byte accounts costs 16 bytes per 4-byte element), so what Decode may
// allocate is capped relative to the input: DecodeFactor times its length,
// plus DecodeSlack so that every small request passes. The estimate is the
// one schema.Cost describes, computed by the verifier without allocating.
const (
	DecodeFactor = 1.5
	DecodeSlack  = 64 << 10
)

// DecodeLimit is the allowance for the Go objects of an input of n bytes.
func DecodeLimit(n int) uint64 { return uint64(DecodeFactor*float64(n)) + DecodeSlack }

// Header is what an Envelope says besides its message: enough to route and
// authorize a request before its message is unpacked.
type Header struct {
	Time          uint64
	Credentials   string
	CorrelationID string
	// Type is message_type as sent (NONE when absent), even for ids this
	// schema does not know.
	Type fb.Message
	// HasMessage reports a message table for a known Type.
	HasMessage bool
}

// HeaderOf is the header of an envelope already built.
func HeaderOf(env *fb.EnvelopeT) Header {
	h := Header{Time: env.Time, Credentials: env.Credentials, CorrelationID: env.CorrelationId}
	if m := env.Message; m != nil {
		h.Type, h.HasMessage = m.Type, m.Value != nil
	}
	return h
}

// Opened is a verified binary Envelope, unpacked on demand.
type Opened struct {
	buf []byte
	hdr Header
	env *fb.EnvelopeT // unpacked already (small buffers), or by Envelope
}

// OpenWithin verifies buf as Decode does, with limit the allowance for its
// Go objects (ErrVerify past it), and reads its header. A buffer of up to
// DecodeSlack bytes is unpacked at once (its header taken from the result,
// as cheap as Decode); a larger one allocates only the credentials and
// correlation id strings until Envelope is called.
func OpenWithin(buf []byte, limit uint64) (*Opened, error) {
	if _, ok := verifyCost(buf, schema.Nano.Root, limit); !ok {
		return nil, ErrVerify
	}
	if len(buf) <= DecodeSlack {
		env, err := unpackSafe(buf)
		if err != nil {
			return nil, err
		}
		return &Opened{env: env, hdr: HeaderOf(env)}, nil
	}
	o := &Opened{buf: buf}
	b := schema.Buf(buf)
	root := b.Deref(0)
	h := &o.hdr
	var tag uint8
	for _, f := range schema.Nano.Root.Fields {
		at := b.FieldPos(root, f)
		if at == 0 {
			continue
		}
		switch {
		case f.Name == "time":
			h.Time = b.U64(at)
		case f.Name == "credentials":
			h.Credentials = string(b.Bytes(b.Deref(at)))
		case f.Name == "correlation_id":
			h.CorrelationID = string(b.Bytes(b.Deref(at)))
		case f.Kind == schema.UnionType:
			tag = b.U8(at)
		case f.Kind == schema.Union:
			h.HasMessage = f.Enum.ByValue(int64(tag), true) != nil
		}
	}
	h.Type = fb.Message(tag)
	return o, nil
}

// Header is the envelope's header.
func (o *Opened) Header() Header { return o.hdr }

// Envelope unpacks the whole envelope (Decode's result).
func (o *Opened) Envelope() (*fb.EnvelopeT, error) {
	if o.env != nil {
		return o.env, nil
	}
	return unpackSafe(o.buf)
}
