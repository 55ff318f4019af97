package config

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"time"
)

// maxCommandOutput caps what is kept of the command's stdout and stderr.
const maxCommandOutput = 64 << 10

// commandOutput collects what a key command writes to its stdout or
// stderr. It reads the pipe itself, rather than letting os/exec copy it,
// so that a background process that inherited the pipe cannot keep amkeys
// waiting: once the command has exited, collect takes what the pipe holds
// and stops reading.
type commandOutput struct {
	r, w *os.File
	buf  cappedBuffer
	done chan struct{} // closed when the reading goroutine has returned
	eof  bool          // every writer has closed the pipe
}

func newCommandOutput() (*commandOutput, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &commandOutput{r: r, w: w}, nil
}

// start begins reading. Call it once the command has started: the child
// holds its own copy of the write end, so ours is closed here, or the
// pipe would never reach its end.
func (o *commandOutput) start() {
	o.w.Close()
	o.w = nil
	o.done = make(chan struct{})
	go func() {
		defer close(o.done)
		o.readAll()
	}()
}

// readAll reads until the end of the output or an error (such as the read
// deadline that collect sets).
func (o *commandOutput) readAll() {
	buf := make([]byte, 32<<10)
	for {
		n, err := o.r.Read(buf)
		o.buf.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			o.eof = true
		}
		if err != nil {
			return
		}
	}
}

// collect is called once the command has exited. If the pipe is still
// open, it stops the reading goroutine and takes what is already in the
// pipe without waiting for more.
func (o *commandOutput) collect(ctx context.Context) {
	select {
	case <-o.done:
		return
	default:
	}
	if o.r.SetReadDeadline(time.Now()) != nil {
		// This pipe cannot be interrupted (no deadlines on this system):
		// wait for its end within the time limit, then give up on it. The
		// caller reads nothing more once ctx has ended.
		select {
		case <-o.done:
		case <-ctx.Done():
			o.r.Close()
		}
		return
	}
	<-o.done
	_ = o.r.SetReadDeadline(time.Time{})
	if !o.eof {
		o.eof = drainAvailable(o.r, &o.buf)
	}
}

// complete reports whether the output holds a whole line (or everything
// there will ever be), so that the key can be taken from it.
func (o *commandOutput) complete() bool {
	return o.eof || o.buf.dropped || strings.Contains(strings.TrimLeft(o.String(), " \t\r\n"), "\n")
}

// waitEOF reads on, after collect, until every writer has closed the pipe
// or ctx ends.
func (o *commandOutput) waitEOF(ctx context.Context) {
	if o.eof {
		return
	}
	stop := context.AfterFunc(ctx, func() { _ = o.r.SetReadDeadline(time.Now()) })
	defer stop()
	o.readAll()
}

func (o *commandOutput) String() string { return o.buf.String() }

// close releases the pipe. The reading goroutine, if any, has returned by
// then (collect waits for it), except where pipes have no deadlines.
func (o *commandOutput) close() {
	if o.w != nil {
		o.w.Close()
	}
	o.r.Close()
}

// cappedBuffer keeps the first maxCommandOutput bytes and drops the rest,
// so a runaway command cannot exhaust memory.
type cappedBuffer struct {
	bytes.Buffer
	dropped bool // some output did not fit
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := maxCommandOutput - b.Len()
	if len(p) > room {
		b.dropped = true
	}
	if room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
