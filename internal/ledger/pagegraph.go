package ledger

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
)

// The page graph check reads a bbolt file's pages itself, before bbolt
// touches them, because bbolt trusts its pages: a damaged page id makes it
// read beyond the mapping (a fault that recover cannot always catch) or
// loop for ever on a branch that leads back to itself. Layout (bbolt v1,
// little-endian): every page starts with a 16-byte header (id u64, flags
// u16, count u16, overflow u32); pages 0 and 1 hold a meta after their
// header (magic u32, version u32, page size u32, flags u32, root bucket
// {root page u64, sequence u64}, freelist page u64, high-water page u64,
// txid u64, checksum u64: FNV-64a of the 56 bytes before it); a branch
// page's elements are 16 bytes (pos u32, key size u32, child page u64), a
// leaf page's too (flags u32, pos u32, key size u32, value size u32), with
// pos relative to the element; a leaf element with flag 1 is a bucket whose
// value starts with its root page id and sequence, and whose root 0 means
// an inline page follows in the value.

const (
	pgHeader      = 16
	pgElement     = 16
	pgBranch      = 0x01
	pgLeaf        = 0x02
	pgMeta        = 0x04
	pgFreelist    = 0x10
	pgBucketLeaf  = 0x01
	pgMetaSize    = 64
	pgMagic       = 0xED0CDAED
	pgVersion     = 2
	pgNoFreelist  = ^uint64(0)
	pgMaxDepth    = 256
	pgBucketValue = 16 // root page id and sequence
)

// errPageGraph marks a problem the page graph check found.
var errPageGraph = errors.New("damaged page")

type pageMeta struct {
	pageSize  uint32
	root      uint64
	freelist  uint64
	highWater uint64
	txid      uint64
}

// readMeta reads and validates the meta on page i; pageSize is the page
// size to find page 1 at (page 0 is at offset 0 whatever it is).
func readMeta(f io.ReaderAt, i int, pageSize uint32) (pageMeta, error) {
	var b [pgHeader + pgMetaSize]byte
	if _, err := f.ReadAt(b[:], int64(i)*int64(pageSize)); err != nil {
		return pageMeta{}, err
	}
	m := b[pgHeader:]
	le := binary.LittleEndian
	h := fnv.New64a()
	h.Write(m[:56])
	switch {
	case le.Uint32(m[0:]) != pgMagic:
		return pageMeta{}, fmt.Errorf("meta page %d: not a bbolt meta", i)
	case le.Uint32(m[4:]) != pgVersion:
		return pageMeta{}, fmt.Errorf("meta page %d: version %d", i, le.Uint32(m[4:]))
	case le.Uint64(m[56:]) != h.Sum64():
		return pageMeta{}, fmt.Errorf("meta page %d: checksum mismatch", i)
	}
	return pageMeta{
		pageSize:  le.Uint32(m[8:]),
		root:      le.Uint64(m[16:]),
		freelist:  le.Uint64(m[32:]),
		highWater: le.Uint64(m[40:]),
		txid:      le.Uint64(m[48:]),
	}, nil
}

// checkPageGraph walks every page reachable from the newest valid meta of
// the file f of size bytes, as bbolt would, and returns the first problem
// that would make bbolt fault or loop, wrapped in errPageGraph.
func checkPageGraph(f io.ReaderAt, size int64) error {
	m0, err0 := readMeta(f, 0, 0)
	pageSize := m0.pageSize
	if err0 != nil {
		pageSize = 4096 // page 0 is damaged: try page 1 at the usual size
	}
	if pageSize < 512 || pageSize > 1<<16 || pageSize&(pageSize-1) != 0 {
		return fmt.Errorf("%w: page size %d", errPageGraph, pageSize)
	}
	m1, err1 := readMeta(f, 1, pageSize)
	m := m0
	switch {
	case err0 != nil && err1 != nil:
		return fmt.Errorf("%w: %v; %v", errPageGraph, err0, err1)
	case err0 != nil, err1 == nil && m1.txid > m0.txid:
		m = m1
	}
	if m.pageSize != pageSize {
		return fmt.Errorf("%w: the meta pages disagree on the page size (%d, %d)", errPageGraph, m0.pageSize, m1.pageSize)
	}
	g := &pageGraph{f: f, pageSize: int64(pageSize), highWater: m.highWater, seen: make(map[uint64]bool)}
	if m.highWater < 2 || int64(m.highWater) > size/g.pageSize {
		return fmt.Errorf("%w: the meta's high-water page %d does not fit the file (%d pages)", errPageGraph, m.highWater, size/g.pageSize)
	}
	if m.freelist != pgNoFreelist {
		p, err := g.page(m.freelist)
		if err != nil {
			return err
		}
		if p.flags != pgFreelist {
			return fmt.Errorf("%w: freelist page %d has flags %#x", errPageGraph, m.freelist, p.flags)
		}
		// Its ids follow the header; a count of 0xFFFF means the real
		// count is the first u64 there.
		n, at := uint64(p.count), uint64(pgHeader)
		if p.count == 0xFFFF {
			n, at = binary.LittleEndian.Uint64(p.data[pgHeader:]), pgHeader+8
		}
		if n > (uint64(len(p.data))-at)/8 {
			return fmt.Errorf("%w: freelist page %d lists %d ids, more than fit", errPageGraph, m.freelist, n)
		}
	}
	return g.tree(m.root, 0, nil, nil)
}

type pageGraph struct {
	f         io.ReaderAt
	pageSize  int64
	highWater uint64
	seen      map[uint64]bool
}

type rawPage struct {
	id       uint64
	flags    uint16
	count    int
	overflow uint32
	data     []byte // the whole page, header included
}

// page reads page id, checking that it lies within the file's pages.
func (g *pageGraph) page(id uint64) (rawPage, error) {
	if id < 2 || id >= g.highWater {
		return rawPage{}, fmt.Errorf("%w: page id %d outside 2..%d", errPageGraph, id, g.highWater-1)
	}
	var h [pgHeader]byte
	if _, err := g.f.ReadAt(h[:], int64(id)*g.pageSize); err != nil {
		return rawPage{}, fmt.Errorf("%w: page %d: %v", errPageGraph, id, err)
	}
	le := binary.LittleEndian
	p := rawPage{id: le.Uint64(h[0:]), flags: le.Uint16(h[8:]), count: int(le.Uint16(h[10:])), overflow: le.Uint32(h[12:])}
	if p.id != id {
		return rawPage{}, fmt.Errorf("%w: page %d says it is page %d", errPageGraph, id, p.id)
	}
	if uint64(p.overflow) >= g.highWater-id {
		return rawPage{}, fmt.Errorf("%w: page %d overflows %d pages past the file's end", errPageGraph, id, p.overflow)
	}
	p.data = make([]byte, int64(p.overflow+1)*g.pageSize)
	if _, err := g.f.ReadAt(p.data, int64(id)*g.pageSize); err != nil {
		return rawPage{}, fmt.Errorf("%w: page %d: %v", errPageGraph, id, err)
	}
	return p, nil
}

// tree checks the branch or leaf page id and everything below it; its keys
// must lie in [lo, hi) (nil: unbounded), as its parent's keys say.
func (g *pageGraph) tree(id uint64, depth int, lo, hi []byte) error {
	if depth > pgMaxDepth {
		return fmt.Errorf("%w: the tree is deeper than %d pages at page %d", errPageGraph, pgMaxDepth, id)
	}
	if g.seen[id] {
		return fmt.Errorf("%w: page %d is reached twice (a cycle, or a page shared by two parents)", errPageGraph, id)
	}
	g.seen[id] = true
	p, err := g.page(id)
	if err != nil {
		return err
	}
	return g.nodes(p, depth, lo, hi)
}

// nodes checks the elements of a branch or leaf page (p.data may be an
// inline page inside a bucket's value): in bounds, keys strictly
// increasing within [lo, hi), children and buckets below.
func (g *pageGraph) nodes(p rawPage, depth int, lo, hi []byte) error {
	if p.flags != pgBranch && p.flags != pgLeaf {
		return fmt.Errorf("%w: page %d has flags %#x where a branch or leaf page belongs", errPageGraph, p.id, p.flags)
	}
	if p.count == 0 && p.flags == pgBranch {
		return fmt.Errorf("%w: branch page %d has no elements", errPageGraph, p.id)
	}
	if pgHeader+p.count*pgElement > len(p.data) {
		return fmt.Errorf("%w: page %d: %d elements do not fit", errPageGraph, p.id, p.count)
	}
	le := binary.LittleEndian
	// The keys first: all in the page, strictly increasing, within the
	// parent's bounds.
	keys := make([][]byte, p.count)
	for i := range p.count {
		at := int64(pgHeader + i*pgElement)
		e := p.data[at : at+pgElement]
		var pos, size int64 // of the key, then of key and value together
		if p.flags == pgBranch {
			pos, size = int64(le.Uint32(e[0:])), int64(le.Uint32(e[4:]))
		} else {
			pos, size = int64(le.Uint32(e[4:])), int64(le.Uint32(e[8:]))+int64(le.Uint32(e[12:]))
		}
		if at+pos+size > int64(len(p.data)) {
			return fmt.Errorf("%w: page %d: element %d's key or value is outside the page", errPageGraph, p.id, i)
		}
		keys[i] = p.data[at+pos : at+pos+int64(le.Uint32(e[4+4*int(p.flags&pgLeaf>>1):]))]
		switch {
		case i > 0 && bytes.Compare(keys[i-1], keys[i]) >= 0:
			return fmt.Errorf("%w: page %d: key %d is not after key %d", errPageGraph, p.id, i, i-1)
		case lo != nil && bytes.Compare(keys[i], lo) < 0, hi != nil && bytes.Compare(keys[i], hi) >= 0:
			return fmt.Errorf("%w: page %d: key %d is outside the range its parent gives", errPageGraph, p.id, i)
		}
	}
	for i := range p.count {
		at := int64(pgHeader + i*pgElement)
		e := p.data[at : at+pgElement]
		if p.flags == pgBranch {
			next := hi
			if i+1 < p.count {
				next = keys[i+1]
			}
			if err := g.tree(le.Uint64(e[8:]), depth+1, keys[i], next); err != nil {
				return err
			}
			continue
		}
		flags, pos, ksize, vsize := le.Uint32(e[0:]), int64(le.Uint32(e[4:])), int64(le.Uint32(e[8:])), int64(le.Uint32(e[12:]))
		if flags&pgBucketLeaf == 0 {
			continue
		}
		value := p.data[at+pos+ksize : at+pos+ksize+vsize]
		if len(value) < pgBucketValue {
			return fmt.Errorf("%w: page %d: element %d is a bucket of %d bytes", errPageGraph, p.id, i, len(value))
		}
		if root := le.Uint64(value); root != 0 {
			if err := g.tree(root, depth+1, nil, nil); err != nil {
				return err
			}
			continue
		}
		inline := value[pgBucketValue:]
		if len(inline) < pgHeader {
			return fmt.Errorf("%w: page %d: element %d's inline bucket is %d bytes", errPageGraph, p.id, i, len(inline))
		}
		ip := rawPage{id: p.id, flags: le.Uint16(inline[8:]), count: int(le.Uint16(inline[10:])), data: inline}
		if depth+1 > pgMaxDepth {
			return fmt.Errorf("%w: buckets nested deeper than %d at page %d", errPageGraph, pgMaxDepth, p.id)
		}
		if err := g.nodes(ip, depth+1, nil, nil); err != nil {
			return err
		}
	}
	return nil
}
