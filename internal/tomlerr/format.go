package tomlerr

import (
	"strconv"
	"strings"
)

// Format renders a problem as one line: "source:line:column: msg", without
// ":line:column" when at is the zero Pos and without "source: " when source
// is empty.
func Format(source string, at Pos, msg string) string {
	var b strings.Builder
	if source != "" {
		b.WriteString(source)
		if at.Line > 0 {
			b.WriteString(":" + strconv.Itoa(at.Line) + ":" + strconv.Itoa(at.Column))
		}
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return b.String()
}
