package schema

// What a buffer costs once materialised: the bytes api.Decode allocates for
// its Go objects (estimated from the generated object API's shapes), and the
// bytes a flatbuffers Builder needs to write it. Both are upper bounds the
// JSON scanner (api/fbjson) and the verifier (api) compute the same way, so
// a request can be refused before anything is built.

// Cost of a table's Go object: its struct (GoSize, set by package api from
// the generated *XxxT type) and the accessor the generated UnPack allocates.
func (t *TableDef) Cost() uint64 { return roundObj(t.GoSize) + 32 }

// StringCost is the Go string of n bytes.
func StringCost(n uint64) uint64 { return roundObj(n) }

// VectorCost is the backing array of a []string or []*XxxT of n elements.
func VectorCost(n uint64, elem Kind) uint64 {
	if elem == String {
		return roundObj(16 * n)
	}
	return roundObj(8 * n)
}

// UnionCost is the *XxxT union wrapper (Type and Value).
const UnionCost = 32

// roundObj is n rounded up the way the Go allocator's size classes waste
// at most an eighth, plus a word.
func roundObj(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	return n + n/8 + 8
}

// Builder bounds: the most bytes a flatbuffers Builder writes for a string
// of n bytes, a vector of n offsets, a table of t with n fields set, and the
// root's Finish, alignment padding included.
func StringBuild(n uint64) uint64 { return n + 8 }

// VectorBuild bounds a vector of n uoffsets.
func VectorBuild(n uint64) uint64 { return 4*n + 8 }

// TableBuild bounds a table of t with n fields set (vtable included).
func (t *TableDef) TableBuild(n uint64) uint64 { return 16 + 2*uint64(len(t.Fields)) + 16*n }

// FinishBuild bounds the root offset and its padding.
const FinishBuild = 16
