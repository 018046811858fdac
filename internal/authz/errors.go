package authz

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in an access file. Its message is a single line,
// "path:line:column: problem", without line and column when the problem
// has no position (the file cannot be read).
type Error struct {
	Path string
	// Line and Column are 1-based (the column counts bytes); 0 when the
	// problem has no position.
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// maxErrors bounds how many problems one load reports.
const maxErrors = 20

// pos is a position in the file, 1-based.
type pos struct{ line, col int }

// problems collects the errors of one load.
type problems struct {
	path string
	errs []*Error
}

func (ps *problems) add(at pos, format string, args ...any) {
	ps.errs = append(ps.errs, &Error{Path: ps.path, Line: at.line, Column: at.col, Msg: fmt.Sprintf(format, args...)})
}

// err returns the problems in file order (stable for equal positions),
// joined, at most maxErrors of them; nil when there are none.
func (ps *problems) err() error {
	if len(ps.errs) == 0 {
		return nil
	}
	sorted := slices.Clone(ps.errs)
	slices.SortStableFunc(sorted, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	out := make([]error, 0, min(len(sorted), maxErrors+1))
	for i, e := range sorted {
		if i == maxErrors {
			out = append(out, &Error{Path: ps.path, Msg: fmt.Sprintf("%d more problems not shown", len(sorted)-maxErrors)})
			break
		}
		out = append(out, e)
	}
	if len(out) == 1 {
		return out[0]
	}
	return errors.Join(out...)
}

// closest returns the candidate closest to name, or "" when none is close
// enough to be a likely typo. Case is ignored when measuring.
func closest(name string, candidates ...string) string {
	if name == "" {
		return ""
	}
	lower := strings.ToLower(name)
	best, bestDist := "", 3
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := editDistance(lower, strings.ToLower(c))
		if d < bestDist && d < len(name) {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion made from closest: "" stays "".
func didYouMean(prefix, best, suffix string) string {
	if best == "" {
		return ""
	}
	return " (did you mean " + prefix + best + suffix + "?)"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	// Bound the work: names are short, and a long string is never close.
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
