package uitest

import (
	"testing"

	"github.com/amkeys/amkeys/client"
)

type holder struct {
	screens []any
	byName  map[string]*struct{ note []byte }
}

// FindString must see a string in unexported fields, slices, maps and
// byte slices, or a search that finds nothing proves nothing.
func TestFindStringSeesEverywhere(t *testing.T) {
	const s = "am_findme12345"
	cases := map[string]any{
		"slice of structs": &holder{screens: []any{client.CreatedAPIKey{Secret: "x" + s + "y"}}},
		"map of bytes":     holder{byName: map[string]*struct{ note []byte }{"k": {note: []byte(s)}}},
		"map key":          map[string]int{s: 1},
	}
	for name, v := range cases {
		if FindString(v, s) == "" {
			t.Errorf("%s: not found", name)
		}
	}
	c, err := client.New(client.Options{BaseURL: "http://127.0.0.1:1", APIKey: s})
	if err != nil {
		t.Fatal(err)
	}
	if p := FindString(&holder{screens: []any{c}}, s); p != "" {
		t.Errorf("the API client is not skipped: %s", p)
	}
}
