package createpod_test

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/ui/createpod"
	"github.com/amkeys/amkeys/ui/uitest"
)

func TestNameIsRequired(t *testing.T) {
	m := createpod.New(uitest.NewCommon(t, uitest.NewFakeAPI("pod-1", 0)))
	m.SetSize(90, 20)
	m.Update(uitest.Key("tab"))
	for _, r := range "only-a-client-id" {
		m.Update(uitest.Key(string(r)))
	}
	if _, cmd := m.Update(uitest.Key("enter")); cmd != nil {
		t.Fatal("a pod without a name was sent")
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "A name is required.") {
		t.Fatalf("no message:\n%s", v)
	}
	for _, r := range "Globex" {
		m.Update(uitest.Key(string(r)))
	}
	uitest.Golden(t, "createpod", m.View())
	if _, cmd := m.Update(uitest.Key("ctrl+s")); cmd == nil {
		t.Fatal("ctrl+s with a name sent nothing")
	}
	if v := uitest.Plain(m.View()); !strings.Contains(v, "creating the pod…") {
		t.Fatalf("no progress shown:\n%s", v)
	}
}
