package tomlerr

import (
	"strconv"
	"strings"
)

// BareValueHint explains a syntax error at a value written without TOML's
// quotes, the commonest slip in a hand-edited file: for the line
// `enable_control = yes` it is ` (did you mean enable_control = true?)`,
// for `address = 127.0.0.1` ` (did you mean address = "127.0.0.1"? TOML
// strings are quoted)`. msg is go-toml's message without "toml: ", line the
// text of the line it points at; any other problem or line gives "".
func BareValueHint(msg, line string) string {
	if !strings.Contains(msg, "at start of value") && !strings.HasPrefix(msg, "expected newline but got") {
		return ""
	}
	key, value, ok := strings.Cut(line, "=")
	key = strings.TrimSpace(key)
	if i := strings.Index(value, " #"); i >= 0 {
		value = value[:i]
	}
	value = strings.TrimSpace(value)
	if !ok || key == "" || strings.HasPrefix(key, "[") || value == "" || strings.ContainsAny(value[:1], `"'[{`) {
		return ""
	}
	switch strings.ToLower(value) {
	case "yes", "on", "true":
		return DidYouMean(key+" = ", "true", "")
	case "no", "off", "false":
		return DidYouMean(key+" = ", "false", "")
	}
	return " (did you mean " + key + " = " + strconv.Quote(value) + "? TOML strings are quoted)"
}

// LineText is the text of line n (1-based) of data, or "" when there is no
// such line.
func LineText(data []byte, n int) string {
	lines := strings.Split(string(data), "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}
