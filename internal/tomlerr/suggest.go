package tomlerr

import "strings"

// Closest returns the candidate closest to name, or "" when none is close
// enough to be a likely typo: at most 2 edits away, and fewer edits than
// name has bytes. Case is ignored when measuring; a candidate equal to name
// is skipped.
func Closest(name string, candidates ...string) string {
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

// DidYouMean formats a suggestion made by Closest as
// " (did you mean <prefix><best><suffix>?)"; no suggestion ("") stays "".
func DidYouMean(prefix, best, suffix string) string {
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
