package sandbox

import (
	"net/http"
	"strings"

	"github.com/amkeys/amkeys/client"
)

// authenticate finds the calling key from "Authorization: Bearer <key>" and
// records the use. Only the SHA-256 of the presented secret is looked up.
func (s *Server) authenticate(r *http.Request) (*keyRecord, *response) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 || strings.TrimSpace(values[0]) == "" {
		return nil, missingAuthorization()
	}
	scheme, token, found := strings.Cut(strings.TrimSpace(values[0]), " ")
	token = strings.TrimSpace(token)
	if !found || token == "" || strings.ContainsAny(token, " \t") {
		return nil, missingAuthorization()
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return nil, unauthorized(client.CodeInvalidTokenType,
			"The Authorization header must use the Bearer scheme.",
			"Send the header as: Authorization: Bearer <your API key>.")
	}
	s.mu.RLock()
	k := s.st.keysByHash[hashSecret(token)]
	s.mu.RUnlock()
	if k == nil {
		return nil, unauthorized(client.CodeUnknownAPIKey,
			"The API key is not recognised; it may have been deleted.",
			"Check AGENTMAIL_API_KEY, or create a new key with an administrator's key.")
	}
	k.setUsed(wireTime(s.now()))
	s.usedDirty.Store(true)
	return k, nil
}

func missingAuthorization() *response {
	return unauthorized(client.CodeMissingAuthorization,
		"The request has no valid Authorization header.",
		"Send the header: Authorization: Bearer <your API key>.")
}
