package agentid

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// PodLister is the optional part of API that lets the list name the pods
// of pod-scoped credentials (*client.Client has it). Without it, or when
// the pods cannot be read (an inbox key, a key without pod_read, an
// error), the scope column shows the pod id as sent.
type PodLister interface {
	ListPods(ctx context.Context, o client.ListOptions) (client.PodPage, error)
}

// Bounds of the pod name cache: pages read (of maxPodPage pods) and the
// width a name is kept at, so that a huge organization or a huge name
// cannot grow it without end.
const (
	maxPodPages    = 50
	maxPodPage     = 100
	maxPodNameCell = 80
)

// podNames maps pod ids to display names, sanitised and bounded. It is
// filled by one listing of the pods when the screen loads or refreshes,
// not per row or frame.
type podNames struct {
	names map[string]string
}

// podNamesMsg carries a fresh listing for the cache it was made for.
type podNamesMsg struct {
	cache *podNames
	names map[string]string // nil: the pods could not be read
}

// name is the pod's display name, or its id when the name is unknown.
func (p *podNames) name(id string) string {
	if n, ok := p.known(id); ok {
		return n
	}
	return id
}

// known is the pod's display name, if the listing named it.
func (p *podNames) known(id string) (string, bool) {
	n, ok := p.names[id]
	return n, ok
}

// load lists the pods and names them (nil without a PodLister). A failure
// on a later page keeps the names already read.
func (p *podNames) load(c *common.Common, api API) tea.Cmd {
	lister, ok := api.(PodLister)
	if !ok {
		return nil
	}
	ctx := c.Ctx
	return func() tea.Msg {
		var names map[string]string
		token := ""
		for range maxPodPages {
			rctx, cancel := context.WithTimeout(ctx, common.RequestTimeout)
			page, err := lister.ListPods(rctx, client.ListOptions{Limit: maxPodPage, PageToken: token})
			cancel()
			if err != nil {
				break
			}
			if names == nil {
				names = make(map[string]string, len(page.Pods))
			}
			for _, pod := range page.Pods {
				if name := sanitize.Truncate(pod.Name, maxPodNameCell); name != "" {
					names[pod.ID] = name
				}
			}
			if token = page.NextPageToken; token == "" {
				break
			}
		}
		return podNamesMsg{cache: p, names: names}
	}
}

// update takes a listing made for this cache; a failed one keeps the
// names known so far.
func (p *podNames) update(msg podNamesMsg) {
	if msg.cache == p && msg.names != nil {
		p.names = msg.names
	}
}
