package clip

import (
	"bytes"
	"context"
	"testing"
)

// retainingWriter keeps the slice it was given (which io.Writer forbids),
// to see what is left in it after Copy returned.
type retainingWriter struct{ got []byte }

func (w *retainingWriter) Write(p []byte) (int, error) {
	w.got = p
	return len(p), nil
}

// The OSC 52 sequence, which holds the secret, is wiped once written.
func TestOSC52BufferIsWipedAfterTheWrite(t *testing.T) {
	for _, passthrough := range []bool{false, true} {
		w := &retainingWriter{}
		opts := testOptions()
		opts.TmuxPassthrough = passthrough
		res, _ := New(nil, w, opts).Copy(context.Background(), newSecret(t))
		if res.Method != OSC52 || len(w.got) < 40 {
			t.Fatalf("passthrough %v: %v, %d bytes written", passthrough, res.Method, len(w.got))
		}
		if !bytes.Equal(w.got, make([]byte, len(w.got))) {
			t.Errorf("passthrough %v: the written sequence still holds %q after Copy returned", passthrough, w.got)
		}
	}
}
