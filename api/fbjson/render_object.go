package fbjson

import (
	"errors"
	"reflect"
	"strconv"

	"github.com/nipc/nipc/api"
	"github.com/nipc/nipc/api/fb"
	"github.com/nipc/nipc/api/internal/schema"
)

// errNotEncodable is what AppendEnvelopeText gives where api.Encode fails (a
// nil envelope, a union whose value is not its type's table, a nil table
// in a vector).
var errNotEncodable = errors.New("fbjson: the envelope cannot be encoded")

// AppendEnvelopeText appends to dst the text RenderEnvelope(env) gives,
// rendered from the Go objects without building the FlatBuffer (the fast
// path of a JSON reply: render once). A field is printed when api.Encode
// would write it: a scalar that is not its default, a string that is not
// empty (or is required), a table or union value that is not nil, a union's
// type that is not NONE, every vector. It fails where RenderEnvelope fails
// (ErrNotRenderable for a string that is not UTF-8; an error where
// api.Encode gives one), leaving dst's contents unspecified beyond its
// length.
func AppendEnvelopeText(dst []byte, env *fb.EnvelopeT) (out []byte, err error) {
	if env == nil {
		return dst, errNotEncodable
	}
	r := objRenderer{renderer: renderer{out: dst}}
	if err := r.table(schema.Nano.Root, reflect.ValueOf(env).Elem(), 0); err != nil {
		return dst, err
	}
	return append(r.out, '\n'), nil
}

type objRenderer struct{ renderer }

// present reports whether api.Encode writes field i (f) of the object v.
func present(f *schema.Field, v reflect.Value, idx []int, i int) bool {
	switch f.Kind {
	case schema.Bool:
		return v.Field(idx[i]).Bool() != (f.Default != 0)
	case schema.Int8, schema.Int32:
		return v.Field(idx[i]).Int() != f.Default
	case schema.Uint8, schema.Uint64:
		return v.Field(idx[i]).Uint() != uint64(f.Default)
	case schema.UnionType:
		return unionTag(v, idx, i+1) != 0
	case schema.String:
		return f.Required || v.Field(idx[i]).Len() > 0
	case schema.Vector:
		return true
	case schema.Table:
		return !v.Field(idx[i]).IsNil()
	case schema.Union:
		u := v.Field(idx[i])
		if u.IsNil() {
			return false
		}
		val := u.Elem().Field(unionValue)
		return !val.IsNil() && (val.Elem().Kind() != reflect.Pointer || !val.Elem().IsNil())
	}
	return false
}

var unionType, unionValue = api.UnionFields()

// unionTag is the type of the union in field i of v (0 when it is nil).
func unionTag(v reflect.Value, idx []int, i int) uint64 {
	u := v.Field(idx[i])
	if u.IsNil() {
		return 0
	}
	return u.Elem().Field(unionType).Uint()
}

// table is renderer.table over an object (v: the struct of table t).
func (r *objRenderer) table(t *schema.TableDef, v reflect.Value, indent int) error {
	idx := objPlans[t].idx
	r.out = append(r.out, '{')
	n := 0
	elemIndent := indent + 2
	for i, f := range t.Fields {
		if !present(f, v, idx, i) {
			continue
		}
		r.key(n, f.Name, elemIndent)
		n++
		var err error
		switch f.Kind {
		case schema.Bool:
			if v.Field(idx[i]).Bool() {
				r.out = append(r.out, "true"...)
			} else {
				r.out = append(r.out, "false"...)
			}
		case schema.Int8:
			r.enum(f.Enum, v.Field(idx[i]).Int())
		case schema.Uint8:
			r.enum(f.Enum, int64(v.Field(idx[i]).Uint()))
		case schema.UnionType:
			r.enum(f.Enum, int64(uint8(unionTag(v, idx, i+1))))
		case schema.Int32:
			r.out = strconv.AppendInt(r.out, v.Field(idx[i]).Int(), 10)
		case schema.Uint64:
			r.out = strconv.AppendUint(r.out, v.Field(idx[i]).Uint(), 10)
		case schema.String:
			err = r.str(v.Field(idx[i]).String())
		case schema.Table:
			err = r.table(f.Table, v.Field(idx[i]).Elem(), elemIndent)
		case schema.Vector:
			err = r.vector(f, v.Field(idx[i]), elemIndent)
		case schema.Union:
			err = r.union(f, v.Field(idx[i]).Elem(), elemIndent)
		}
		if err != nil {
			return err
		}
	}
	r.end('}', indent)
	return nil
}

// union renders a union's value (u: the union struct), which present found
// to be a table or a value api.Encode refuses.
func (r *objRenderer) union(f *schema.Field, u reflect.Value, indent int) error {
	val := u.Field(unionValue).Elem()
	if val.Kind() != reflect.Pointer {
		return errNotEncodable
	}
	ev := f.Enum.ByValue(int64(u.Field(unionType).Uint()), true)
	if ev == nil {
		return errNotEncodable
	}
	if val.Type().Elem() != objPlans[ev.Table].typ {
		return errNotEncodable
	}
	return r.table(ev.Table, val.Elem(), indent)
}

func (r *objRenderer) vector(f *schema.Field, v reflect.Value, indent int) error {
	r.out = append(r.out, "[\n"...)
	for i := range v.Len() {
		if i > 0 {
			r.out = append(r.out, ",\n"...)
		}
		r.indent(indent + 2)
		el := v.Index(i)
		var err error
		switch {
		case f.Elem == schema.String:
			err = r.str(el.String())
		case el.IsNil():
			err = errNotEncodable
		default:
			err = r.table(f.Table, el.Elem(), indent+2)
		}
		if err != nil {
			return err
		}
	}
	r.end(']', indent)
	return nil
}

func (r *objRenderer) str(s string) error {
	if !r.quoted(s) {
		return ErrNotRenderable
	}
	return nil
}
