package locate_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/locate"
	"github.com/amkeys/amkeys/client/sandbox"
)

// Confirm against the sandbox over HTTP: a key still listed is kept, one
// deleted since and one whose pod is not found are gone, and a listing
// that fails keeps its matches and is a problem.
func TestConfirm(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	api, err := client.New(client.Options{BaseURL: ts.URL, APIKey: sb.AdminKey(), Backoff: 10 * time.Millisecond, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	pod := sb.AddPod("Acme", "acme")
	kept := sb.AddKey(pod.ID, "kept", client.Restricted("inbox_read"), time.Time{}).APIKey
	gone := sb.AddKey(pod.ID, "gone", client.Restricted("inbox_read"), time.Time{}).APIKey
	ctx := context.Background()
	if err := api.DeleteKey(ctx, client.PodScope(pod.ID), gone.ID); err != nil {
		t.Fatal(err)
	}
	lost := client.APIKey{ID: "k_lost", PodID: "p_no_such_pod", Prefix: "am_lost1"}

	in := []locate.Match{{Key: kept, PodName: "Acme"}, {Key: gone}, {Key: lost}}
	k, g, problems := locate.Confirm(ctx, api, in)
	if len(k) != 1 || k[0].Key.ID != kept.ID || k[0].PodName != "Acme" {
		t.Errorf("kept %+v", k)
	}
	if len(g) != 2 || g[0].Key.ID != gone.ID || g[1].Key.ID != lost.ID {
		t.Errorf("gone %+v", g)
	}
	if len(problems) != 0 {
		t.Errorf("problems %+v", problems)
	}

	// Listings that fail keep their matches, unconfirmed.
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	k, g, problems = locate.Confirm(stopped, api, in)
	if len(k) != 3 || len(g) != 0 || len(problems) != 2 || problems[0].Where != "re-reading pod:"+pod.ID {
		t.Errorf("after a failed listing: kept %d, gone %d, problems %+v", len(k), len(g), problems)
	}
}
