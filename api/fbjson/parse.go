package fbjson

import (
	"reflect"
	"strconv"
	"sync"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// Options are the parser settings the node takes from its config.
type Options struct {
	// RejectUnknownFields makes a field the schema does not know an error
	// ("unknown field: foo"), like [node.ipc.flatbuffers]
	// skip_unexpected_fields_in_json = false. By default such fields are
	// skipped, values and all.
	RejectUnknownFields bool
}

// maxDepth is FLATBUFFERS_MAX_PARSING_DEPTH.
const maxDepth = 64

// Parse parses the JSON text of an Envelope into a finished binary
// FlatBuffer, accepting exactly what the node's flatbuffers v23.3.3 parser
// accepts (strict_json) and failing with its error (a *ParseError) otherwise.
// The result passes api.Verify unless it holds over api.MaxTables tables.
// Parse does not panic: an internal failure is api.ErrUnknownException.
func Parse(text []byte, opts Options) (buf []byte, err error) {
	p := parsers.Get().(*parser)
	defer func() {
		if recover() != nil {
			buf, err = nil, api.ErrUnknownException
			return // and drop p
		}
		p.release()
	}()
	p.reset(text, opts)
	if err := p.document(); err != nil {
		return nil, err
	}
	return append([]byte(nil), p.b.FinishedBytes()...), nil
}

// ParseEnvelope is Parse then api.Decode, within the bounds of Scan: it is
// Scan then Request.Envelope.
func ParseEnvelope(text []byte, opts Options) (*fb.EnvelopeT, error) {
	r, err := Scan(text, opts)
	if err != nil {
		return nil, err
	}
	return r.Envelope()
}

// release returns p to the pool unless it grew large.
func (p *parser) release() {
	p.src = nil // do not keep the caller's text alive
	p.root, p.block = reflect.Value{}, nil
	clear(p.stack[:cap(p.stack)]) // do not keep the last parse's objects alive
	if cap(p.b.Bytes) <= 1<<20 && cap(p.attr) <= 1<<20 && cap(p.elems) <= 1<<18 && cap(p.stack) <= 1<<12 &&
		cap(p.strs) <= 1<<16 && cap(p.tabs) <= 1<<16 {
		parsers.Put(p)
	}
}

var parsers = sync.Pool{New: func() any { return &parser{b: flatbuffers.NewBuilder(512)} }}

// entry is a parsed field of a table under construction (flatbuffers'
// field_stack_): an offset, or a scalar's constant text in consts.
type entry struct {
	f *schema.Field
	built
	cs, ce int
	tag    uint8 // a union value's type
}

type parser struct {
	lexer
	opts  Options
	depth int
	// dry is a scan: every check of a build, nothing built (see scan.go).
	dry bool
	// objs builds the Go objects instead of the FlatBuffer (objects.go),
	// with strs and tabs the elements of the vectors being parsed.
	objs   bool
	strs   []string
	tabs   []reflect.Value
	sc     scanned
	b      *flatbuffers.Builder
	stack  []entry
	consts []byte
	elems  []flatbuffers.UOffsetT
	name   []byte
	root   reflect.Value // the *fb.EnvelopeT built (objs)
	block  *requestBlock // where the root's objects go (objs)
}

func (p *parser) reset(text []byte, opts Options) {
	p.lexer = lexer{src: text, line: 1, attr: p.attr[:0]}
	p.opts = opts
	p.depth = 0
	p.dry, p.objs, p.sc = false, false, scanned{}
	p.b.Reset()
	p.stack, p.consts, p.elems = p.stack[:0], p.consts[:0], p.elems[:0]
	p.strs, p.tabs = p.strs[:0], p.tabs[:0]
}

func (p *parser) document() error {
	if err := p.skipBOM(); err != nil {
		return err
	}
	if err := p.next(); err != nil {
		return err
	}
	if p.tok == tokEOF {
		return p.error("input file is empty")
	}
	if p.tok != '{' {
		// The node hands anything else to its schema (IDL) parser; nipc
		// does not interpret schema statements from clients.
		return p.error("declaration expected")
	}
	root, err := p.table(schema.Nano.Root)
	if err != nil {
		return err
	}
	if p.objs {
		p.root = root.v
	} else if !p.dry {
		p.b.Finish(root.off)
	}
	return p.expect(tokEOF)
}

// enter is ParseDepthGuard: count a level, fail past maxDepth.
func (p *parser) enter() error {
	p.depth++
	if p.depth-1 >= maxDepth {
		return p.error("maximum parsing depth " + strconv.Itoa(p.depth) + " reached")
	}
	return nil
}

// delimited is ParseTableDelimiters: an object {"k": v, ...} or, for a
// table, the array form [v, ...] giving every field in order. body is called
// after each key and colon; it bumps *fieldn when it keeps a field.
func (p *parser) delimited(t *schema.TableDef, fieldn *int, body func(name []byte) error) error {
	terminator := '}'
	nested := t != nil && p.tok == '['
	if nested {
		if err := p.next(); err != nil {
			return err
		}
		terminator = ']'
	} else if err := p.expect('{'); err != nil {
		return err
	}
	for {
		if *fieldn == 0 && p.tok == int(terminator) {
			break
		}
		var name []byte
		if nested {
			if *fieldn >= len(t.Fields) {
				return p.error("too many unnamed fields in nested array")
			}
			name = append(p.name[:0], t.Fields[*fieldn].Name...)
		} else {
			name = append(p.name[:0], p.attr...)
			if p.tok == tokString {
				if err := p.next(); err != nil {
					return err
				}
			} else if err := p.expect(tokString); err != nil {
				return err
			}
			if err := p.expect(':'); err != nil {
				return err
			}
		}
		p.name = name
		if err := body(name); err != nil {
			return err
		}
		if p.tok == int(terminator) {
			break
		}
		if err := p.expect(','); err != nil {
			return err
		}
	}
	if err := p.next(); err != nil {
		return err
	}
	if nested && *fieldn != len(t.Fields) {
		return p.error("wrong number of unnamed fields in table vector")
	}
	return nil
}

// table is ParseTable: parse, check required fields, then build.
func (p *parser) table(t *schema.TableDef) (built, error) {
	defer func() { p.depth-- }()
	if err := p.enter(); err != nil {
		return built{}, err
	}
	fieldn := 0
	cs0 := len(p.consts)
	err := p.delimited(t, &fieldn, func(name []byte) error {
		if string(name) == "$schema" {
			return p.expect(tokString)
		}
		f := t.Field(string(name))
		if f == nil {
			if p.opts.RejectUnknownFields {
				return p.error("unknown field: " + string(name))
			}
			return p.skip()
		}
		if p.isIdent("null") && !f.Kind.Scalar() {
			return p.next() // null for a non-scalar is absent
		}
		if p.depth == 1 && f.Kind == schema.String && p.tok == tokString {
			p.sc.header(f, p.attr, p.start, p.cursor, p.dry)
		}
		e, err := p.value(t, f, fieldn)
		if err != nil {
			return err
		}
		// Keep this table's entries sorted by slot; refuse duplicates.
		i := len(p.stack)
		for ; i > len(p.stack)-fieldn; i-- {
			ex := p.stack[i-1].f
			if ex == f {
				return p.error("field set more than once: " + f.Name)
			}
			if ex.Slot < f.Slot {
				break
			}
		}
		p.stack = append(p.stack, entry{})
		copy(p.stack[i+1:], p.stack[i:])
		p.stack[i] = e
		fieldn++
		return nil
	})
	if err != nil {
		return built{}, err
	}
	entries := p.stack[len(p.stack)-fieldn:]
	for _, f := range t.Fields {
		if !f.Required {
			continue
		}
		found := false
		for _, e := range entries {
			found = found || e.f == f
		}
		if !found {
			return built{}, p.error("required field is missing: " + f.Name + " in " + t.Name)
		}
	}
	b := p.b
	p.sc.table(t, fieldn)
	var plan *objPlan
	var obj reflect.Value
	switch {
	case p.objs:
		plan = objPlans[t]
		obj = p.newObject(t, plan)
	case !p.dry:
		b.StartObject(len(t.Fields))
	}
	for _, size := range [...]int{8, 4, 2, 1} {
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			f := e.f
			if f.Kind.Size() != size {
				continue
			}
			if !f.Kind.Scalar() {
				switch {
				case p.dry:
					p.sc.hasMessage = p.sc.hasMessage || p.depth == 1 && f.Kind == schema.Union
				case p.objs:
					p.setObject(obj, plan, e)
				default:
					b.PrependUOffsetTSlot(f.Slot, e.off, 0)
				}
				continue
			}
			v, msg := atot(f.Kind, p.consts[e.cs:e.ce])
			if msg != "" {
				return built{}, p.error(msg)
			}
			if p.dry {
				if p.depth == 1 && f.Kind == schema.UnionType {
					p.sc.typ = fb.Message(v)
				}
				continue
			}
			if p.objs {
				if f.Kind != schema.UnionType {
					setScalar(obj, plan, f.Slot, f, v)
				} else if t == schema.Nano.Root && uint8(v) != 0 && obj.Field(plan.idx[f.Pair.Slot]).IsNil() {
					p.setUnion(obj, plan, f.Pair.Slot, uint8(v), reflect.Value{})
				}
				continue
			}
			switch f.Kind {
			case schema.Bool: // the byte as given (2 stays 2), as flatbuffers does
				b.PrependUint8Slot(f.Slot, uint8(v), uint8(f.Default))
			case schema.Int8:
				b.PrependInt8Slot(f.Slot, int8(v), int8(f.Default))
			case schema.Uint8, schema.UnionType:
				b.PrependUint8Slot(f.Slot, uint8(v), uint8(f.Default))
			case schema.Int32:
				b.PrependInt32Slot(f.Slot, int32(v), int32(f.Default))
			case schema.Uint64:
				b.PrependUint64Slot(f.Slot, v, uint64(f.Default))
			}
		}
	}
	p.stack = p.stack[:len(p.stack)-fieldn]
	p.consts = p.consts[:cs0] // this table's constants are written
	switch {
	case p.dry:
		return built{}, nil
	case p.objs:
		return built{v: obj.Addr()}, nil
	}
	return built{off: b.EndObject()}, nil
}

// setObject sets obj's field for the non-scalar entry e (objs).
func (p *parser) setObject(obj reflect.Value, plan *objPlan, e entry) {
	f := e.f
	switch f.Kind {
	case schema.String:
		obj.Field(plan.idx[f.Slot]).SetString(e.s)
	case schema.Union:
		p.setUnion(obj, plan, f.Slot, e.tag, e.v)
	default: // a table, a vector
		obj.Field(plan.idx[f.Slot]).Set(e.v)
	}
}

// value is ParseAnyValue for field f of table t, fieldn fields parsed so far.
func (p *parser) value(t *schema.TableDef, f *schema.Field, fieldn int) (entry, error) {
	switch f.Kind {
	case schema.Union:
		return p.union(t, f, fieldn)
	case schema.Table:
		v, err := p.table(f.Table)
		return entry{f: f, built: v}, err
	case schema.String:
		v, err := p.string()
		return entry{f: f, built: v}, err
	case schema.Vector:
		v, err := p.vector(t, f)
		return entry{f: f, built: v}, err
	}
	cs := len(p.consts)
	if err := p.single(f); err != nil {
		return entry{}, err
	}
	return entry{f: f, cs: cs, ce: len(p.consts)}, nil
}

func (p *parser) string() (built, error) {
	if p.tok != tokString {
		return built{}, p.expect(tokString)
	}
	p.sc.str(len(p.attr))
	switch {
	case p.dry:
		return built{}, p.next()
	case p.objs:
		s := string(p.attr)
		return built{s: s}, p.next()
	}
	off := p.b.CreateByteString(p.attr)
	return built{off: off}, p.next()
}

// vector parses vector field f of table t.
func (p *parser) vector(t *schema.TableDef, f *schema.Field) (built, error) {
	if err := p.expect('['); err != nil {
		return built{}, err
	}
	base := len(p.elems)
	count := 0
	for {
		if count == 0 && p.tok == ']' {
			break
		}
		var el built
		var err error
		if f.Elem == schema.String {
			el, err = p.string()
		} else {
			el, err = p.table(f.Table)
		}
		if err != nil {
			return built{}, err
		}
		p.sc.elem()
		switch {
		case p.dry:
		case !p.objs:
			p.elems = append(p.elems, el.off)
		case f.Elem == schema.String:
			p.strs = append(p.strs, el.s)
		default:
			p.tabs = append(p.tabs, el.v)
		}
		count++
		if p.tok == ']' {
			break
		}
		if err := p.expect(','); err != nil {
			return built{}, err
		}
	}
	if err := p.next(); err != nil {
		return built{}, err
	}
	p.sc.vector(f, count)
	switch {
	case p.dry:
		return built{}, nil
	case p.objs:
		return built{v: p.objVector(objPlans[t], f, count)}, nil
	}
	p.b.StartVector(4, count, 4)
	for i := count - 1; i >= 0; i-- {
		p.b.PrependUOffsetT(p.elems[base+i])
	}
	p.elems = p.elems[:base]
	return built{off: p.b.EndVector(count)}, nil
}

// union parses a union value: its type must already be in this table, or
// be the very next key after the value (one key of look-ahead).
func (p *parser) union(t *schema.TableDef, f *schema.Field, fieldn int) (entry, error) {
	var constant []byte
	found := false
	for i := len(p.stack) - 1; i >= len(p.stack)-fieldn; i-- {
		if e := p.stack[i]; e.f.Kind == schema.UnionType && e.f.Enum == f.Enum {
			constant, found = p.consts[e.cs:e.ce], true
			break
		}
	}
	if !found {
		typeName := f.Name + "_type"
		typeField := t.Field(typeName)
		backup := p.save()
		if err := p.skip(); err != nil {
			return entry{}, err
		}
		if err := p.expect(','); err != nil {
			return entry{}, err
		}
		next := string(p.attr)
		if p.tok == tokString {
			if err := p.next(); err != nil {
				return entry{}, err
			}
		} else if err := p.expect(tokIdent); err != nil {
			return entry{}, err
		}
		if next == typeName {
			if err := p.expect(':'); err != nil {
				return entry{}, err
			}
			err := p.enter()
			cs := len(p.consts)
			if err == nil {
				err = p.single(typeField)
			}
			p.depth--
			if err != nil {
				return entry{}, err
			}
			constant, found = append([]byte(nil), p.consts[cs:]...), true
			p.consts = p.consts[:cs]
			p.restore(backup)
		}
	}
	if !found {
		return entry{}, p.error("missing type field for this union value: " + f.Name)
	}
	tag, msg := atot(schema.Uint8, constant)
	if msg != "" {
		return entry{}, p.error(msg)
	}
	ev := f.Enum.ByValue(int64(tag), true)
	if ev == nil {
		return entry{}, p.error("illegal type id for: " + f.Name)
	}
	p.sc.union()
	v, err := p.table(ev.Table)
	return entry{f: f, built: v, tag: uint8(tag)}, err
}

// single is ParseSingleValue for a scalar field: it appends the value's
// constant text to p.consts (converted, and checked, when the table is
// built, as flatbuffers does).
func (p *parser) single(f *schema.Field) error {
	if p.tok == '+' || p.tok == '-' {
		sign := byte(p.tok)
		if err := p.next(); err != nil {
			return err
		}
		if p.tok != tokIdent {
			return p.error("constant name expected")
		}
		p.attr = append([]byte{sign}, p.attr...)
	}
	typeName := f.Kind.IDLName()
	isIdent, isStr := p.tok == tokIdent, p.tok == tokString
	if isIdent && p.at(p.cursor) == '(' {
		// A conversion function such as sin(x): only for floats.
		err := p.enter()
		p.depth--
		if err != nil {
			return err
		}
		return p.error(string(p.attr) + ": type of argument mismatch, expecting: double, found: " + typeName +
			", name: " + f.Name + ", value: " + strconv.FormatInt(f.Default, 10))
	}
	if isIdent || isStr {
		if isStr && !p.trivial {
			return p.error("type mismatch or invalid value, an initializer of non-string field must be trivial ASCII string: type: " +
				typeName + ", name: " + f.Name + ", value: " + string(p.attr))
		}
		switch {
		case f.Kind == schema.Bool && (string(p.attr) == "true" || string(p.attr) == "false"):
			if string(p.attr) == "true" {
				p.consts = append(p.consts, '1')
			} else {
				p.consts = append(p.consts, '0')
			}
		case string(p.attr) == "null":
			p.consts = append(p.consts, "null"...)
		case f.Kind != schema.Bool && len(p.attr) > 0 && isIdentStart(p.attr[0]):
			if err := p.enumFromString(f); err != nil {
				return err
			}
		default:
			a := p.attr
			if isStr { // trailing spaces of a quoted number go, unless all are spaces
				n := len(a)
				for n > 0 && a[n-1] == ' ' {
					n--
				}
				if n > 0 {
					a = a[:n]
				}
			}
			p.consts = append(p.consts, a...)
		}
		return p.next()
	}
	if p.tok == tokInt {
		p.consts = append(p.consts, p.attr...)
		return p.next()
	}
	return p.error("Cannot assign token starting with '" + p.tokenID() + "' to value of <" + typeName + "> type.")
}

// enumFromString is ParseEnumFromString: space-separated names, OR-ed. It
// appends the value's decimal text to p.consts.
func (p *parser) enumFromString(f *schema.Field) error {
	var u uint64
	rest := p.attr
	for {
		word := rest
		sp := bytesIndexByte(rest, ' ')
		if sp >= 0 {
			word, rest = rest[:sp], rest[sp+1:]
		}
		if f.Enum == nil {
			dot := bytesIndexByte(word, '.')
			if dot < 0 {
				return p.error("enum values need to be qualified by an enum type")
			}
			// JSON is parsed in the empty namespace, where the schema's
			// namespace-qualified enums are never found.
			return p.error("unknown enum: " + string(word[:dot]))
		}
		ev := f.Enum.Lookup(string(word))
		if ev == nil {
			return p.error("unknown enum value: " + string(word))
		}
		u |= uint64(ev.Value)
		if sp < 0 {
			break
		}
	}
	if f.Kind == schema.UnionType || f.Kind == schema.Uint8 || f.Kind == schema.Uint64 {
		p.consts = strconv.AppendUint(p.consts, u, 10)
	} else {
		p.consts = strconv.AppendInt(p.consts, int64(u), 10)
	}
	return nil
}

func bytesIndexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// skip is SkipAnyJsonValue: skip one value of any shape.
func (p *parser) skip() error {
	defer func() { p.depth-- }()
	if err := p.enter(); err != nil {
		return err
	}
	switch p.tok {
	case '{':
		fieldn := 0
		return p.delimited(nil, &fieldn, func([]byte) error {
			if err := p.skip(); err != nil {
				return err
			}
			fieldn++
			return nil
		})
	case '[':
		if err := p.next(); err != nil {
			return err
		}
		for count := 0; ; count++ {
			if count == 0 && p.tok == ']' {
				break
			}
			if err := p.skip(); err != nil {
				return err
			}
			if p.tok == ']' {
				break
			}
			if err := p.expect(','); err != nil {
				return err
			}
		}
		return p.next()
	case tokString, tokInt, tokFloat:
		return p.next()
	}
	if p.isIdent("true") || p.isIdent("false") || p.isIdent("null") || p.isIdent("inf") {
		return p.next()
	}
	return p.error("cannot parse value starting with: " + p.tokenID())
}
