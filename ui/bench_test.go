package ui

import (
	"fmt"
	"runtime"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/uitest"
)

// loadedKeysScreen opens a pod with n keys at 120x35 and loads every page.
func loadedKeysScreen(b *testing.B, api *uitest.FakeAPI, n int) (*Model, *keys.Model) {
	b.Helper()
	c := uitest.NewCommon(b, api)
	c.Settings.PageSize = 5000
	root := New(c, nil)
	root.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	screen := keys.New(c, common.PodKeys(api.Pods[0]))
	uitest.Run(root, root.Open(screen))
	uitest.Settle(root, uitest.Key("G")) // loads every page
	root.Update(uitest.Key("g"))
	if got := screen.List().Len(); got != n || !screen.List().Complete() {
		b.Fatalf("loaded %d of %d keys", got, n)
	}
	return root, screen
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkKeysFrame is one cursor move plus a full frame at 120x35. The
// n=100000 case also reports the heap retained per loaded key.
func BenchmarkKeysFrame(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			// The fake server's own copy of the keys is made first, so
			// that only what the UI retains is measured.
			api := uitest.NewFakeAPI("pod-1", n)
			before := heapInUse()
			root, screen := loadedKeysScreen(b, api, n)
			after := heapInUse()
			down, up := uitest.Key("j"), uitest.Key("k")
			root.Update(uitest.Key("pgdown"))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					root.Update(down)
				} else {
					root.Update(up)
				}
				_ = root.View()
			}
			b.StopTimer()
			b.ReportMetric(float64(after-before)/float64(n), "retained-B/key")
			runtime.KeepAlive(screen)
			runtime.KeepAlive(api)
		})
	}
}

// BenchmarkKeysFilter is one filter keystroke plus a frame with 100,000
// keys loaded. Keystrokes alternate between typing a letter into an empty
// filter and deleting it: both scan every loaded key (substring match).
func BenchmarkKeysFilter(b *testing.B) {
	for _, n := range []int{100000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			root, _ := loadedKeysScreen(b, uitest.NewFakeAPI("pod-1", n), n)
			root.Update(uitest.Key("/"))
			typeE, erase := uitest.Key("e"), uitest.Key("backspace")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%2 == 0 {
					root.Update(typeE)
				} else {
					root.Update(erase)
				}
				_ = root.View()
			}
		})
	}
}
