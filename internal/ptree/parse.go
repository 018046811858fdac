package ptree

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// MaxDepth is the deepest nesting of objects and arrays that Parse accepts;
// the root object or array is at depth 1.
const MaxDepth = 512

// ErrSyntax is wrapped by every error that Parse returns.
var ErrSyntax = errors.New("ptree: invalid JSON")

// SyntaxError describes why and where Parse refused its input. It unwraps
// to ErrSyntax.
type SyntaxError struct {
	Offset int    // byte offset in the input where the problem was found
	Msg    string // what was wrong, e.g. "expected ':'"
}

func (e *SyntaxError) Error() string {
	return "ptree: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// Parse reads a JSON document the way boost property_tree's read_json does
// (see the package documentation). The returned tree's strings share one
// copy of data; data itself is not retained.
//
// A first pass validates the whole document without allocating; a document
// with more values than [MaxValues] allows for its size is refused after
// it. Then the root and its members are built, except members that are
// non-empty objects or arrays: those keep their source text and are built
// when first read (Get, Child, All, Each, Len, rendering, Equal, ...).
func Parse(data []byte) (*Tree, error) {
	// The scan only reads data and keeps no string of it, so it can look
	// at data in place.
	sc := parser{s: unsafe.String(unsafe.SliceData(data), len(data)), scan: true}
	if err := sc.document(nil, nil); err != nil {
		return nil, err
	}
	if limit := MaxValues(len(data)); sc.values > limit {
		return nil, &SyntaxError{Offset: len(data), Msg: "too many values: " +
			strconv.Itoa(sc.values) + " in " + strconv.Itoa(len(data)) +
			" bytes, at most " + strconv.Itoa(limit)}
	}
	p := parser{
		s:      string(data),
		top:    true,
		trees:  make([]Tree, sc.rootKids+1),
		kids:   make([]child, sc.rootKids),
		lazies: make([]lazy, sc.rootContainers),
	}
	root := p.newTree()
	// The root's children are the only ones built now (its containers are
	// lazy), so its stack can be their final storage.
	if err := p.document(root, p.kids[:0]); err != nil {
		return nil, err // unreachable: the scan accepted the same text
	}
	return root, nil
}

// MaxValues is how many JSON values (objects, arrays, strings, numbers,
// true, false, null, the root included) Parse accepts in a document of n
// bytes: one per 64 bytes, and at least 16384 so that no small request is
// refused. A value costs at most 96 bytes once built (node, child entry,
// builder stack), so a large parsed tree costs at most 1.5 times its
// source, and a small one at most about 1.5 MB; Nano's bulk requests
// (accounts, 64-hex hashes) take 67 bytes or more per value.
func MaxValues(n int) int { return max(minValues, n/bytesPerValue) }

const (
	minValues     = 16384
	bytesPerValue = 64
)

// document parses the whole input into root (nil when scanning).
func (p *parser) document(root *Tree, stack []child) error {
	if len(p.s) > 0 && p.s[0] == 0xEF {
		// boost's utf8 encoding skips three bytes after a leading 0xEF
		// without looking at them (meant for a UTF-8 BOM).
		p.i = min(3, len(p.s))
	}
	p.skipWS()
	if p.i >= len(p.s) || (p.s[p.i] != '{' && p.s[p.i] != '[') {
		return p.fail("expected '{' or '['")
	}
	if _, err := p.parseValue(root, stack); err != nil {
		return err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return p.fail("garbage after data")
	}
	return nil
}

// parser is both the validating scan (scan set: no tree, no allocation,
// only counts) and the builder, so that both take exactly the same path
// through the input and the builder meets no error the scan did not.
type parser struct {
	s     string
	i     int
	depth int

	scan           bool
	values         int // values seen (scan)
	pending        int // children of the open containers (scan)
	pendMax        int // most pending at any time: the builder's stack
	rootKids       int // children of the root (scan)
	rootContainers int // root children that are objects or arrays (scan)

	top    bool   // build the root's non-empty containers lazily
	lazies []lazy // storage for them

	trees []Tree  // unused node storage, sized by the scan
	kids  []child // unused children storage, sized by the scan

	buf []byte // scratch for unescaping strings
}

func (p *parser) fail(msg string) error {
	return &SyntaxError{Offset: p.i, Msg: msg}
}

func (p *parser) skipWS() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// newTree returns a node from the storage the scan sized (nil when
// scanning).
func (p *parser) newTree() *Tree {
	if p.scan {
		return nil
	}
	if len(p.trees) == 0 { // cannot happen: the scan counted; stay safe
		return &Tree{}
	}
	t := &p.trees[0]
	p.trees = p.trees[1:]
	return t
}

// takeKids copies cs into the children storage and returns it with cap ==
// len, so that a later append on one node never overwrites a neighbour's
// children.
func (p *parser) takeKids(cs []child) []child {
	n := len(cs)
	if n > 0 && len(p.kids) >= n && &p.kids[0] == &cs[0] {
		out := p.kids[:n:n] // built in place (Parse's root)
		p.kids = p.kids[n:]
		return out
	}
	if len(p.kids) < n { // cannot happen: the scan counted; stay safe
		p.kids = make([]child, n)
	}
	out := p.kids[:n:n]
	copy(out, cs)
	p.kids = p.kids[n:]
	return out
}

// lazyContainer scans the object or array at p.i (the root's child t) and
// leaves it to be built on first use, or as an empty leaf if it is empty.
func (p *parser) lazyContainer(t *Tree, open byte) error {
	start := p.i
	p.scan = true
	_, err := p.parseContainer(nil, open, nil)
	p.scan = false
	if err != nil {
		return err
	}
	src := p.s[start:p.i]
	for i := 1; i < len(src)-1; i++ {
		if c := src[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			if len(p.lazies) == 0 { // cannot happen: the scan counted
				p.lazies = make([]lazy, 1)
			}
			z := &p.lazies[0]
			p.lazies = p.lazies[1:]
			z.src = src
			t.lazy = z
			return nil
		}
	}
	return nil
}

// parseValue parses the value at p.i (whitespace already skipped) into t.
// stack holds the pending children of the enclosing containers; it is
// returned as it was, possibly reallocated.
func (p *parser) parseValue(t *Tree, stack []child) ([]child, error) {
	if p.i >= len(p.s) {
		return stack, p.fail("expected value")
	}
	p.values++
	var err error
	switch c := p.s[p.i]; c {
	case '{', '[':
		if p.depth == 1 {
			if p.top {
				return stack, p.lazyContainer(t, c)
			}
			if p.scan {
				p.rootContainers++
			}
		}
		return p.parseContainer(t, c, stack)
	case '"':
		var v string
		if v, err = p.parseString(); t != nil {
			t.Value = v
		}
	case 't':
		err = p.literal(t, "true")
	case 'f':
		err = p.literal(t, "false")
	case 'n':
		err = p.literal(t, "null")
	default:
		err = p.parseNumber(t)
	}
	return stack, err
}

func (p *parser) literal(t *Tree, word string) error {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return p.fail("expected '" + word + "'")
	}
	p.i += len(word)
	if t != nil {
		t.Value = word
	}
	return nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *parser) digits() {
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		p.i++
	}
}

// parseNumber accepts -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and
// keeps its source text.
func (p *parser) parseNumber(t *Tree) error {
	s := p.s
	start := p.i
	if s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(s) && s[p.i] == '0':
		p.i++
	case p.i < len(s) && isDigit(s[p.i]):
		p.digits()
	case p.i > start:
		return p.fail("expected digits after '-'")
	default:
		return p.fail("expected value")
	}
	if p.i < len(s) && s[p.i] == '.' {
		p.i++
		if p.i >= len(s) || !isDigit(s[p.i]) {
			return p.fail("need at least one digit after '.'")
		}
		p.digits()
	}
	if p.i < len(s) && (s[p.i] == 'e' || s[p.i] == 'E') {
		p.i++
		if p.i < len(s) && (s[p.i] == '+' || s[p.i] == '-') {
			p.i++
		}
		if p.i >= len(s) || !isDigit(s[p.i]) {
			return p.fail("need at least one digit in exponent")
		}
		p.digits()
	}
	if t != nil {
		t.Value = s[start:p.i]
	}
	return nil
}

// parseContainer parses an object (open == '{') or array (open == '[')
// starting at p.i into t.
func (p *parser) parseContainer(t *Tree, open byte, stack []child) ([]child, error) {
	if p.depth++; p.depth > MaxDepth {
		return stack, p.fail("nesting deeper than " + strconv.Itoa(MaxDepth))
	}
	closer := byte(']')
	if open == '{' {
		closer = '}'
	}
	p.i++
	p.skipWS()
	if p.i < len(p.s) && p.s[p.i] == closer {
		p.i++
		p.depth--
		return stack, nil
	}
	base := len(stack)
	n := 0 // children so far (scan)
	for {
		var key string
		if open == '{' {
			if p.i >= len(p.s) || p.s[p.i] != '"' {
				return stack, p.fail("expected key string")
			}
			k, err := p.parseString()
			if err != nil {
				return stack, err
			}
			key = k
			p.skipWS()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return stack, p.fail("expected ':'")
			}
			p.i++
			p.skipWS()
		}
		v := p.newTree()
		var err error
		if stack, err = p.parseValue(v, stack); err != nil {
			return stack, err
		}
		if p.scan {
			n++
			p.pending++
			p.pendMax = max(p.pendMax, p.pending)
		} else {
			stack = push(stack, child{key, v})
		}
		p.skipWS()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			p.skipWS()
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == closer {
			p.i++
			break
		}
		if open == '{' {
			return stack, p.fail("expected '}' or ','")
		}
		return stack, p.fail("expected ']' or ','")
	}
	p.depth--
	if p.scan {
		p.pending -= n
		if p.depth == 0 {
			p.rootKids = n
		}
		return stack, nil
	}
	t.kids = p.takeKids(stack[base:])
	if &t.kids[0] != &stack[base] {
		clear(stack[base:]) // release the pointers; Parse's root stack is t.kids itself
	}
	return stack[:base], nil
}

// strPlain marks the bytes that stand for themselves inside a string.
var strPlain = func() (tab [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		tab[c] = c != '"' && c != '\\'
	}
	return tab
}()

// parseString parses the string starting with the quote at p.i. Without
// escapes the result is a substring of the input (no allocation).
func (p *parser) parseString() (string, error) {
	s := p.s
	i := p.i + 1
	run := i     // start of the bytes not yet copied to b
	var b []byte // unescaped text so far, once an escape was seen
	escaped := false
	for {
		for i < len(s) && strPlain[s[i]] {
			i++
		}
		if i >= len(s) {
			p.i = i
			return "", p.fail("unterminated string")
		}
		switch c := s[i]; {
		case c == '"':
			p.i = i + 1
			if !escaped {
				return s[run:i], nil
			}
			if p.scan {
				return "", nil
			}
			b = append(b, s[run:i]...)
			str := string(b)
			p.buf = b[:0]
			return str, nil
		case c == '\\':
			if !escaped && !p.scan {
				b = p.buf[:0]
			}
			escaped = true
			if !p.scan {
				b = append(b, s[run:i]...)
			}
			var err error
			if b, i, err = p.unescape(b, i+1); err != nil {
				return "", err
			}
			run = i
		case c < 0x20:
			p.i = i
			return "", p.fail("invalid code sequence")
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				p.i = i
				return "", p.fail("invalid code sequence")
			}
			i += size
		}
	}
}

// unescape decodes the escape whose letter is at s[i] (the backslash is at
// i-1), appends it to b and returns the index after it.
func (p *parser) unescape(b []byte, i int) ([]byte, int, error) {
	s := p.s
	if i >= len(s) {
		p.i = i
		return b, i, p.fail("invalid escape sequence")
	}
	var c byte
	switch s[i] {
	case '"':
		c = '"'
	case '\\':
		c = '\\'
	case '/':
		c = '/'
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r, ok := hex4(s, i+1)
		if !ok {
			p.i = i
			return b, i, p.fail("invalid escape sequence")
		}
		i += 5
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			p.i = i
			return b, i, p.fail("invalid codepoint, stray low surrogate")
		case r >= 0xD800 && r <= 0xDBFF:
			if i+1 >= len(s) || s[i] != '\\' || s[i+1] != 'u' {
				p.i = i
				return b, i, p.fail("expected low surrogate after high surrogate")
			}
			lo, ok := hex4(s, i+2)
			if !ok || lo < 0xDC00 || lo > 0xDFFF {
				p.i = i
				return b, i, p.fail("expected low surrogate after high surrogate")
			}
			r = utf16.DecodeRune(r, lo)
			i += 6
		}
		if p.scan {
			return b, i, nil
		}
		return utf8.AppendRune(b, r), i, nil
	default:
		p.i = i
		return b, i, p.fail("invalid escape sequence")
	}
	if p.scan {
		return b, i + 1, nil
	}
	return append(b, c), i + 1, nil
}

// hex4 decodes the four hex digits at s[i:i+4].
func hex4(s string, i int) (rune, bool) {
	if len(s)-i < 4 {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// push is append for the pending-children stack, written out because append
// on a parameter makes escape analysis move the caller's array to the heap.
func push(stack []child, c child) []child {
	n := len(stack)
	if n == cap(stack) {
		grown := make([]child, n, 2*n+16)
		copy(grown, stack)
		stack = grown
	}
	stack = stack[:n+1]
	stack[n] = c
	return stack
}
