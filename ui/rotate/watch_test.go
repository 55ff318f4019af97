package rotate

import (
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestQuietIsShort(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                  "0s",
		45 * time.Second:              "45s",
		12*time.Minute + time.Second:  "12m",
		3*time.Hour + 5*time.Minute:   "3h 5m",
		50*time.Hour + 59*time.Minute: "2d 2h",
	} {
		if got := quiet(d); got != want {
			t.Errorf("quiet(%v) = %q, want %q", d, got, want)
		}
	}
}

// A tick of an older schedule (r read the keys since) starts no read, nor
// does any tick while a read is on its way.
func TestStaleTicksAreDropped(t *testing.T) {
	api := uitest.NewFakeAPI("pod", 2)
	c := uitest.NewCommon(t, api)
	ks := api.KeysOf(client.PodScope("pod"))
	w := newWatch(c, common.KeyScope{Scope: client.PodScope("pod")}, common.KeyScope{Scope: client.PodScope("pod")}, ks[0], ks[1], options{every: time.Hour}, nil)
	w.Init() // a read is on its way
	if _, cmd := w.Update(pollTickMsg{screen: w.id, gen: w.gen}); cmd != nil {
		t.Error("a tick during a read started another")
	}
	w.polling = 0
	w.gen = 2
	if _, cmd := w.Update(pollTickMsg{screen: w.id, gen: 1}); cmd != nil {
		t.Error("a tick of an old schedule started a read")
	}
	if _, cmd := w.Update(pollTickMsg{screen: w.id + 1, gen: 2}); cmd != nil {
		t.Error("another watch's tick started a read")
	}
	if _, cmd := w.Update(pollTickMsg{screen: w.id, gen: 2}); cmd == nil {
		t.Error("the current tick started no read")
	}
}
