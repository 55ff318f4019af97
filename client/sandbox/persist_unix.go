//go:build unix

package sandbox

import (
	"os"
	"syscall"
)

// privateModes says whether file modes mean anything for privacy here.
const privateModes = true

// ownedByMe reports the file's owner and whether it is this process's
// effective user.
func ownedByMe(info os.FileInfo) (uid int, mine bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, true // unknown: nothing to hold against the file
	}
	return int(st.Uid), int(st.Uid) == os.Geteuid()
}
