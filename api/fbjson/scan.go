package fbjson

import (
	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// Bounds on what a request may cost once built (issue 11: no request grows
// the heap by more than four times its size). A JSON envelope is refused
// with api.ErrVerify, the node's reply to a buffer its verifier rejects,
// when the FlatBuffer it makes (with the parser's offset table) would take
// more than BuildFactor times the text plus api.DecodeSlack, or its Go
// objects more than api.DecodeLimit of the text; both are counted while
// parsing, before anything large is allocated.
const BuildFactor = 1.25

// onePass is the largest text parsed in one pass, building as it goes:
// below it the bounds are checked after the build, which costs at most a
// few times api.DecodeSlack. Larger texts are scanned first.
const onePass = api.DecodeSlack

// scanned counts what a parse would build (schema's cost model), and, in a
// scan, the envelope's header.
type scanned struct {
	tables       int
	build        uint64 // Builder bytes (schema.*Build)
	cost         uint64 // Go objects (schema.*Cost)
	elems, peak  uint64 // vector elements outstanding, and their peak
	typ          fb.Message
	hasMessage   bool
	creds, corr  string
	credSpan     [2]int // the credentials string token in the text
	haveCredSpan bool
}

func (s *scanned) str(n int) {
	s.build += schema.StringBuild(uint64(n))
	s.cost += schema.StringCost(uint64(n))
}

func (s *scanned) elem() {
	s.elems++
	s.peak = max(s.peak, s.elems)
}

func (s *scanned) vector(f *schema.Field, n int) {
	s.elems -= uint64(n)
	s.build += schema.VectorBuild(uint64(n))
	s.cost += schema.VectorCost(uint64(n), f.Elem)
}

func (s *scanned) table(t *schema.TableDef, fields int) {
	s.tables++
	s.build += t.TableBuild(uint64(fields))
	s.cost += t.Cost()
}

func (s *scanned) union() { s.cost += schema.UnionCost }

// header notes a string field of the root table, whose token is
// src[start:end]: where credentials is, and, in a scan (keep), the values
// of credentials and correlation_id.
func (s *scanned) header(f *schema.Field, text []byte, start, end int, keep bool) {
	switch f.Name {
	case "credentials":
		s.credSpan, s.haveCredSpan = [2]int{start, end}, true
		if keep {
			s.creds = string(text)
		}
	case "correlation_id":
		if keep {
			s.corr = string(text)
		}
	}
}

// within checks the bounds for a text of n bytes.
func (s *scanned) within(n int) error {
	build := s.build + schema.FinishBuild + 4*s.peak
	if s.tables > api.MaxTables || build > uint64(BuildFactor*float64(n))+api.DecodeSlack || s.cost > api.DecodeLimit(n) {
		return api.ErrVerify
	}
	return nil
}

// Request is a JSON envelope that parses and is within the bounds: its
// header is known, its message is built on demand.
type Request struct {
	text []byte
	opts Options
	sc   scanned
	env  *fb.EnvelopeT // built already (small texts), or by Envelope
}

// Scan checks text as Parse does, failing with the same *ParseError, then
// with api.ErrVerify when the bounds (BuildFactor, api.DecodeLimit) or the
// verifier's table limit would be passed, all without building anything
// for a text above 64 KiB: a request refused afterwards (unknown type,
// access denied) has cost no more than this scan. The Request keeps text.
func Scan(text []byte, opts Options) (*Request, error) {
	return scan(text, opts, onePass)
}

// scan is Scan with the one-pass threshold given (tests scan small texts).
func scan(text []byte, opts Options, onePass int) (req *Request, err error) {
	p := parsers.Get().(*parser)
	defer func() {
		if recover() != nil {
			req, err = nil, api.ErrUnknownException
			return // and drop p
		}
		p.release()
	}()
	p.reset(text, opts)
	if len(text) <= onePass {
		p.objs = true
		blk := new(requestBlock)
		p.block = blk
		if err := p.document(); err != nil {
			return nil, err
		}
		if err := p.sc.within(len(text)); err != nil {
			return nil, err
		}
		blk.req = Request{text: text, opts: opts, env: &blk.env, sc: scanned{credSpan: p.sc.credSpan, haveCredSpan: p.sc.haveCredSpan}}
		return &blk.req, nil
	}
	p.dry = true
	if err := p.document(); err != nil {
		return nil, err
	}
	if err := p.sc.within(len(text)); err != nil {
		return nil, err
	}
	return &Request{text: text, opts: opts, sc: p.sc}, nil
}

// Header is the envelope's header (time is not read from JSON requests).
func (r *Request) Header() api.Header {
	if r.env != nil {
		return api.HeaderOf(r.env)
	}
	return api.Header{Credentials: r.sc.creds, CorrelationID: r.sc.corr, Type: r.sc.typ, HasMessage: r.sc.hasMessage}
}

// CredentialsSpan is where the credentials string token (quotes included)
// is in the text: text[start:end] is that token; ok is false when the text
// sets no credentials (or sets them to null).
func (r *Request) CredentialsSpan() (start, end int, ok bool) {
	return r.sc.credSpan[0], r.sc.credSpan[1], r.sc.haveCredSpan
}

// Envelope builds the whole envelope's Go objects, within the bounds Scan
// checked (no FlatBuffer is built: the objects are made as the text is
// parsed again).
func (r *Request) Envelope() (env *fb.EnvelopeT, err error) {
	if r.env != nil {
		return r.env, nil
	}
	p := parsers.Get().(*parser)
	defer func() {
		if recover() != nil {
			env, err = nil, api.ErrUnknownException
			return // and drop p
		}
		p.release()
	}()
	p.reset(r.text, r.opts)
	p.objs = true
	if err := p.document(); err != nil {
		return nil, err
	}
	return p.root.Interface().(*fb.EnvelopeT), nil
}
