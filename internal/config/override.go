package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// overrideKey is a dotted key of bare TOML key parts.
var overrideKey = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$`)

// override applies one "dotted.key=value" to dst, as strictly as the file:
// the pair becomes the one-line TOML document `dotted.key = value` decoded
// over dst. A value that is not a TOML value (such as /tmp/x or 127.0.0.1)
// is taken as a string, and so is a TOML value of another type given for a
// string key (node.ipc.local.path=123). A single value given for an array
// key is a one-element array (node.websocket.allowed_origins=app.example).
func (l *loader) override(dst any, text string) error {
	source := "--config " + text
	key, raw, ok := strings.Cut(text, "=")
	key, raw = strings.TrimSpace(key), strings.TrimSpace(raw)
	if !ok {
		return &Error{Source: source, Msg: "expected key=value, e.g. node.ipc.tcp.port=7078"}
	}
	if !overrideKey.MatchString(key) {
		return &Error{Source: source, Msg: fmt.Sprintf("%q is not a dotted key such as node.ipc.tcp.port", key)}
	}
	literal := isTOMLValue(raw)
	doc := key + " = " + quote(raw) + "\n"
	if literal {
		doc = key + " = " + raw + "\n"
	}
	err := decodeStrict([]byte(doc), dst)
	if err != nil && literal && isTypeMismatch(err) {
		if asString := key + " = " + quote(raw) + "\n"; decodeStrict([]byte(asString), dst) == nil {
			doc, err = asString, nil
		}
	}
	if err != nil && isTypeMismatch(err) && !strings.HasPrefix(raw, "[") && !strings.HasPrefix(raw, "{") && l.isList(key) {
		items := []string{quote(raw)}
		if literal {
			items = []string{raw, quote(raw)}
		}
		for _, item := range items {
			if asList := key + " = [" + item + "]\n"; decodeStrict([]byte(asList), dst) == nil {
				doc, err = asList, nil
				break
			}
		}
	}
	if err != nil {
		return l.convert(err, source, false)
	}
	// Remember every key the override set (an inline table sets several),
	// so that validation errors name the override.
	for k := range keyPositions([]byte(doc)) {
		l.applied = append(l.applied, applied{key: k, text: text})
	}
	return nil
}

// isList reports whether the dotted key names an array of strings.
func (l *loader) isList(key string) bool {
	t, ok := lookup(l.schema, strings.Split(key, "."))
	return ok && t.Kind() == reflect.Slice
}

// isTOMLValue reports whether s is one TOML value on one line.
func isTOMLValue(s string) bool {
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return false
	}
	var m map[string]any
	return toml.Unmarshal([]byte("v = "+s+"\n"), &m) == nil && len(m) == 1
}

func isTypeMismatch(err error) bool {
	de, ok := errors.AsType[*toml.DecodeError](err)
	return ok && mismatch.MatchString(strings.TrimPrefix(de.Error(), "toml: "))
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
