package report

import (
	"bytes"
	"encoding/json"
	"io"
)

// WriteSafeJSON writes v as indented JSON that is inert on a terminal:
// JSON escapes C0 controls, and C1 controls and invisible format
// characters are escaped too, as in the audit report.
func WriteSafeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}
