package sandbox

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/amkeys/amkeys/client"
)

// authenticate finds the calling key from "Authorization: Bearer <key>" and
// records the use. Only the SHA-256 of the presented secret is looked up.
// As in the API, the scheme is the case-sensitive "Bearer " and anything
// else is missing_authorization; a console JWT is invalid_token_type.
func (s *Server) authenticate(r *http.Request) (*keyRecord, *response) {
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return nil, missingAuthorization()
	}
	token, ok := strings.CutPrefix(values[0], "Bearer ")
	if !ok || token == "" || strings.ContainsFunc(token, unicode.IsSpace) {
		return nil, missingAuthorization()
	}
	if looksLikeJWT(token) {
		return nil, unauthorized(client.CodeInvalidTokenType,
			"The token is a JSON Web Token, not an API key.",
			"Send an AgentMail API key (it starts with am_), not a console session token.")
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

// looksLikeJWT reports a compact JWS: three base64url parts separated by
// dots, the header starting "eyJ" (base64url of `{"`).
func looksLikeJWT(token string) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "eyJ") || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for _, c := range p {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

func missingAuthorization() *response {
	return unauthorized(client.CodeMissingAuthorization,
		"The request has no valid Authorization header.",
		"Send the header exactly as: Authorization: Bearer <your API key> (\"Bearer\" with a capital B, one space, no spaces in the key).")
}
