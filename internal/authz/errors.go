package authz

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/nipc/nipc/internal/tomlerr"
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
	return tomlerr.Format(e.Path, tomlerr.Pos{Line: e.Line, Column: e.Column}, e.Msg)
}

// maxErrors bounds how many problems one load reports.
const maxErrors = 20

// pos is a position in the file, 1-based.
type pos = tomlerr.Pos

// problems collects the errors of one load.
type problems struct {
	path string
	errs []*Error
}

func (ps *problems) add(at pos, format string, args ...any) {
	ps.errs = append(ps.errs, &Error{Path: ps.path, Line: at.Line, Column: at.Column, Msg: fmt.Sprintf(format, args...)})
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
