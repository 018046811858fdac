package fbjson

import (
	"strconv"
	"unicode/utf8"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// Render prints a binary Envelope as flatbuffers' GenerateText does with the
// node's options (strict_json, indent 2, enum identifiers, no defaults, no
// natural UTF-8): fields present in the buffer only, in schema order, a
// union's type just before its value, enums and union types as quoted names
// (unknown values as numbers), integers as bare numbers, an empty table as
// "{\n<indent>}", a trailing newline; strings escape '"', '\\', \b \f \n
// \r \t, other control characters and all non-ASCII as \uXXXX (uppercase
// hex, surrogate pairs above U+FFFF), and leave '/' alone, so the output is
// ASCII. buf is verified first (api.ErrVerify); a verified buffer that cannot
// be printed is ErrNotRenderable.
func Render(buf []byte) ([]byte, error) {
	if err := api.Verify(buf); err != nil {
		return nil, err
	}
	return renderVerified(buf)
}

// RenderEnvelope is api.Encode then Render.
func RenderEnvelope(env *fb.EnvelopeT) ([]byte, error) {
	buf, err := api.Encode(env)
	if err != nil {
		return nil, err
	}
	return renderVerified(buf)
}

func renderVerified(buf []byte) (out []byte, err error) {
	defer func() {
		if recover() != nil { // unreachable for verified buffers; belt and braces
			out, err = nil, ErrNotRenderable
		}
	}()
	r := renderer{b: schema.Buf(buf), out: make([]byte, 0, 64+2*len(buf))}
	if !r.table(schema.Nano.Root, uint64(r.b.U32(0)), 0) {
		return nil, ErrNotRenderable
	}
	return append(r.out, '\n'), nil
}

type renderer struct {
	b   schema.Buf
	out []byte
}

func (r *renderer) indent(n int) {
	for ; n > 0; n-- {
		r.out = append(r.out, ' ')
	}
}

// table is GenStruct.
func (r *renderer) table(t *schema.TableDef, pos uint64, indent int) bool {
	r.out = append(r.out, '{')
	n := 0
	elemIndent := indent + 2
	var prev *schema.Field // the last field printed (GenerateText's prev_val)
	var prevPos uint64
	for _, f := range t.Fields {
		fp := r.b.FieldPos(pos, f)
		if fp == 0 {
			continue
		}
		r.key(n, f.Name, elemIndent)
		n++
		switch f.Kind {
		case schema.Bool:
			if r.b.U8(fp) != 0 {
				r.out = append(r.out, "true"...)
			} else {
				r.out = append(r.out, "false"...)
			}
		case schema.Int8:
			r.enum(f.Enum, int64(int8(r.b.U8(fp))))
		case schema.Uint8, schema.UnionType:
			r.enum(f.Enum, int64(r.b.U8(fp)))
		case schema.Int32:
			r.out = strconv.AppendInt(r.out, int64(int32(r.b.U32(fp))), 10)
		case schema.Uint64:
			r.out = strconv.AppendUint(r.out, r.b.U64(fp), 10)
		case schema.String:
			if !r.str(r.b.Deref(fp)) {
				return false
			}
		case schema.Table:
			if !r.table(f.Table, r.b.Deref(fp), elemIndent) {
				return false
			}
		case schema.Vector:
			if !r.vector(f, r.b.Deref(fp), elemIndent) {
				return false
			}
		case schema.Union:
			// The type is read from the field printed just before; if that is
			// not this union's type, or names no table, there is no text.
			if prev != f.Pair {
				return false
			}
			ev := f.Enum.ByValue(int64(r.b.U8(prevPos)), true)
			if ev == nil || !r.table(ev.Table, r.b.Deref(fp), elemIndent) {
				return false
			}
		}
		prev, prevPos = f, fp
	}
	r.end('}', indent)
	return true
}

// key begins the n-th field printed in a table (from 0): the comma after
// the one before, a new line, the indent and the quoted name.
func (r *renderer) key(n int, name string, indent int) {
	if n > 0 {
		r.out = append(r.out, ',')
	}
	r.out = append(r.out, '\n')
	r.indent(indent)
	r.out = append(r.out, '"')
	r.out = append(r.out, name...)
	r.out = append(r.out, `": `...)
}

// end closes a table or vector: a new line, the indent and c.
func (r *renderer) end(c byte, indent int) {
	r.out = append(r.out, '\n')
	r.indent(indent)
	r.out = append(r.out, c)
}

func (r *renderer) enum(e *schema.Enum, v int64) {
	if e != nil {
		if ev := e.ByValue(v, false); ev != nil {
			r.out = append(r.out, '"')
			r.out = append(r.out, ev.Name...)
			r.out = append(r.out, '"')
			return
		}
	}
	r.out = strconv.AppendInt(r.out, v, 10)
}

func (r *renderer) vector(f *schema.Field, pos uint64, indent int) bool {
	n := uint64(r.b.U32(pos))
	r.out = append(r.out, "[\n"...)
	for i := uint64(0); i < n; i++ {
		if i > 0 {
			r.out = append(r.out, ",\n"...)
		}
		r.indent(indent + 2)
		el := r.b.Deref(pos + 4 + 4*i)
		if f.Elem == schema.String && !r.str(el) || f.Elem == schema.Table && !r.table(f.Table, el, indent+2) {
			return false
		}
	}
	r.end(']', indent)
	return true
}

func (r *renderer) str(pos uint64) bool { return r.quoted(string(r.b.Bytes(pos))) }

// quoted appends s as a JSON string, escaped as flatbuffers escapes it;
// false, appending nothing, when s is not UTF-8.
func (r *renderer) quoted(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	r.out = append(r.out, '"')
	r.out = appendEscaped(r.out, s)
	r.out = append(r.out, '"')
	return true
}

const hexDigits = "0123456789ABCDEF"

func appendU(out []byte, r rune) []byte {
	return append(out, '\\', 'u', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendEscaped is flatbuffers' EscapeString with natural_utf8 off. Invalid
// UTF-8 (Render rules it out first; ErrorLine may see it) becomes \uFFFD.
func appendEscaped(out []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\n':
			out = append(out, `\n`...)
		case '\t':
			out = append(out, `\t`...)
		case '\r':
			out = append(out, `\r`...)
		case '\b':
			out = append(out, `\b`...)
		case '\f':
			out = append(out, `\f`...)
		case '"':
			out = append(out, `\"`...)
		case '\\':
			out = append(out, `\\`...)
		default:
			if c >= ' ' && c <= '~' {
				out = append(out, c)
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				out = appendU(out, utf8.RuneError)
				continue
			}
			if r <= 0xFFFF {
				out = appendU(out, r)
			} else {
				r -= 0x10000
				out = appendU(out, 0xD800+r>>10)
				out = appendU(out, 0xDC00+r&0x3FF)
			}
			i += size - 1
		}
	}
	return out
}
