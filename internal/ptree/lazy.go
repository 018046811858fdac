package ptree

import "sync"

// lazy is a top-level member's object or array that Parse validated but
// did not build: most actions read a few keys, so the others never cost a
// node. The first read of the member's children builds its whole subtree.
type lazy struct {
	once sync.Once
	src  string // the member's JSON text (a substring of Parse's copy)
}

// children returns t's children, building them first if Parse left t
// unparsed. Concurrent callers are safe: the build happens once.
func (t *Tree) children() []child {
	if z := t.lazy; z != nil {
		z.once.Do(func() { t.kids = build(z.src) })
	}
	return t.kids
}

// build parses src, a non-empty object or array that Parse has already
// validated, and returns its children. A first pass counts the values and
// the deepest the stack of pending children gets, so that the nodes, the
// children and the stack are three allocations of exactly the needed size.
func build(src string) []child {
	sc := parser{s: src, scan: true}
	sc.parseValue(nil, nil) // cannot fail: Parse validated src
	p := parser{
		s:     src,
		trees: make([]Tree, sc.values-1),
		kids:  make([]child, sc.values-1),
	}
	var t Tree
	if _, err := p.parseValue(&t, make([]child, 0, sc.pendMax)); err != nil {
		// Unreachable: src was validated. Keep the member empty rather
		// than half built.
		return nil
	}
	return t.kids
}
