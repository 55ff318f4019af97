package confirm_test

import (
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/uitest"
)

// rootOn opens the dashboard at 100x30 on a fake API and loads the pods.
func rootOn(t *testing.T, api *uitest.FakeAPI) *ui.Model {
	t.Helper()
	root := ui.New(uitest.NewCommon(t, api), nil)
	root.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, msg := range uitest.Collect(root.Init(), uitest.Patience) {
		uitest.Settle(root, msg)
	}
	return root
}

// row finds the first key for which pick is true.
func row(keys []client.APIKey, pick func(client.APIKey) bool) int {
	for i, k := range keys {
		if pick(k) {
			return i
		}
	}
	return -1
}

func TestGoldenDeleteDialogsThroughTheRoot(t *testing.T) {
	api := uitest.NewFakeAPI("pod-1", 12)
	keys := api.Keys["pod-1"]
	for _, tc := range []struct {
		name string
		pick func(client.APIKey) bool
	}{
		{"delete-key-never-used", func(k client.APIKey) bool { return k.NeverUsed() }},
		{"delete-key-used-today", func(k client.APIKey) bool {
			return !k.NeverUsed() && uitest.Clock.Sub(k.UsedAt) < 24*time.Hour
		}},
	} {
		r := row(keys, tc.pick)
		if r < 0 {
			t.Fatalf("%s: no such key in the fake data", tc.name)
		}
		root := rootOn(t, api)
		uitest.Settle(root, uitest.Key("enter"))
		for range r {
			root.Update(uitest.Key("j"))
		}
		root.Update(uitest.Key("d"))
		uitest.Golden(t, tc.name, root.View())
	}
	root := rootOn(t, api)
	root.Update(uitest.Key("d"))
	uitest.Golden(t, "delete-pod", root.View())
}
