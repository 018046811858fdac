package ptree

import (
	"unicode/utf16"
	"unicode/utf8"
)

// AppendPretty appends t as boost write_json(pretty=true) writes it,
// including the final "\n", and returns the extended buffer. A nil t is
// written as an empty tree.
func AppendPretty(dst []byte, t *Tree) []byte {
	return append(appendObject(dst, t, 0, true), '\n')
}

// AppendCompact appends t as boost write_json(pretty=false) writes it (as
// of boost 1.82: with a final "\n") and returns the extended buffer.
func AppendCompact(dst []byte, t *Tree) []byte {
	return append(appendObject(dst, t, 0, false), '\n')
}

// ErrorReply returns the pretty legacy error reply {"error": text}.
func ErrorReply(text string) []byte {
	dst := make([]byte, 0, len(`{`+"\n"+`    "error": ""`+"\n}\n")+len(text)+8)
	dst = append(dst, "{\n    \"error\": "...)
	dst = appendString(dst, text)
	return append(dst, "\n}\n"...)
}

const spaces = "                                                                " // 64

func appendIndent(dst []byte, n int) []byte {
	for n > len(spaces) {
		dst = append(dst, spaces...)
		n -= len(spaces)
	}
	return append(dst, spaces[:n]...)
}

// appendNode writes a non-root node at the given depth (indent >= 1).
func appendNode(dst []byte, t *Tree, indent int, pretty bool) []byte {
	kids := t.children()
	if len(kids) == 0 {
		return appendString(dst, t.Value)
	}
	for i := range kids {
		if kids[i].key != "" {
			return appendObject(dst, t, indent, pretty)
		}
	}
	dst = append(dst, '[')
	if pretty {
		dst = append(dst, '\n')
	}
	for i := range kids {
		if pretty {
			dst = appendIndent(dst, 4*(indent+1))
		}
		dst = appendNode(dst, kids[i].t, indent+1, pretty)
		if i+1 < len(kids) {
			dst = append(dst, ',')
		}
		if pretty {
			dst = append(dst, '\n')
		}
	}
	if pretty {
		dst = appendIndent(dst, 4*indent)
	}
	return append(dst, ']')
}

func appendObject(dst []byte, t *Tree, indent int, pretty bool) []byte {
	dst = append(dst, '{')
	if pretty {
		dst = append(dst, '\n')
	}
	var kids []child
	if t != nil {
		kids = t.children()
	}
	for i := range kids {
		if pretty {
			dst = appendIndent(dst, 4*(indent+1))
		}
		dst = appendString(dst, kids[i].key)
		dst = append(dst, ':')
		if pretty {
			dst = append(dst, ' ')
		}
		dst = appendNode(dst, kids[i].t, indent+1, pretty)
		if i+1 < len(kids) {
			dst = append(dst, ',')
		}
		if pretty {
			dst = append(dst, '\n')
		}
	}
	if pretty {
		dst = appendIndent(dst, 4*indent)
	}
	return append(dst, '}')
}

// plain marks the bytes that boost's create_escapes copies unchanged and
// that are ASCII.
var plain = func() (tab [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		tab[c] = c != '"' && c != '/' && c != '\\'
	}
	return tab
}()

const hexDigits = "0123456789ABCDEF"

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendString writes s as a quoted JSON string, escaped like boost's
// create_escapes except that everything non-ASCII is \u-escaped too.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	run := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && plain[c] {
			i++
			continue
		}
		dst = append(dst, s[run:i]...)
		switch c {
		case '"', '\\', '/':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if c < utf8.RuneSelf {
				dst = appendU(dst, rune(c))
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			i += size - 1 // invalid byte: size 1, r == RuneError (U+FFFD)
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				dst = appendU(appendU(dst, hi), lo)
			} else {
				dst = appendU(dst, r)
			}
		}
		i++
		run = i
	}
	dst = append(dst, s[run:]...)
	return append(dst, '"')
}
