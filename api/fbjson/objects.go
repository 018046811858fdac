package fbjson

import (
	"reflect"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// The parser's third sink (besides the FlatBuffer and the dry scan): the
// generated object API's Go values (*fb.XxxT), built as the fields are
// parsed, equal to what api.Decode gives for the FlatBuffer the text makes
// (see FuzzScanObjects). Tables are set through reflection, from the same
// plans api.Encode and the object renderer walk.

// objPlan is how a table of the schema is held in its generated struct.
type objPlan struct {
	typ   reflect.Type   // the struct XxxT
	idx   []int          // struct field per schema field (-1: a union's type)
	types []reflect.Type // the struct field's type per schema field
	// absent is the struct as api.Decode gives a table without fields:
	// scalars at their defaults, every vector empty (never nil: a shared
	// zero-length slice), the rest zero. A new object starts as a copy.
	absent reflect.Value
}

var objPlans = buildObjPlans()

func buildObjPlans() map[*schema.TableDef]*objPlan {
	plans := make(map[*schema.TableDef]*objPlan, len(schema.Nano.Tables))
	for _, t := range schema.Nano.Tables {
		ptr, idx := api.ObjectPlan(t)
		p := &objPlan{typ: ptr.Elem(), idx: idx, types: make([]reflect.Type, len(t.Fields))}
		p.absent = reflect.New(p.typ).Elem()
		for i, f := range t.Fields {
			if idx[i] < 0 {
				continue
			}
			p.types[i] = p.typ.Field(idx[i]).Type
			switch {
			case f.Kind == schema.Vector:
				p.absent.Field(idx[i]).Set(reflect.MakeSlice(p.types[i], 0, 0))
			case f.Kind.Scalar():
				setScalar(p.absent, p, i, f, uint64(f.Default))
			}
		}
		plans[t] = p
	}
	return plans
}

// built is what parsing a value made: a FlatBuffer offset, or, building
// objects, a string or a Go value (a *XxxT or a slice).
type built struct {
	off flatbuffers.UOffsetT
	s   string
	v   reflect.Value
}

// requestBlock holds a Request with its envelope and the envelope's union
// in one allocation.
type requestBlock struct {
	req Request
	env fb.EnvelopeT
	msg fb.MessageT
}

// newObject is a new XxxT of table t (plan p), as without fields
// (p.absent): the root in q.block if there is one. It returns the struct.
func (q *parser) newObject(t *schema.TableDef, p *objPlan) reflect.Value {
	var obj reflect.Value
	if t == schema.Nano.Root && q.block != nil {
		obj = reflect.ValueOf(&q.block.env).Elem()
	} else {
		obj = reflect.New(p.typ).Elem()
	}
	obj.Set(p.absent)
	return obj
}

// setScalar sets field i (f) of obj to v as the FlatBuffer holds it and
// the generated code reads it back (a bool is its byte, non-zero is true).
func setScalar(obj reflect.Value, p *objPlan, i int, f *schema.Field, v uint64) {
	fv := obj.Field(p.idx[i])
	switch f.Kind {
	case schema.Bool:
		fv.SetBool(uint8(v) != 0)
	case schema.Int8:
		fv.SetInt(int64(int8(v)))
	case schema.Uint8:
		fv.SetUint(uint64(uint8(v)))
	case schema.Int32:
		fv.SetInt(int64(int32(v)))
	case schema.Uint64:
		fv.SetUint(v)
	}
}

// setUnion sets union field i of obj to the union of type tag holding
// value (nil: the type alone, as api.Decode gives a root union without a
// value).
func (q *parser) setUnion(obj reflect.Value, p *objPlan, i int, tag uint8, value reflect.Value) {
	var u reflect.Value
	if q.block != nil && obj.Addr().Interface() == any(&q.block.env) {
		q.block.msg = fb.MessageT{}
		u = reflect.ValueOf(&q.block.msg)
	} else {
		u = reflect.New(p.types[i].Elem())
	}
	u.Elem().Field(unionType).SetUint(uint64(tag))
	if value.IsValid() {
		u.Elem().Field(unionValue).Set(value)
	}
	obj.Field(p.idx[i]).Set(u)
}

// objVector is the slice for vector field f of a table of plan p, from
// the last n strings or tables parsed.
func (q *parser) objVector(p *objPlan, f *schema.Field, n int) reflect.Value {
	sl := reflect.MakeSlice(p.types[f.Slot], n, n)
	if f.Elem == schema.String {
		popInto(&q.strs, sl, reflect.Value.SetString)
	} else {
		popInto(&q.tabs, sl, reflect.Value.Set)
	}
	return sl
}

// popInto moves the last sl.Len() values of *stack into sl, in order.
func popInto[T any](stack *[]T, sl reflect.Value, set func(reflect.Value, T)) {
	base := len(*stack) - sl.Len()
	for i, v := range (*stack)[base:] {
		set(sl.Index(i), v)
	}
	clear((*stack)[base:])
	*stack = (*stack)[:base]
}
