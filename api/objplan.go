package api

import (
	"reflect"

	"github.com/nipc/nipc/api/internal/schema"
)

// ObjectPlan is how the generated object API holds a table of the schema:
// Type is its *fb.XxxT, Fields[i] the index in that struct of the table's
// field i (-1 for a union's type field: the union struct holds the type,
// see UnionFields). Encode and fbjson's object renderer walk objects with
// it. t must be a table of schema.Nano.
func ObjectPlan(t *schema.TableDef) (typ reflect.Type, fields []int) {
	p := codecs.plans[t]
	return p.ptr, p.idx
}

// UnionFields are the indexes of Type and Value in the generated union
// structs (*fb.MessageT, *fb.BlockT).
func UnionFields() (typ, value int) { return codecs.union.typ, codecs.union.value }
