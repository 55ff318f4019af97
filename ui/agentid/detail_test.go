package agentid

import (
	"strings"
	"testing"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/uitest"
)

// A detail opened before the pods were listed shows the pod id, then the
// name and the id once the listing arrives, from the list's own cache.
func TestDetailNamesThePodWhenTheListingArrives(t *testing.T) {
	c := uitest.NewCommon(t, uitest.NewFakeAPI("p", 0))
	const podID = "0fb7b5df-5a20-4ed4-8c41-12152002757a"
	cred := client.PublicKeyCredential{ID: "kid-1", Name: "agent", Scope: client.CredentialScope{Type: client.ScopePod, ID: podID}}
	pods := &podNames{}
	d := NewDetail(c, cred).withPodNames(pods)
	d.SetSize(100, 30)
	if v := uitest.Plain(d.View()); !strings.Contains(v, "scope        pod "+podID) || strings.Contains(v, "pod id") {
		t.Fatalf("before the listing, want the pod id alone:\n%s", v)
	}
	d.Update(podNamesMsg{cache: &podNames{}, names: map[string]string{podID: "Someone else's"}})
	if v := uitest.Plain(d.View()); strings.Contains(v, "Someone else") {
		t.Fatalf("a listing made for another cache named the pod:\n%s", v)
	}
	d.Update(podNamesMsg{cache: pods, names: map[string]string{podID: "Stark Industries"}})
	v := uitest.Plain(d.View())
	if !strings.Contains(v, "scope        pod Stark Industries") || !strings.Contains(v, "pod id       "+podID) {
		t.Fatalf("after the listing, want the name and the id:\n%s", v)
	}
}
