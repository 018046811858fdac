package fbjson

import (
	"strconv"
	"unicode/utf8"
)

// Tokens: single characters are their byte value, the rest are above 255,
// as in flatbuffers' idl_parser.
const (
	tokEOF    = 256
	tokString = 257
	tokInt    = 258
	tokFloat  = 259
	tokIdent  = 260
)

var tokNames = [...]string{"end of file", "string constant", "integer constant", "float constant", "identifier"}

func tokenString(t int) string {
	if t < 256 {
		return string(rune(byte(t)))
	}
	return tokNames[t-256]
}

// lexState is what the union look-ahead saves and restores (flatbuffers'
// ParserState).
type lexState struct {
	cursor, lineStart, line int
	start                   int
	tok                     int
	trivial                 bool
	attr                    []byte
}

type lexer struct {
	src       []byte
	cursor    int // index of the next byte to read
	lineStart int // index where the current line starts
	start     int // index of the current token's first byte
	line      int
	tok       int
	attr      []byte // token text: identifier, number, or decoded string
	trivial   bool   // the string token is printable ASCII without escapes
}

// at is the byte at i, or 0 past the end: the parser sees a C string, so a
// NUL byte in the input ends it, as it does for the node.
func (l *lexer) at(i int) byte {
	if i < len(l.src) {
		return l.src[i]
	}
	return 0
}

func (l *lexer) save() lexState {
	return lexState{l.cursor, l.lineStart, l.line, l.start, l.tok, l.trivial, append([]byte(nil), l.attr...)}
}

func (l *lexer) restore(s lexState) {
	l.cursor, l.lineStart, l.line, l.start, l.tok, l.trivial = s.cursor, s.lineStart, s.line, s.start, s.tok, s.trivial
	l.attr = append(l.attr[:0], s.attr...)
}

// errorf builds the error at the current cursor, flatbuffers' way: the
// column is the number of bytes from the start of the line to the cursor.
func (l *lexer) error(msg string) error {
	return &ParseError{Line: l.line, Col: l.cursor - l.lineStart, Msg: msg}
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool      { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isIdentStart(c byte) bool { return isAlpha(c) || c == '_' }
func isXDigit(c byte) bool     { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f' }

// alphaChar is flatbuffers' is_alpha_char: c is the letter up, any case.
func alphaChar(c, up byte) bool { return c&0xDF == up }

func (l *lexer) skipBOM() error {
	if l.at(l.cursor) != 0xEF {
		return nil
	}
	l.cursor++
	if l.at(l.cursor) != 0xBB {
		return l.error("invalid utf-8 byte order mark")
	}
	l.cursor++
	if l.at(l.cursor) != 0xBF {
		return l.error("invalid utf-8 byte order mark")
	}
	l.cursor++
	return nil
}

// next reads the next token (flatbuffers' Parser::Next).
func (l *lexer) next() error {
	l.attr = l.attr[:0]
	l.trivial = true
	seenNewline := l.cursor == 0
	for {
		c := l.at(l.cursor)
		l.start = l.cursor
		l.cursor++
		l.tok = int(c)
		switch c {
		case 0:
			l.cursor--
			l.tok = tokEOF
			return nil
		case ' ', '\r', '\t':
			continue
		case '\n':
			l.lineStart = l.cursor
			l.line++
			seenNewline = true
			continue
		case '{', '}', '(', ')', '[', ']', '<', '>', ',', ':', ';', '=':
			return nil
		case '"', '\'':
			return l.str(c)
		case '/':
			switch l.at(l.cursor) {
			case '/':
				l.cursor++
				start := l.cursor
				for c := l.at(l.cursor); c != 0 && c != '\n' && c != '\r'; c = l.at(l.cursor) {
					l.cursor++
				}
				if l.at(start) == '/' && !seenNewline {
					return l.error("a documentation comment should be on a line on its own")
				}
				continue
			case '*':
				l.cursor++
				for l.at(l.cursor) != '*' || l.at(l.cursor+1) != '/' {
					if l.at(l.cursor) == '\n' {
						// flatbuffers marks the line start AT the newline here.
						l.lineStart = l.cursor
						l.line++
					}
					if l.at(l.cursor) == 0 {
						return l.error("end of file in comment")
					}
					l.cursor++
				}
				l.cursor += 2
				continue
			}
		}
		return l.other(c)
	}
}

// other lexes identifiers and numbers, or fails on an illegal character.
func (l *lexer) other(c byte) error {
	if isIdentStart(c) {
		start := l.cursor - 1
		for isIdentStart(l.at(l.cursor)) || isDigit(l.at(l.cursor)) {
			l.cursor++
		}
		l.attr = append(l.attr, l.src[start:l.cursor]...)
		l.tok = tokIdent
		return nil
	}
	hasSign := c == '+' || c == '-'
	if hasSign {
		if l.at(l.cursor) == 'i' && l.at(l.cursor+1) == 'n' && l.at(l.cursor+2) == 'f' &&
			!(isIdentStart(l.at(l.cursor+3)) || isDigit(l.at(l.cursor+3))) {
			l.attr = append(l.attr, l.src[l.cursor-1:l.cursor+3]...)
			l.tok = tokFloat
			l.cursor += 3
			return nil
		}
		if isIdentStart(l.at(l.cursor)) {
			return nil // the sign itself is the token
		}
	}
	dotLvl := 1 // 0: exactly one '.' seen
	if c == '.' {
		dotLvl = 0
	}
	if dotLvl == 0 && !isDigit(l.at(l.cursor)) {
		return nil // '.'
	}
	if isDigit(c) || hasSign || dotLvl == 0 {
		start := l.cursor - 1
		startDigits := l.cursor - 1
		if !isDigit(c) {
			startDigits = l.cursor
		}
		if !isDigit(c) && isDigit(l.at(l.cursor)) {
			startDigits = l.cursor
			c = l.at(l.cursor)
			l.cursor++
		}
		useHex := dotLvl != 0 && c == '0' && alphaChar(l.at(l.cursor), 'X')
		if useHex {
			l.cursor++
			startDigits = l.cursor
		}
		for {
			if useHex {
				for isXDigit(l.at(l.cursor)) {
					l.cursor++
				}
			} else {
				for isDigit(l.at(l.cursor)) {
					l.cursor++
				}
			}
			if l.at(l.cursor) != '.' {
				break
			}
			l.cursor++
			if dotLvl--; dotLvl < 0 {
				break
			}
		}
		if dotLvl >= 0 && l.cursor > startDigits {
			if useHex && dotLvl == 0 {
				startDigits = l.cursor
			}
			if useHex && alphaChar(l.at(l.cursor), 'P') || alphaChar(l.at(l.cursor), 'E') {
				dotLvl = 0
				l.cursor++
				if l.at(l.cursor) == '+' || l.at(l.cursor) == '-' {
					l.cursor++
				}
				startDigits = l.cursor
				for isDigit(l.at(l.cursor)) {
					l.cursor++
				}
				if l.at(l.cursor) == '.' {
					l.cursor++
					dotLvl = -1
				}
			}
		}
		if dotLvl >= 0 && l.cursor > startDigits {
			l.attr = append(l.attr, l.src[start:l.cursor]...)
			if dotLvl != 0 {
				l.tok = tokInt
			} else {
				l.tok = tokFloat
			}
			return nil
		}
		return l.error("invalid number: " + string(l.src[start:min(l.cursor, len(l.src))]))
	}
	ch := string(rune(c))
	if c < ' ' || c > '~' {
		ch = "code: " + strconv.Itoa(int(int8(c)))
	}
	return l.error("illegal character: " + ch)
}

func (l *lexer) hex(n int) (uint32, error) {
	for i := 0; i < n; i++ {
		if !isXDigit(l.at(l.cursor + i)) {
			return 0, l.error("escape code must be followed by " + strconv.Itoa(n) + " hex digits")
		}
	}
	v, _ := strconv.ParseUint(string(l.src[l.cursor:l.cursor+n]), 16, 32)
	l.cursor += n
	return uint32(v), nil
}

// str lexes a string constant quoted by q (" or ').
func (l *lexer) str(q byte) error {
	high := -1 // pending high surrogate
	for {
		c := l.at(l.cursor)
		if c == q {
			break
		}
		if c < ' ' { // includes the end of the input
			return l.error("illegal character in string constant")
		}
		if c != '\\' {
			if high != -1 {
				return l.error("illegal Unicode sequence (unpaired high surrogate)")
			}
			if c > '~' {
				l.trivial = false
			}
			l.attr = append(l.attr, c)
			l.cursor++
			continue
		}
		l.trivial = false
		l.cursor++
		e := l.at(l.cursor)
		if high != -1 && e != 'u' {
			return l.error("illegal Unicode sequence (unpaired high surrogate)")
		}
		switch e {
		case 'n', 't', 'r', 'b', 'f', '"', '\'', '\\', '/':
			l.attr = append(l.attr, unescape(e))
			l.cursor++
		case 'x':
			l.cursor++
			v, err := l.hex(2)
			if err != nil {
				return err
			}
			l.attr = append(l.attr, byte(v))
		case 'u':
			l.cursor++
			v, err := l.hex(4)
			if err != nil {
				return err
			}
			switch {
			case v >= 0xD800 && v <= 0xDBFF:
				if high != -1 {
					return l.error("illegal Unicode sequence (multiple high surrogates)")
				}
				high = int(v)
			case v >= 0xDC00 && v <= 0xDFFF:
				if high == -1 {
					return l.error("illegal Unicode sequence (unpaired low surrogate)")
				}
				l.attr = utf8.AppendRune(l.attr, rune(0x10000+(high&0x3FF)<<10+int(v&0x3FF)))
				high = -1
			default:
				if high != -1 {
					return l.error("illegal Unicode sequence (unpaired high surrogate)")
				}
				l.attr = utf8.AppendRune(l.attr, rune(v))
			}
		default:
			return l.error("unknown escape code in string constant")
		}
	}
	if high != -1 {
		return l.error("illegal Unicode sequence (unpaired high surrogate)")
	}
	l.cursor++
	if !l.trivial && !utf8.Valid(l.attr) {
		return l.error("illegal UTF-8 sequence")
	}
	l.tok = tokString
	return nil
}

// tokenID is flatbuffers' TokenToStringId: an identifier's text, else the
// token's name.
func (l *lexer) tokenID() string {
	if l.tok == tokIdent {
		return string(l.attr)
	}
	return tokenString(l.tok)
}

// expect consumes token t or fails with "expecting: X instead got: Y".
func (l *lexer) expect(t int) error {
	if l.tok != t {
		return l.error("expecting: " + tokenString(t) + " instead got: " + l.tokenID())
	}
	return l.next()
}

func (l *lexer) isIdent(s string) bool { return l.tok == tokIdent && string(l.attr) == s }

// unescape is the byte a one-character escape stands for.
func unescape(e byte) byte {
	switch e {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	}
	return e // " ' \ /
}
