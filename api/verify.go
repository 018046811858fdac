package api

import "github.com/nipc/nipc/api/internal/schema"

// Verifier limits: the C++ flatbuffers::Verifier defaults the node runs with.
const (
	MaxDepth  = 64        // nested tables
	MaxTables = 1_000_000 // tables visited in one buffer
	minBuffer = 12        // FLATBUFFERS_MIN_BUFFER_SIZE
)

// Verify checks that buf is a well-formed Envelope of api/nanoapi.fbs, with
// the checks of the C++ flatbuffers::Verifier (v23.3.3) over the node's
// generated Verify functions: every uoffset, vtable, scalar, string
// (length, bytes and NUL terminator), vector (length times element size,
// no overflow) and nested table lies inside the buffer and is aligned as the
// C++ verifier requires; union values are checked against their type's table
// (an unknown type passes, as in C++); required fields are present; nesting
// is at most MaxDepth and at most MaxTables tables are visited. It returns
// nil or ErrVerify. Verify never panics and does not retain buf.
func Verify(buf []byte) error {
	if _, ok := verifyCost(buf, schema.Nano.Root, ^uint64(0)); !ok {
		return ErrVerify
	}
	return nil
}

func verifyRoot(buf []byte, root *schema.TableDef) bool {
	_, ok := verifyCost(buf, root, ^uint64(0))
	return ok
}

// verifyCost verifies buf and adds up what its Go objects cost
// (schema.Cost); it fails as soon as that passes limit.
func verifyCost(buf []byte, root *schema.TableDef, limit uint64) (uint64, bool) {
	n := uint64(len(buf))
	if n < minBuffer || n >= schema.MaxBufferSize {
		return 0, false
	}
	v := verifier{b: buf, size: n, limit: limit}
	t, ok := v.offset(0)
	return v.cost, ok && v.table(root, t)
}

type verifier struct {
	b      schema.Buf
	size   uint64
	depth  int
	tables int
	// cost is what the Go objects of the tables visited so far take; the
	// walk fails once it passes limit.
	cost, limit uint64
}

// spend adds c to the cost and reports whether it is still within limit.
func (v *verifier) spend(c uint64) bool {
	v.cost += c // c < 2^40 and the walk stops at limit: no overflow
	return v.cost <= v.limit
}

// in is Verifier::Verify(elem, len): [elem, elem+len) inside the buffer
// (len strictly smaller than the buffer, as in C++).
func (v *verifier) in(elem, n uint64) bool { return n < v.size && elem <= v.size-n }

// scalar is Verifier::Verify<T>: aligned to its size and inside.
func (v *verifier) scalar(elem, size uint64) bool { return elem&(size-1) == 0 && v.in(elem, size) }

// offset is Verifier::VerifyOffset: the uoffset at pos is aligned, inside,
// non-zero, non-negative as a soffset and points inside the buffer. It
// returns the position pointed to.
func (v *verifier) offset(pos uint64) (uint64, bool) {
	if !v.scalar(pos, 4) {
		return 0, false
	}
	o := uint64(v.b.U32(pos))
	if o == 0 || int32(o) < 0 || !v.in(pos+o, 1) {
		return 0, false
	}
	return pos + o, true
}

// vecOrString is Verifier::VerifyVectorOrString: the length prefix is
// aligned and inside, length*elem cannot overflow, the elements are inside.
// It returns the length and the position just past the last element.
func (v *verifier) vecOrString(pos, elem uint64) (n, end uint64, ok bool) {
	if !v.scalar(pos, 4) {
		return 0, 0, false
	}
	n = uint64(v.b.U32(pos))
	if n >= schema.MaxBufferSize/elem {
		return 0, 0, false
	}
	size := 4 + elem*n
	return n, pos + size, v.in(pos, size)
}

// str is Verifier::VerifyString: a byte vector followed by a NUL inside the
// buffer.
func (v *verifier) str(pos uint64) bool {
	n, end, ok := v.vecOrString(pos, 1)
	return ok && v.in(end, 1) && v.b[end] == 0 && v.spend(schema.StringCost(n))
}

// table is T::Verify for table t at pos: VerifyTableStart, then every field.
func (v *verifier) table(t *schema.TableDef, pos uint64) bool {
	if !v.scalar(pos, 4) {
		return false
	}
	// The vtable is at pos - soffset, computed unsigned as C++ does.
	vt := pos - uint64(int64(int32(v.b.U32(pos))))
	v.depth++
	v.tables++
	if v.depth > MaxDepth || v.tables > MaxTables || !v.scalar(vt, 2) || !v.spend(t.Cost()) {
		return false
	}
	vsize := uint64(v.b.U16(vt))
	if vsize&1 != 0 || !v.in(vt, vsize) {
		return false
	}
	var tag uint8 // the last union type read; it sits in the slot before its union
	for _, f := range t.Fields {
		if f.Kind == schema.UnionType {
			tag = 0
		}
		var fo uint64
		if vo := uint64(f.VOffset()); vo < vsize {
			fo = uint64(v.b.U16(vt + vo))
		}
		if fo == 0 {
			if f.Required {
				return false
			}
			continue
		}
		at := pos + fo
		switch f.Kind {
		case schema.Bool, schema.Int8, schema.Uint8:
			if !v.scalar(at, 1) {
				return false
			}
		case schema.UnionType:
			if !v.scalar(at, 1) {
				return false
			}
			tag = v.b.U8(at)
		case schema.Int32:
			if !v.scalar(at, 4) {
				return false
			}
		case schema.Uint64:
			if !v.scalar(at, 8) {
				return false
			}
		case schema.String:
			p, ok := v.offset(at)
			if !ok || !v.str(p) {
				return false
			}
		case schema.Table:
			p, ok := v.offset(at)
			if !ok || !v.table(f.Table, p) {
				return false
			}
		case schema.Vector:
			p, ok := v.offset(at)
			if !ok {
				return false
			}
			n, _, ok := v.vecOrString(p, 4)
			if !ok || !v.spend(schema.VectorCost(n, f.Elem)) {
				return false
			}
			// Elements are followed without VerifyOffset, as the C++
			// VerifyVectorOfStrings / VerifyVectorOfTables do.
			for i := uint64(0); i < n; i++ {
				e := p + 4 + 4*i
				target := e + uint64(v.b.U32(e))
				if f.Elem == schema.String && !v.str(target) ||
					f.Elem == schema.Table && !v.table(f.Table, target) {
					return false
				}
			}
		case schema.Union:
			p, ok := v.offset(at)
			if !ok {
				return false
			}
			// NONE and unknown types pass, whatever the offset points at.
			if ev := f.Enum.ByValue(int64(tag), true); ev != nil && (!v.spend(schema.UnionCost) || !v.table(ev.Table, p)) {
				return false
			}
		default:
			return false
		}
	}
	v.depth--
	return true
}
