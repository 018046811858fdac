package tomlerr

import (
	"slices"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Pos is a position in a document: Line and Column are 1-based and the
// column counts bytes. The zero Pos is no position.
type Pos struct{ Line, Column int }

// Lines is the byte offset of the start of each line of a document.
type Lines []int

// NewLines indexes the lines of data.
func NewLines(data []byte) Lines {
	l := Lines{0}
	for i, c := range data {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

// At returns the position of the byte at offset (or just past the end).
func (l Lines) At(offset int) Pos {
	line, found := slices.BinarySearch(l, offset)
	if !found {
		line--
	}
	return Pos{line + 1, offset - l[line] + 1}
}

// Node returns the position where n starts, or fallback when n carries no
// range of its own (go-toml gives arrays and tables none).
func (l Lines) Node(n *unstable.Node, fallback Pos) Pos {
	if n.Raw.Length == 0 {
		return fallback
	}
	return l.At(int(n.Raw.Offset))
}
