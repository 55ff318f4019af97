package ui

// The README's key table against the key maps the screens use (issue 11):
// every key the table names is bound on its screen (or everywhere), and
// every binding of a screen is in the table. The ? pages are drawn from the
// same maps (ShortHelp/FullHelp), so the three agree.

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	"github.com/amkeys/amkeys/ui/audit"
	"github.com/amkeys/amkeys/ui/bulkdelete"
	"github.com/amkeys/amkeys/ui/createkey"
	"github.com/amkeys/amkeys/ui/inboxes"
	"github.com/amkeys/amkeys/ui/keymap"
	"github.com/amkeys/amkeys/ui/keys"
	"github.com/amkeys/amkeys/ui/leak"
	"github.com/amkeys/amkeys/ui/listing"
	"github.com/amkeys/amkeys/ui/marks"
	"github.com/amkeys/amkeys/ui/pods"
	"github.com/amkeys/amkeys/ui/rotate"
	"github.com/amkeys/amkeys/ui/secret"
	"github.com/amkeys/amkeys/ui/table"
	"github.com/amkeys/amkeys/ui/tabs"
)

// bindingsOf lists a key map struct's bindings.
func bindingsOf(maps ...any) []key.Binding {
	var out []key.Binding
	for _, m := range maps {
		switch m := m.(type) {
		case key.Binding:
			out = append(out, m)
		case []key.Binding:
			out = append(out, m...)
		case pods.KeyMap:
			out = append(out, m.Open, m.Sort, m.Refresh, m.New, m.Delete, m.Audit, m.Copy)
		case inboxes.KeyMap:
			out = append(out, m.Open, m.Sort, m.Refresh, m.New, m.Delete, m.Copy)
		case keys.KeyMap:
			out = append(out, m.Open, m.Sort, m.Quick, m.Refresh, m.New, m.Delete, m.Copy, m.Rotate)
		case createkey.KeyMap:
			out = append(out, m.Next, m.Prev, m.Review, m.Cancel, m.Up, m.Down, m.PageUp, m.PageDown,
				m.Toggle, m.Group, m.All, m.None, m.Reads, m.Same, m.Untick)
		case rotate.ReviewKeyMap:
			out = append(out, m.Create, m.Delete)
		case rotate.WatchKeyMap:
			out = append(out, m.Refresh, m.Delete)
		case secret.KeyMap:
			out = append(out, m.Copy, m.Reveal)
		case audit.KeyMap:
			out = append(out, m.Open, m.Search, m.Show, m.ThisPod, m.Retry, m.Rescan)
		case leak.KeyMap:
			out = append(out, m.Search, m.Open, m.Delete, m.Rotate, m.Again)
		case marks.KeyMap:
			out = append(out, m.Mark, m.MarkAll, m.Clear, m.Delete)
		case bulkdelete.KeyMap:
			out = append(out, m.Confirm, m.Cancel, m.Scroll, m.Stop, m.Close, m.Yes, m.No)
		case keymap.Global:
			out = append(out, m.Quit, m.ForceQuit, m.Help, m.Back)
		case tabs.KeyMap:
			out = append(out, m.Next, m.Prev)
			out = append(out, m.Jump...)
		default:
			panic("unknown key map")
		}
	}
	return out
}

// readmeName is how the README writes a key.
var readmeName = map[string]string{"up": "↑", "down": "↓", "pgdown": "pgdn", " ": "space"}

func TestReadmeKeyTableMatchesTheKeyMaps(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	home := tabs.DefaultKeyMap([]tabs.Tab{{Name: "pods"}, {Name: "organization keys"}, {Name: "AgentID"}})
	filter := listing.DefaultKeyMap().Filter
	sections := map[string][]key.Binding{
		"everywhere":                        bindingsOf(keymap.Default(), table.DefaultKeyMap().Bindings()),
		"first screen":                      bindingsOf(home, keymap.Default().Leak),
		"pods":                              bindingsOf(pods.DefaultKeyMap(), filter),
		"inboxes (of a pod)":                bindingsOf(inboxes.DefaultKeyMap(), filter),
		"keys (organization, pod or inbox)": bindingsOf(keys.DefaultKeyMap(), filter, marks.DefaultKeyMap()),
		"new key":                           bindingsOf(createkey.DefaultKeyMap()),
		"secret":                            bindingsOf(secret.DefaultKeyMap()),
		"audit":                             bindingsOf(audit.DefaultKeyMap(), marks.DefaultKeyMap()),
		"leak lookup":                       bindingsOf(leak.DefaultKeyMap()),
		"delete marked keys":                bindingsOf(bulkdelete.DefaultKeyMap()),
		"rotation review":                   bindingsOf(rotate.DefaultReviewKeyMap()),
		"rotation watch":                    bindingsOf(rotate.DefaultWatchKeyMap()),
	}
	// The audit screen's bindings belong to its own helper; the README
	// must not promise keys it lacks, but new ones may wait for it.
	mustList := map[string]bool{"audit": false}

	listed := map[string]map[string]bool{} // section -> keys in the table
	section := ""
	row := regexp.MustCompile(`^\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|`)
	tick := regexp.MustCompile("`([^`]+)`")
	inTable := false // only the key table: its header column is "where"
	for _, line := range strings.Split(string(raw), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			inTable = false
			continue
		}
		if m[1] == "where" {
			inTable = true
			continue
		}
		if !inTable || strings.HasPrefix(m[1], "---") {
			continue
		}
		if s := strings.TrimSpace(m[1]); s != "" {
			section = s
		}
		if _, ok := sections[section]; !ok {
			t.Fatalf("the README's key table has a section %q the test does not know", section)
		}
		if listed[section] == nil {
			listed[section] = map[string]bool{}
		}
		for _, k := range tick.FindAllStringSubmatch(m[2], -1) {
			listed[section][k[1]] = true
		}
	}
	bound := func(section, k string) bool {
		for _, s := range []string{section, "everywhere"} {
			for _, b := range sections[s] {
				for _, bk := range b.Keys() {
					if bk == k || readmeName[bk] == k {
						return true
					}
				}
			}
		}
		return false
	}
	for section, ks := range listed {
		for k := range ks {
			if !bound(section, k) {
				t.Errorf("README: %s lists %q, which no binding of that screen has", section, k)
			}
		}
	}
	for section, bs := range sections {
		if must, ok := mustList[section]; ok && !must {
			continue
		}
		for _, b := range bs {
			found := false
			for _, bk := range b.Keys() {
				found = found || listed[section][bk] || listed[section][readmeName[bk]] || listed["everywhere"][bk] || listed["everywhere"][readmeName[bk]]
			}
			if !found {
				t.Errorf("README: %s does not list %v (%s)", section, b.Keys(), b.Help().Desc)
			}
		}
	}
}
