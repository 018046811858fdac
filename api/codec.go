package api

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// Decode verifies buf (see Verify) and unpacks it. Failure is ErrVerify,
// also for a buffer whose Go objects would take more than DecodeLimit of
// its length (see DecodeWithin).
//
// In the result, Message is nil when message_type is NONE. Otherwise
// Message.Type is message_type as sent, even for ids this schema does not
// know, and Message.Value is the table (*fb.AccountWeightT, ...) or nil when
// the buffer has none or the type is unknown: a handled type with a nil Value
// is ErrInvalidMessage. Decode never panics; unpacking runs under recover.
func Decode(buf []byte) (*fb.EnvelopeT, error) {
	return DecodeWithin(buf, DecodeLimit(len(buf)))
}

// DecodeWithin is Decode with the allowance for its Go objects given:
// a buffer that would take more than limit bytes of them is ErrVerify,
// found before anything is unpacked.
func DecodeWithin(buf []byte, limit uint64) (*fb.EnvelopeT, error) {
	if _, ok := verifyCost(buf, schema.Nano.Root, limit); !ok {
		return nil, ErrVerify
	}
	return unpackSafe(buf)
}

// unpackSafe is unpack under recover.
func unpackSafe(buf []byte) (env *fb.EnvelopeT, err error) {
	defer func() {
		if recover() != nil {
			env, err = nil, ErrVerify
		}
	}()
	return unpack(buf), nil
}

// unpack reads a verified buffer with the generated object API.
func unpack(buf []byte) *fb.EnvelopeT {
	e := fb.GetRootAsEnvelope(buf, 0)
	t := e.UnPack()
	if tag := e.MessageType(); tag != fb.MessageNONE && t.Message == nil {
		t.Message = &fb.MessageT{Type: tag}
	}
	return t
}

// Encode builds the finished binary Envelope for env, written as the node's
// C++ object API (Pack) writes it: scalars equal to their default and empty
// optional strings are omitted, required strings are always written, vectors
// are always written (empty or not), nil tables are omitted. A union with a
// Type and a nil Value is written as the type alone. The result passes Verify
// unless a union's Type and Value disagree, which is an error, as is a Value
// that is not one of the schema's tables.
func Encode(env *fb.EnvelopeT) ([]byte, error) {
	return AppendEncode(nil, env)
}

// AppendEncode is Encode appending the buffer to dst: the envelope is built
// in a pooled builder and copied once, into dst. On error dst is returned
// as it was.
func AppendEncode(dst []byte, env *fb.EnvelopeT) ([]byte, error) {
	if env == nil {
		return dst, errors.New("api: encode: nil envelope")
	}
	b := builders.Get().(*flatbuffers.Builder)
	defer func() {
		if cap(b.Bytes) <= 1<<20 {
			builders.Put(b)
		}
	}()
	b.Reset()
	e := encoder{b: b}
	root, err := e.table(codecs.plans[schema.Nano.Root], reflect.ValueOf(env).Elem())
	if err != nil {
		return dst, err
	}
	b.Finish(root)
	return append(dst, b.FinishedBytes()...), nil
}

var builders = sync.Pool{New: func() any { return flatbuffers.NewBuilder(512) }}

// MessageOf wraps a message table (*fb.IsAliveT, *fb.AccountWeightResponseT,
// ...) in the union with its type. It panics if v is not a pointer to one of
// the Message union's tables: that is a programming error.
func MessageOf(v any) *fb.MessageT {
	tag, ok := codecs.unionTags[schema.Nano.EnumNamed("Message")][reflect.TypeOf(v)]
	if !ok {
		panic(fmt.Sprintf("api: MessageOf(%T): not a message table", v))
	}
	return &fb.MessageT{Type: fb.Message(tag), Value: v}
}

// NewEnvelope is an Envelope carrying msg (see MessageOf), stamped with now.
func NewEnvelope(msg any, correlationID string, now time.Time) *fb.EnvelopeT {
	return &fb.EnvelopeT{Time: Millis(now), CorrelationId: correlationID, Message: MessageOf(msg)}
}

// ---- reflection plans: schema tables <-> generated object-API structs ----

type tablePlan struct {
	def *schema.TableDef
	ptr reflect.Type // *fb.XxxT
	idx []int        // struct field index per schema field (-1 for union type fields)
}

type unionFields struct{ typ, value int }

var codecs = buildCodecs()

type codecTables struct {
	plans     map[*schema.TableDef]*tablePlan
	unionTags map[*schema.Enum]map[reflect.Type]int64
	union     unionFields
}

// unionUnpackers give, for each union of the schema, the generated code's
// object type of each member (found by unpacking an empty table).
var unionUnpackers = map[string]func(tag uint8, t flatbuffers.Table) any{
	"Message": func(tag uint8, t flatbuffers.Table) any {
		if m := fb.Message(tag).UnPack(t); m != nil {
			return m.Value
		}
		return nil
	},
	"Block": func(tag uint8, t flatbuffers.Table) any {
		if m := fb.Block(tag).UnPack(t); m != nil {
			return m.Value
		}
		return nil
	},
}

func buildCodecs() *codecTables {
	c := &codecTables{plans: map[*schema.TableDef]*tablePlan{}, unionTags: map[*schema.Enum]map[reflect.Type]int64{}}
	ut := reflect.TypeFor[fb.MessageT]()
	tf, ok1 := ut.FieldByName("Type")
	vf, ok2 := ut.FieldByName("Value")
	if !ok1 || !ok2 {
		panic("api: generated union type has no Type/Value")
	}
	c.union = unionFields{tf.Index[0], vf.Index[0]}

	empty := emptyTable()
	types := map[*schema.TableDef]reflect.Type{schema.Nano.Root: reflect.TypeFor[*fb.EnvelopeT]()}
	for _, e := range schema.Nano.Enums {
		if !e.Union {
			continue
		}
		un := unionUnpackers[e.Name]
		if un == nil {
			panic("api: no unpacker for union " + e.Name)
		}
		c.unionTags[e] = map[reflect.Type]int64{}
		for _, ev := range e.Values {
			if ev.Table == nil {
				continue
			}
			v := un(uint8(ev.Value), empty)
			if v == nil {
				panic(fmt.Sprintf("api: generated code lacks %s.%s", e.Name, ev.Name))
			}
			types[ev.Table] = reflect.TypeOf(v)
			c.unionTags[e][reflect.TypeOf(v)] = ev.Value
		}
	}
	var plan func(t *schema.TableDef, ptr reflect.Type) *tablePlan
	plan = func(t *schema.TableDef, ptr reflect.Type) *tablePlan {
		if p := c.plans[t]; p != nil {
			return p
		}
		st := ptr.Elem()
		p := &tablePlan{def: t, ptr: ptr, idx: make([]int, len(t.Fields))}
		c.plans[t] = p
		byTag := map[string]reflect.StructField{}
		for i := 0; i < st.NumField(); i++ {
			byTag[st.Field(i).Tag.Get("json")] = st.Field(i)
		}
		for i, f := range t.Fields {
			p.idx[i] = -1
			if f.Kind == schema.UnionType {
				continue
			}
			sf, ok := byTag[f.Name]
			if !ok || !kindMatches(f, sf.Type) {
				panic(fmt.Sprintf("api: %s.%s: generated field missing or of type %v", t.Name, f.Name, sf.Type))
			}
			p.idx[i] = sf.Index[0]
			switch {
			case f.Kind == schema.Table:
				plan(f.Table, sf.Type)
			case f.Kind == schema.Vector && f.Elem == schema.Table:
				plan(f.Table, sf.Type.Elem())
			}
		}
		return p
	}
	for t, ptr := range types {
		plan(t, ptr)
	}
	for t, p := range c.plans {
		t.GoSize = uint64(p.ptr.Elem().Size())
	}
	for _, t := range schema.Nano.Tables {
		if c.plans[t] == nil {
			panic("api: no generated type for table " + t.Name)
		}
	}
	return c
}

func kindMatches(f *schema.Field, t reflect.Type) bool {
	switch f.Kind {
	case schema.Bool:
		return t.Kind() == reflect.Bool
	case schema.Int8:
		return t.Kind() == reflect.Int8
	case schema.Uint8:
		return t.Kind() == reflect.Uint8
	case schema.Int32:
		return t.Kind() == reflect.Int32
	case schema.Uint64:
		return t.Kind() == reflect.Uint64
	case schema.String:
		return t.Kind() == reflect.String
	case schema.Table:
		return t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
	case schema.Vector:
		if t.Kind() != reflect.Slice {
			return false
		}
		if f.Elem == schema.String {
			return t.Elem().Kind() == reflect.String
		}
		return t.Elem().Kind() == reflect.Pointer && t.Elem().Elem().Kind() == reflect.Struct
	case schema.Union:
		return t.Kind() == reflect.Pointer && t.Elem().NumField() == 2
	}
	return false
}

// emptyTable is a table without fields, for discovering generated types.
func emptyTable() flatbuffers.Table {
	b := flatbuffers.NewBuilder(32)
	b.StartObject(0)
	b.Finish(b.EndObject())
	buf := b.FinishedBytes()
	return flatbuffers.Table{Bytes: buf, Pos: flatbuffers.GetUOffsetT(buf)}
}

type encoder struct {
	b *flatbuffers.Builder
}

const maxFields = 32 // no table of the schema has more (checked in tests)

func (e *encoder) table(p *tablePlan, v reflect.Value) (flatbuffers.UOffsetT, error) {
	fields := p.def.Fields
	if len(fields) > maxFields {
		return 0, fmt.Errorf("api: encode %s: too many fields", p.def.Name)
	}
	var offs [maxFields]flatbuffers.UOffsetT
	var tags [maxFields]uint8
	for i, f := range fields {
		if p.idx[i] < 0 {
			continue
		}
		fv := v.Field(p.idx[i])
		switch f.Kind {
		case schema.String:
			if s := fv.String(); s != "" || f.Required {
				offs[i] = e.b.CreateString(s)
			}
		case schema.Table:
			if !fv.IsNil() {
				o, err := e.table(codecs.plans[f.Table], fv.Elem())
				if err != nil {
					return 0, err
				}
				offs[i] = o
			}
		case schema.Vector:
			o, err := e.vector(f, fv)
			if err != nil {
				return 0, err
			}
			offs[i] = o
		case schema.Union:
			if fv.IsNil() {
				continue
			}
			u := fv.Elem()
			tag := u.Field(codecs.union.typ).Uint()
			tags[i-1] = uint8(tag)
			val := u.Field(codecs.union.value)
			if val.IsNil() {
				continue // type without a table
			}
			if val.Elem().Kind() != reflect.Pointer {
				return 0, fmt.Errorf("api: encode %s.%s: Value is %s, not a table", p.def.Name, f.Name, val.Elem().Type())
			}
			if val.Elem().IsNil() {
				continue
			}
			ev := f.Enum.ByValue(int64(tag), true)
			if ev == nil {
				return 0, fmt.Errorf("api: encode %s.%s: type %d has no table but Value is %s", p.def.Name, f.Name, tag, val.Elem().Type())
			}
			sub := codecs.plans[ev.Table]
			if val.Elem().Type() != sub.ptr {
				return 0, fmt.Errorf("api: encode %s.%s: type %s but Value is %s", p.def.Name, f.Name, ev.Name, val.Elem().Type())
			}
			o, err := e.table(sub, val.Elem().Elem())
			if err != nil {
				return 0, err
			}
			offs[i] = o
		}
	}
	b := e.b
	b.StartObject(len(fields))
	// Largest first, then by descending slot, as flatc's builders do.
	for _, size := range [...]int{8, 4, 1} {
		for i := len(fields) - 1; i >= 0; i-- {
			f := fields[i]
			if f.Kind.Size() != size {
				continue
			}
			switch f.Kind {
			case schema.Bool:
				b.PrependBoolSlot(i, v.Field(p.idx[i]).Bool(), f.Default != 0)
			case schema.Int8:
				b.PrependInt8Slot(i, int8(v.Field(p.idx[i]).Int()), int8(f.Default))
			case schema.Uint8:
				b.PrependUint8Slot(i, uint8(v.Field(p.idx[i]).Uint()), uint8(f.Default))
			case schema.UnionType:
				b.PrependUint8Slot(i, tags[i], 0)
			case schema.Int32:
				b.PrependInt32Slot(i, int32(v.Field(p.idx[i]).Int()), int32(f.Default))
			case schema.Uint64:
				b.PrependUint64Slot(i, v.Field(p.idx[i]).Uint(), uint64(f.Default))
			default:
				if offs[i] != 0 {
					b.PrependUOffsetTSlot(i, offs[i], 0)
				}
			}
		}
	}
	return b.EndObject(), nil
}

func (e *encoder) vector(f *schema.Field, v reflect.Value) (flatbuffers.UOffsetT, error) {
	n := v.Len()
	var small [16]flatbuffers.UOffsetT
	elems := small[:0]
	if n > len(small) {
		elems = make([]flatbuffers.UOffsetT, 0, n)
	}
	for j := 0; j < n; j++ {
		ev := v.Index(j)
		if f.Elem == schema.String {
			elems = append(elems, e.b.CreateString(ev.String()))
			continue
		}
		if ev.IsNil() {
			return 0, fmt.Errorf("api: encode %s: nil element %d", f.Name, j)
		}
		o, err := e.table(codecs.plans[f.Table], ev.Elem())
		if err != nil {
			return 0, err
		}
		elems = append(elems, o)
	}
	e.b.StartVector(4, n, 4)
	for j := n - 1; j >= 0; j-- {
		e.b.PrependUOffsetT(elems[j])
	}
	return e.b.EndVector(n), nil
}
