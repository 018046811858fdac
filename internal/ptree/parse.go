package ptree

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
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
func Parse(data []byte) (*Tree, error) {
	// Every value but the root is preceded by ',' or by the '[' or '{' that
	// opens its container, so counting those bytes anywhere (strings
	// included) bounds the number of nodes. Node storage is carved from
	// chunks sized by that bound, growing geometrically, so a tiny request
	// costs exactly one chunk and a bogus bound costs little.
	bound := 1 + bytes.Count(data, []byte{','}) +
		bytes.Count(data, []byte{'{'}) + bytes.Count(data, []byte{'['})
	p := parser{
		s:        string(data),
		treeLeft: bound,
		kidLeft:  bound - 1,
	}
	// The first children chunk also holds the stack of pending children
	// (those of the open containers, innermost last): one allocation.
	const pendingCap = 8
	n := min(p.kidLeft, 64)
	chunk := make([]child, n+pendingCap)
	p.kids, p.kidLeft, p.lastKid = chunk[:n:n], p.kidLeft-n, n
	pending := chunk[n:n]
	if len(p.s) > 0 && p.s[0] == 0xEF {
		// boost's utf8 encoding skips three bytes after a leading 0xEF
		// without looking at them (meant for a UTF-8 BOM).
		p.i = min(3, len(p.s))
	}
	p.skipWS()
	if p.i >= len(p.s) || (p.s[p.i] != '{' && p.s[p.i] != '[') {
		return nil, p.fail("expected '{' or '['")
	}
	root := p.newTree()
	if _, err := p.parseValue(root, pending); err != nil {
		return nil, err
	}
	p.skipWS()
	if p.i != len(p.s) {
		return nil, p.fail("garbage after data")
	}
	return root, nil
}

type parser struct {
	s     string
	i     int
	depth int

	trees    []Tree // unused part of the current node chunk
	treeLeft int    // nodes that later chunks may still need (upper bound)
	lastTree int    // size of the last node chunk

	kids    []child // unused part of the current children chunk
	kidLeft int
	lastKid int

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

func (p *parser) newTree() *Tree {
	if len(p.trees) == 0 {
		n := min(p.treeLeft, max(2*p.lastTree, 64))
		if n <= 0 { // cannot happen: the bound holds; stay safe anyway
			n = 64
		}
		p.trees = make([]Tree, n)
		p.treeLeft -= n
		p.lastTree = n
	}
	t := &p.trees[0]
	p.trees = p.trees[1:]
	return t
}

// takeKids copies cs into chunk storage and returns it with cap == len, so
// that a later append on one node never overwrites a neighbour's children.
func (p *parser) takeKids(cs []child) []child {
	n := len(cs)
	if len(p.kids) < n {
		m := max(min(p.kidLeft, max(2*p.lastKid, 64)), n)
		p.kids = make([]child, m)
		p.kidLeft -= m
		p.lastKid = m
	}
	out := p.kids[:n:n]
	copy(out, cs)
	p.kids = p.kids[n:]
	return out
}

// parseValue parses the value at p.i (whitespace already skipped) into t.
// stack holds the pending children of the enclosing containers; it is
// returned as it was, possibly reallocated.
func (p *parser) parseValue(t *Tree, stack []child) ([]child, error) {
	if p.i >= len(p.s) {
		return stack, p.fail("expected value")
	}
	var err error
	switch c := p.s[p.i]; c {
	case '{', '[':
		return p.parseContainer(t, c, stack)
	case '"':
		t.Value, err = p.parseString()
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
	t.Value = word
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
	t.Value = s[start:p.i]
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
		stack = push(stack, child{key, v})
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
	t.kids = p.takeKids(stack[base:])
	clear(stack[base:])
	p.depth--
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
			b = append(b, s[run:i]...)
			str := string(b)
			p.buf = b[:0]
			return str, nil
		case c == '\\':
			if !escaped {
				escaped = true
				b = p.buf[:0]
			}
			b = append(b, s[run:i]...)
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
		return utf8.AppendRune(b, r), i, nil
	default:
		p.i = i
		return b, i, p.fail("invalid escape sequence")
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
