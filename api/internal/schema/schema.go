// Package schema is the Go-side description of api/nanoapi.fbs that drives
// nipc's FlatBuffers verifier, encoder, JSON parser and JSON renderer.
//
// Nano (nanoapi.go) is written out from the .fbs by
//
//	go test ./api/internal/schema -run TestDescriptionMatchesFBS -update
//
// and that test fails whenever the two disagree (names, vtable slots, types,
// defaults, required fields, enum and union values). Only the types the
// schema uses are supported: bool, byte, ubyte, int, ulong, string, tables,
// vectors of strings or tables, enums and unions of tables. Everything here
// is immutable after package initialisation and safe for concurrent use.
package schema

import (
	"encoding/binary"
	"fmt"
)

// Kind is the type of a field (or of a vector's elements).
type Kind uint8

// Field kinds. UnionType is the hidden "<union>_type" field flatc adds before
// every union field.
const (
	Bool Kind = iota + 1
	Int8
	Uint8
	Int32
	Uint64
	String
	Table
	Vector
	UnionType
	Union
)

var kindNames = [...]string{
	Bool: "bool", Int8: "byte", Uint8: "ubyte", Int32: "int", Uint64: "ulong",
	String: "string", Table: "table", Vector: "vector", UnionType: "utype", Union: "union",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Scalar reports whether k is stored inline in a table.
func (k Kind) Scalar() bool {
	switch k {
	case Bool, Int8, Uint8, Int32, Uint64, UnionType:
		return true
	}
	return false
}

// Size is the inline size of a field of this kind: 1, 4 or 8 (offsets are 4).
func (k Kind) Size() int {
	switch k {
	case Bool, Int8, Uint8, UnionType:
		return 1
	case Int32:
		return 4
	case Uint64:
		return 8
	}
	return 4
}

// IDLName is the type's name in flatc's messages ("" for a union type field,
// as flatc prints it).
func (k Kind) IDLName() string {
	if k == UnionType {
		return ""
	}
	return k.String()
}

// Field is one vtable slot of a table.
type Field struct {
	Name     string
	Slot     int    // vtable slot, from 0; the voffset is 4 + 2*Slot
	Kind     Kind   // for enums: the underlying kind
	Elem     Kind   // Vector only: String or Table
	Ref      string // table (Table, Vector of Table), enum (scalar enums) or union (UnionType, Union)
	Default  int64  // scalars; bools are 0 or 1
	Required bool

	// Resolved at init.
	Table *TableDef // Table and Vector of Table
	Enum  *Enum     // scalar enums, and the union enum of UnionType and Union
	Pair  *Field    // Union <-> its UnionType field
}

// VOffset is the field's offset inside a vtable.
func (f *Field) VOffset() uint16 { return uint16(4 + 2*f.Slot) }

// TableDef is a table.
type TableDef struct {
	Name   string
	Fields []*Field // in slot order
	// GoSize is the size of the generated object-API struct (XxxT), set by
	// package api when it starts; Cost uses it.
	GoSize uint64
	byName map[string]*Field
}

// Field returns the field called name, or nil.
func (t *TableDef) Field(name string) *Field { return t.byName[name] }

// Enum is an enum or a union. A union's values are its members, value 0
// being NONE.
type Enum struct {
	Name   string
	Kind   Kind // underlying: Int8 or Uint8 (unions)
	Union  bool
	Values []*EnumVal // ascending
	byName map[string]*EnumVal
}

// EnumVal is a member of an enum or a union.
type EnumVal struct {
	Name  string
	Value int64
	Table *TableDef // union members (nil for NONE)
}

// Lookup returns the value called name, or nil.
func (e *Enum) Lookup(name string) *EnumVal { return e.byName[name] }

// ByValue returns the value v, or nil. For unions skipNone makes NONE
// unknown, as flatc does when it reads a union's type.
func (e *Enum) ByValue(v int64, skipNone bool) *EnumVal {
	if skipNone && e.Union && v == 0 {
		return nil
	}
	if v >= 0 && v < int64(len(e.Values)) && e.Values[v].Value == v {
		return e.Values[v] // dense enums, unions included
	}
	for _, ev := range e.Values {
		if ev.Value == v && !(skipNone && e.Union && v == 0) {
			return ev
		}
	}
	return nil
}

// Schema is a whole schema.
type Schema struct {
	Namespace string
	Root      *TableDef
	Tables    []*TableDef // declaration order
	Enums     []*Enum     // declaration order, unions included

	tables map[string]*TableDef
	enums  map[string]*Enum
}

// Table returns the table called name, or nil.
func (s *Schema) Table(name string) *TableDef { return s.tables[name] }

// EnumNamed returns the enum or union called name, or nil.
func (s *Schema) EnumNamed(name string) *Enum { return s.enums[name] }

// Build resolves references and checks the description: slots are 0..n-1 in
// order, every Ref exists, unions are preceded by their type field.
func Build(namespace, root string, enums []*Enum, tables []*TableDef) (*Schema, error) {
	s := &Schema{Namespace: namespace, Tables: tables, Enums: enums,
		tables: map[string]*TableDef{}, enums: map[string]*Enum{}}
	for _, e := range enums {
		if s.enums[e.Name] != nil {
			return nil, fmt.Errorf("schema: enum %s defined twice", e.Name)
		}
		s.enums[e.Name] = e
		e.byName = map[string]*EnumVal{}
		for i, v := range e.Values {
			if i > 0 && v.Value <= e.Values[i-1].Value {
				return nil, fmt.Errorf("schema: enum %s: values not ascending at %s", e.Name, v.Name)
			}
			e.byName[v.Name] = v
		}
	}
	for _, t := range tables {
		if s.tables[t.Name] != nil {
			return nil, fmt.Errorf("schema: table %s defined twice", t.Name)
		}
		s.tables[t.Name] = t
	}
	for _, e := range enums {
		if !e.Union {
			continue
		}
		for _, v := range e.Values {
			if v.Value == 0 {
				continue
			}
			if v.Table = s.tables[v.Name]; v.Table == nil {
				return nil, fmt.Errorf("schema: union %s: unknown table %s", e.Name, v.Name)
			}
		}
	}
	for _, t := range tables {
		t.byName = map[string]*Field{}
		for i, f := range t.Fields {
			if f.Slot != i {
				return nil, fmt.Errorf("schema: %s.%s: slot %d, want %d", t.Name, f.Name, f.Slot, i)
			}
			t.byName[f.Name] = f
			switch {
			case f.Kind == Table || f.Kind == Vector && f.Elem == Table:
				if f.Table = s.tables[f.Ref]; f.Table == nil {
					return nil, fmt.Errorf("schema: %s.%s: unknown table %s", t.Name, f.Name, f.Ref)
				}
			case f.Ref != "":
				if f.Enum = s.enums[f.Ref]; f.Enum == nil {
					return nil, fmt.Errorf("schema: %s.%s: unknown enum %s", t.Name, f.Name, f.Ref)
				}
			}
			if f.Kind == Union {
				if i == 0 || t.Fields[i-1].Kind != UnionType || t.Fields[i-1].Name != f.Name+"_type" {
					return nil, fmt.Errorf("schema: %s.%s: union without its type field", t.Name, f.Name)
				}
				f.Pair, t.Fields[i-1].Pair = t.Fields[i-1], f
			}
		}
	}
	if s.Root = s.tables[root]; s.Root == nil {
		return nil, fmt.Errorf("schema: unknown root type %s", root)
	}
	return s, nil
}

// Nano is api/nanoapi.fbs.
var Nano = mustBuild()

func mustBuild() *Schema {
	s, err := Build(nanoNamespace, nanoRoot, nanoEnums(), nanoTables())
	if err != nil {
		panic(err)
	}
	return s
}

// MaxBufferSize is flatbuffers' FLATBUFFERS_MAX_BUFFER_SIZE (2^31-1): no
// valid buffer is this large.
const MaxBufferSize = 1<<31 - 1

// Buf reads little-endian values from a buffer. Callers bounds-check first
// (the verifier does); out-of-range reads panic.
type Buf []byte

// U8 reads a byte.
func (b Buf) U8(off uint64) uint8 { return b[off] }

// U16 reads a uint16.
func (b Buf) U16(off uint64) uint16 { return binary.LittleEndian.Uint16(b[off:]) }

// U32 reads a uint32.
func (b Buf) U32(off uint64) uint32 { return binary.LittleEndian.Uint32(b[off:]) }

// U64 reads a uint64.
func (b Buf) U64(off uint64) uint64 { return binary.LittleEndian.Uint64(b[off:]) }

// FieldPos returns the absolute position of field f in the table at pos, or
// 0 when the field is absent. The table and its vtable must be verified.
func (b Buf) FieldPos(table uint64, f *Field) uint64 {
	vt := uint64(int64(table) - int64(int32(b.U32(table))))
	vo := uint64(f.VOffset())
	if vo >= uint64(b.U16(vt)) {
		return 0
	}
	o := b.U16(vt + vo)
	if o == 0 {
		return 0
	}
	return table + uint64(o)
}

// Deref follows the uoffset stored at pos.
func (b Buf) Deref(pos uint64) uint64 { return pos + uint64(b.U32(pos)) }

// Bytes returns the contents of the string or byte vector at pos.
func (b Buf) Bytes(pos uint64) []byte {
	n := uint64(b.U32(pos))
	return b[pos+4 : pos+4+n]
}
