package ui

import "github.com/amkeys/amkeys/client"

var apiError403 = client.Error{Status: 403, Name: "ForbiddenError", ErrCode: client.CodeMissingPermission,
	Message: "This key lacks api_key_read", Fix: "Ask for a key with api_key_read"}
