package bulkdelete

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/marks"
)

// ClearOrReview handles the two marks keys that act the same on every
// screen with marks: u clears the marks, D opens the review of a bulk
// delete (or says why not). It reports whether k was one of them.
func ClearOrReview(c *common.Common, set *marks.Set, km marks.KeyMap, k tea.KeyMsg) (bool, tea.Cmd) {
	switch {
	case key.Matches(k, km.Clear):
		if set.Len() == 0 {
			return true, common.Warn(marks.NoneToClear)
		}
		set.Clear()
		return true, common.Notify("Marks cleared")
	case key.Matches(k, km.Delete):
		switch {
		case c.Settings.ReadOnly:
			return true, common.ReadOnly
		case set.Len() == 0:
			return true, common.Warn(marks.NoneMarked)
		}
		c.Push(New(c, set.All()))
		return true, nil
	}
	return false, nil
}
