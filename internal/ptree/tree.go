package ptree

import "iter"

// Tree is one node: a string Value and an ordered list of keyed children.
// The zero value is an empty tree ready to use.
type Tree struct {
	// Value is the node's data. It is what a leaf renders as; the Value of a
	// node with children is not rendered.
	Value string
	kids  []child
	// lazy, if set, holds the source of a non-empty object or array that
	// Parse left unparsed; children materialises it on first use.
	lazy *lazy
}

type child struct {
	key string
	t   *Tree
}

// New returns an empty tree (it renders as "{\n}\n" at the root).
func New() *Tree { return &Tree{} }

// Len returns the number of children.
func (t *Tree) Len() int { return len(t.children()) }

// IsLeaf reports whether t has no children. It does not materialise a
// member that Parse left unparsed: such a member is never empty.
func (t *Tree) IsLeaf() bool { return t.lazy == nil && len(t.kids) == 0 }

func (t *Tree) find(key string) int {
	kids := t.children()
	for i := range kids {
		if kids[i].key == key {
			return i
		}
	}
	return -1
}

// Child returns the first child with the given key.
func (t *Tree) Child(key string) (*Tree, bool) {
	if i := t.find(key); i >= 0 {
		return t.kids[i].t, true
	}
	return nil, false
}

// Get returns the Value of the first child with the given key; ok is false
// if there is no such child or it has children (boost's get<std::string>
// would return that node's empty Value; use Child to get it that way).
func (t *Tree) Get(key string) (value string, ok bool) {
	if i := t.find(key); i >= 0 && t.kids[i].t.IsLeaf() {
		return t.kids[i].t.Value, true
	}
	return "", false
}

// Has reports whether t has a child with the given key.
func (t *Tree) Has(key string) bool { return t.find(key) >= 0 }

// All iterates over the children in order; array elements have key "".
func (t *Tree) All() iter.Seq2[string, *Tree] {
	return func(yield func(string, *Tree) bool) {
		kids := t.children()
		for i := range kids {
			if !yield(kids[i].key, kids[i].t) {
				return
			}
		}
	}
}

// Each calls f for every child in order until f returns false.
func (t *Tree) Each(f func(key string, v *Tree) bool) {
	kids := t.children()
	for i := range kids {
		if !f(kids[i].key, kids[i].t) {
			return
		}
	}
}

// Put appends a leaf child (boost push_back: an existing key is not
// replaced) and returns t.
func (t *Tree) Put(key, value string) *Tree {
	t.kids = append(t.children(), child{key, &Tree{Value: value}})
	return t
}

// Set sets the Value of the first child with the given key, dropping that
// child's own children, or appends a leaf child if there is none (boost
// put). It returns t.
func (t *Tree) Set(key, value string) *Tree {
	if i := t.find(key); i >= 0 {
		c := t.kids[i].t
		c.Value, c.kids, c.lazy = value, nil, nil
		return t
	}
	return t.Put(key, value)
}

// PutChild appends c (not a copy) as a child under key and returns t.
// A nil c is taken as an empty tree.
func (t *Tree) PutChild(key string, c *Tree) *Tree {
	if c == nil {
		c = &Tree{}
	}
	t.kids = append(t.children(), child{key, c})
	return t
}

// Push appends c (not a copy) as an array element (key "").
func (t *Tree) Push(c *Tree) { t.PutChild("", c) }

// PushValue appends a leaf array element (key "").
func (t *Tree) PushValue(v string) { t.Put("", v) }

// Equal reports whether a and b have the same Value, keys and subtrees in
// the same order.
func Equal(a, b *Tree) bool {
	if a == b {
		return true
	}
	if a == nil || b == nil || a.Value != b.Value {
		return false
	}
	ak, bk := a.children(), b.children()
	if len(ak) != len(bk) {
		return false
	}
	for i := range ak {
		if ak[i].key != bk[i].key || !Equal(ak[i].t, bk[i].t) {
			return false
		}
	}
	return true
}
