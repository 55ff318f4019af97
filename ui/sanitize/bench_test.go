package sanitize

import (
	"fmt"
	"testing"
)

var sink string

func BenchmarkTextASCII(b *testing.B) {
	s := "prod-billing-key-2024-07"
	b.ReportAllocs()
	for b.Loop() {
		sink = Text(s)
	}
}

func BenchmarkTextHostile(b *testing.B) {
	s := "\x1b]52;c;Zm9v\x07\u009b2J\u202Eevil\u200B\xff\r\nname 東京 🚀 e\u0301"
	b.ReportAllocs()
	for b.Loop() {
		sink = Text(s)
	}
}

func BenchmarkTextUnicodeClean(b *testing.B) {
	s := "Müller & Söhne 東京の鍵 🚀"
	b.ReportAllocs()
	for b.Loop() {
		sink = Text(s)
	}
}

func BenchmarkCellASCII(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink = Cell("prod-billing-key-2024-07", 16)
	}
}

func BenchmarkCellHostile(b *testing.B) {
	s := "\x1b]52;c;Zm9v\x07\u009b2J\u202Eevil\u200B\xff\r\nname 東京 🚀"
	b.ReportAllocs()
	for b.Loop() {
		sink = Cell(s, 16)
	}
}

// BenchmarkFrame is one screen of the key table: 35 rows of 6 cells, one
// row in five holding non-ASCII text. The budget is 200 µs per frame.
func BenchmarkFrame(b *testing.B) {
	type row [6]string
	rows := make([]row, 35)
	for i := range rows {
		name := fmt.Sprintf("customer-%03d-production", i)
		if i%5 == 0 {
			name = fmt.Sprintf("Müller 東京 🚀 %d\x1b[2J", i)
		}
		rows[i] = row{name, fmt.Sprintf("key_%032d", i), "pod_4f9c2e", "2024-07-01 12:00", "send, read", "active"}
	}
	widths := [6]int{24, 20, 12, 16, 14, 8}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rows {
			for j, cell := range r {
				sink = Cell(cell, widths[j])
			}
		}
	}
}
