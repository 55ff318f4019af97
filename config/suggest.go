package config

import "strings"

// suggest returns the candidate closest to word, or "" when none is close
// enough to be a likely typo. Underscores, hyphens and case are ignored
// first, so "pagesize" and "Page-Size" both find "page_size".
func suggest(word string, candidates []string) string {
	norm := normalizeKey(word)
	limit := 2
	if len(norm) <= 4 {
		limit = 1
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		cn := normalizeKey(c)
		if abs(len(cn)-len(norm)) > limit {
			continue // too far apart to be a typo; also keeps huge keys cheap
		}
		if d := editDistance(norm, cn); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func normalizeKey(s string) string {
	s = strings.ToLower(s)
	return strings.NewReplacer("_", "", "-", "").Replace(s)
}

// editDistance is the Levenshtein distance, counted in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
