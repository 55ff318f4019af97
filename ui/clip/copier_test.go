package clip

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// patient is the tool timeout of tests whose tool answers: a timeout must
// never be what a busy machine turns their result into. Tests of the
// timeout itself set a short one and a tool that hangs for far longer.
const patient = 30 * time.Second

// hangs is how long a hung fake tool blocks (until Release).
const hangs = time.Hour

func testOptions() Options {
	return Options{Timeout: patient, ClearAfter: 30 * time.Second}
}

func TestCopyNativeIsConfirmedAndSendsNothingToTerminal(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	c := New(fake, term, testOptions())
	secret := newSecret(t)

	res, rcpt := c.Copy(context.Background(), secret)

	if res.Method != Native || !res.Confirmed || res.Err != nil {
		t.Fatalf("got %v confirmed=%v err=%v, want confirmed native", res.Method, res.Confirmed, res.Err)
	}
	if got := fake.Content(); got != secret {
		t.Fatalf("clipboard holds %q", got)
	}
	if fake.Reads() == 0 {
		t.Fatal("copy was reported confirmed without reading the clipboard back")
	}
	if term.Len() != 0 {
		t.Fatalf("terminal got %q although native worked", term.String())
	}
	// The secret screen counts the clear down: the message does not repeat it.
	if res.Message != "Copied the key to the clipboard." {
		t.Fatalf("message %q, want one sentence that says copied", res.Message)
	}
	if !rcpt.Clearable() || rcpt.Method != Native || rcpt.ClearAt.Sub(rcpt.CopiedAt) != 30*time.Second {
		t.Fatalf("receipt %+v", rcpt)
	}
}

func TestClearIfUnchangedClearsWhenClipboardStillHoldsSecret(t *testing.T) {
	fake := NewFake()
	c := New(fake, nil, testOptions())
	secret := newSecret(t)
	_, rcpt := c.Copy(context.Background(), secret)

	cr := c.ClearIfUnchanged(context.Background(), rcpt)

	if !cr.Cleared || cr.LeftAlone || cr.Unconfirmed || cr.Err != nil {
		t.Fatalf("got %+v, want cleared", cr)
	}
	if got := fake.Content(); got != "" {
		t.Fatalf("clipboard still holds %q", got)
	}
	if w := fake.Writes(); len(w) != 2 || w[1] != "" {
		t.Fatalf("writes %q, want the secret then \"\"", w)
	}
}

func TestClearIfUnchangedLeavesNewerContentAlone(t *testing.T) {
	fake := NewFake()
	c := New(fake, nil, testOptions())
	_, rcpt := c.Copy(context.Background(), newSecret(t))
	fake.Set("something the user copied later")

	cr := c.ClearIfUnchanged(context.Background(), rcpt)

	if !cr.LeftAlone || cr.Cleared || cr.Err != nil {
		t.Fatalf("got %+v, want left alone", cr)
	}
	if got := fake.Content(); got != "something the user copied later" {
		t.Fatalf("newer content replaced by %q", got)
	}
	if len(fake.Writes()) != 1 {
		t.Fatalf("writes %q, want only the copy", fake.Writes())
	}
	if !strings.Contains(cr.Message, "left it alone") {
		t.Fatalf("message %q should say it was left alone", cr.Message)
	}
}

func TestStaleReceiptDoesNotClearANewerSecret(t *testing.T) {
	fake := NewFake()
	c := New(fake, nil, testOptions())
	_, old := c.Copy(context.Background(), newSecret(t))
	newer := newSecret(t)
	c.Copy(context.Background(), newer)

	if cr := c.ClearIfUnchanged(context.Background(), old); !cr.LeftAlone {
		t.Fatalf("old receipt: %+v, want left alone", cr)
	}
	if fake.Content() != newer {
		t.Fatal("old receipt cleared the newer secret")
	}
}

func TestNativeFailureFallsBackToOSC52(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	fake.FailWrites(errors.New("exit status 1"))
	c := New(fake, term, testOptions())
	secret := newSecret(t)

	res, rcpt := c.Copy(context.Background(), secret)

	if res.Method != OSC52 || res.Confirmed {
		t.Fatalf("got %v confirmed=%v, want unconfirmed OSC52", res.Method, res.Confirmed)
	}
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(secret)) + "\x07"
	if term.String() != want {
		t.Fatalf("terminal got %q, want %q", term.String(), want)
	}
	payload := strings.TrimSuffix(strings.TrimPrefix(term.String(), "\x1b]52;c;"), "\x07")
	if decoded, err := base64.StdEncoding.DecodeString(payload); err != nil || string(decoded) != secret {
		t.Fatalf("payload decodes to %q, %v", decoded, err)
	}
	if res.Err == nil || !strings.Contains(res.Err.Error(), "exit status 1") {
		t.Fatalf("Err %v should say why native was not used", res.Err)
	}
	if !strings.Contains(res.Message, "Sent the key to the terminal (OSC 52), which amkeys cannot confirm") {
		t.Fatalf("message %q must not claim success", res.Message)
	}
	if rcpt.Method != OSC52 || !rcpt.Clearable() {
		t.Fatalf("receipt %+v", rcpt)
	}
}

func TestNoNativeBackendUsesOSC52(t *testing.T) {
	term := &bytes.Buffer{}
	res, _ := New(nil, term, testOptions()).Copy(context.Background(), "k")
	if res.Method != OSC52 || res.Err != nil || term.String() != "\x1b]52;c;aw==\x07" {
		t.Fatalf("got %v err=%v term=%q", res.Method, res.Err, term.String())
	}
}

func TestOSC52TmuxPassthroughWrapping(t *testing.T) {
	term := &bytes.Buffer{}
	opts := testOptions()
	opts.TmuxPassthrough = true
	c := New(nil, term, opts)

	_, rcpt := c.Copy(context.Background(), "key")
	want := "\x1bPtmux;\x1b\x1b]52;c;a2V5\x07\x1b\\"
	if term.String() != want {
		t.Fatalf("got %q, want %q", term.String(), want)
	}

	term.Reset()
	c.ClearIfUnchanged(context.Background(), rcpt)
	if want := "\x1bPtmux;\x1b\x1b]52;c;\x07\x1b\\"; term.String() != want {
		t.Fatalf("clear got %q, want %q", term.String(), want)
	}
}

func TestOSC52DisabledFailsAndSuggestsReveal(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	fake.FailWrites(ErrNoClipboardTool)
	opts := testOptions()
	opts.DisableOSC52 = true
	c := New(fake, term, opts)

	res, rcpt := c.Copy(context.Background(), newSecret(t))

	if res.Method != Failed || !errors.Is(res.Err, ErrNoClipboardTool) {
		t.Fatalf("got %v err=%v, want Failed with ErrNoClipboardTool", res.Method, res.Err)
	}
	if !strings.Contains(res.Message, "Press v to reveal") || !strings.Contains(res.Message, "install xclip") {
		t.Fatalf("message %q should give the reason and suggest v", res.Message)
	}
	if term.Len() != 0 || rcpt.Clearable() {
		t.Fatalf("terminal %q, receipt %+v: nothing should have been sent or remembered", term.String(), rcpt)
	}
	if cr := c.ClearIfUnchanged(context.Background(), rcpt); cr != (ClearResult{}) {
		t.Fatalf("clearing an empty receipt did %+v", cr)
	}
}

func TestRevealKeyIsConfigurable(t *testing.T) {
	res, _ := New(nil, nil, Options{RevealKey: "ctrl+r"}).Copy(context.Background(), "k")
	if res.Method != Failed || !strings.Contains(res.Message, "Press ctrl+r to reveal") {
		t.Fatalf("got %v %q", res.Method, res.Message)
	}
}

func TestClearAfterOSC52SendsEmptySequence(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	fake.FailWrites(errors.New("no display"))
	c := New(fake, term, testOptions())
	_, rcpt := c.Copy(context.Background(), newSecret(t))
	term.Reset()

	cr := c.ClearIfUnchanged(context.Background(), rcpt)

	if term.String() != "\x1b]52;c;\x07" {
		t.Fatalf("terminal got %q, want an empty OSC 52", term.String())
	}
	if !cr.Unconfirmed || cr.Cleared || cr.Err != nil {
		t.Fatalf("got %+v, want unconfirmed", cr)
	}
	if !strings.Contains(cr.Message, "Asked the terminal to clear it") || !strings.Contains(cr.Message, "cannot confirm") {
		t.Fatalf("message %q should say what was and was not done", cr.Message)
	}
	if fake.Reads() != 0 {
		t.Fatal("an OSC 52 clear should not consult the native clipboard")
	}
}

func TestHangingBackendTimesOutWithinTimeout(t *testing.T) {
	fake := NewFake()
	fake.SetDelay(hangs)
	t.Cleanup(fake.Release)
	c := New(fake, nil, Options{DisableOSC52: true}) // default 2s timeout

	start := time.Now()
	res, rcpt := c.Copy(context.Background(), newSecret(t))
	elapsed := time.Since(start)

	// Not before the timeout; after it, a loose bound (a busy machine may
	// be late), far below the tool's hour.
	if elapsed < DefaultTimeout-50*time.Millisecond || elapsed > DefaultTimeout+patient {
		t.Fatalf("Copy took %v, want about %v", elapsed, DefaultTimeout)
	}
	if res.Method != Failed || !errors.Is(res.Err, ErrTimeout) {
		t.Fatalf("got %v err=%v, want a timeout failure", res.Method, res.Err)
	}
	if !strings.Contains(res.Message, "did not answer within 2s") || rcpt.Clearable() {
		t.Fatalf("message %q / receipt %+v", res.Message, rcpt)
	}
}

func TestHungToolFallsBackToOSC52AndBlocksASecondTool(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	fake.SetDelay(hangs)
	t.Cleanup(fake.Release)
	c := New(fake, term, Options{Timeout: 100 * time.Millisecond})

	res, _ := c.Copy(context.Background(), "first")
	if res.Method != OSC52 || !errors.Is(res.Err, ErrTimeout) {
		t.Fatalf("got %v err=%v, want OSC52 after a timeout", res.Method, res.Err)
	}

	// The first write is still hanging: a second copy must not start
	// another tool whose late write could land in the wrong order.
	res, _ = c.Copy(context.Background(), "second")
	if !errors.Is(res.Err, ErrTimeout) || !strings.Contains(res.Err.Error(), "still running") {
		t.Fatalf("second copy err=%v, want 'still running' timeout", res.Err)
	}

	// Once the tool finishes, the next copy (which waits for the earlier
	// one within its own, here longer, timeout) goes through natively.
	fake.Release()
	fake.SetDelay(0)
	c.opts.Timeout = patient
	if res, _ := c.Copy(context.Background(), "third"); res.Method != Native || !res.Confirmed {
		t.Fatalf("after release got %v err=%v", res.Method, res.Err)
	}
	if w := fake.Writes(); len(w) != 2 || w[0] != "first" || w[1] != "third" {
		t.Fatalf("writes %q: the second copy reached the tool", w)
	}
}

func TestUnreadableClipboardIsUnconfirmedAndNeverCleared(t *testing.T) {
	fake := NewFake()
	fake.FailReads(errors.New("read not supported"))
	c := New(fake, &bytes.Buffer{}, testOptions())
	secret := newSecret(t)

	res, rcpt := c.Copy(context.Background(), secret)
	if res.Method != Native || res.Confirmed || !strings.Contains(res.Message, "could not read it back") {
		t.Fatalf("got %v confirmed=%v %q", res.Method, res.Confirmed, res.Message)
	}

	cr := c.ClearIfUnchanged(context.Background(), rcpt)
	if cr.Cleared || cr.LeftAlone || cr.Err == nil || !strings.Contains(cr.Message, "may still hold the key") {
		t.Fatalf("got %+v, want an error and nothing done", cr)
	}
	if fake.Content() != secret || len(fake.Writes()) != 1 {
		t.Fatal("clipboard was written although it could not be checked")
	}
}

// lyingClipboard accepts writes but keeps other content, like a tool that
// reports success without owning the selection.
type lyingClipboard struct{ *Fake }

func (l lyingClipboard) WriteAll(string) error { return nil }

func TestReadBackMismatchIsNotConfirmed(t *testing.T) {
	fake := NewFake()
	fake.Set("old content")
	res, rcpt := New(lyingClipboard{fake}, nil, testOptions()).Copy(context.Background(), newSecret(t))
	if res.Method != Native || res.Confirmed || !errors.Is(res.Err, errReadBackDiffers) {
		t.Fatalf("got %v confirmed=%v err=%v", res.Method, res.Confirmed, res.Err)
	}
	if !strings.Contains(res.Message, "may not have been copied") || fake.Reads() != 4 {
		t.Fatalf("message %q after %d reads", res.Message, fake.Reads())
	}
	if !rcpt.Clearable() {
		t.Fatal("the tool may still hold the secret: the receipt should allow a checked clear")
	}
}

func TestClearTimesOutOnHungReadAndLeavesClipboard(t *testing.T) {
	fake := NewFake()
	c := New(fake, nil, Options{Timeout: patient})
	secret := newSecret(t)
	_, rcpt := c.Copy(context.Background(), secret)
	if !rcpt.Clearable() {
		t.Fatalf("the copy failed: %+v", rcpt)
	}
	fake.SetDelay(hangs)
	t.Cleanup(fake.Release)
	c.opts.Timeout = 100 * time.Millisecond

	cr := c.ClearIfUnchanged(context.Background(), rcpt)

	if !errors.Is(cr.Err, ErrTimeout) || cr.Cleared || cr.LeftAlone {
		t.Fatalf("got %+v, want a timeout", cr)
	}
	if fake.Content() != secret {
		t.Fatal("clipboard changed")
	}
}

func TestCanceledContextDoesNotCallTheTool(t *testing.T) {
	fake := NewFake()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, _ := New(fake, nil, Options{DisableOSC52: true}).Copy(ctx, "k")
	if res.Method != Failed || !errors.Is(res.Err, context.Canceled) || len(fake.Writes()) != 0 {
		t.Fatalf("got %v err=%v writes=%q", res.Method, res.Err, fake.Writes())
	}
}

func TestEmptySecretIsRefused(t *testing.T) {
	fake, term := NewFake(), &bytes.Buffer{}
	res, rcpt := New(fake, term, testOptions()).Copy(context.Background(), "")
	if res.Method != Failed || !strings.Contains(res.Message, "no key to copy") || rcpt.Clearable() {
		t.Fatalf("got %+v", res)
	}
	if len(fake.Writes()) != 0 || term.Len() != 0 {
		t.Fatal("something was written for an empty secret")
	}
}

func TestClearAfterZeroMeansNever(t *testing.T) {
	c := New(NewFake(), nil, Options{})
	res, rcpt := c.Copy(context.Background(), "k")
	if c.ClearAfter() != 0 || !rcpt.ClearAt.IsZero() || strings.Contains(res.Message, "clear") {
		t.Fatalf("ClearAfter=%v ClearAt=%v message %q", c.ClearAfter(), rcpt.ClearAt, res.Message)
	}
	if d := New(nil, nil, Options{ClearAfter: -time.Second}).ClearAfter(); d != 0 {
		t.Fatalf("negative ClearAfter became %v", d)
	}
}

func TestDefaultOptions(t *testing.T) {
	t.Setenv("TMUX", "/tmp/tmux-0/default,1,0")
	o := DefaultOptions()
	if o.Timeout != 2*time.Second || o.ClearAfter != 30*time.Second || !o.TmuxPassthrough || o.RevealKey != "v" {
		t.Fatalf("%+v", o)
	}
	t.Setenv("TMUX", "")
	if DefaultOptions().TmuxPassthrough {
		t.Fatal("passthrough outside tmux")
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:        "30s",
		time.Minute:             "1 min",
		5 * time.Minute:         "5 min",
		90 * time.Second:        "1m30s",
		500 * time.Millisecond:  "500ms",
		2400 * time.Millisecond: "2s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// An OSC 52 copy may be kept by a tmux that amkeys cannot detect (TMUX is
// not set on the far side of SSH): the messages say so, and say how to
// remove it; through tmux's passthrough tmux keeps nothing.
func TestOSC52MessagesWarnOfTmuxBuffers(t *testing.T) {
	for _, passthrough := range []bool{false, true} {
		opts := testOptions()
		opts.TmuxPassthrough = passthrough
		c := New(nil, &bytes.Buffer{}, opts)
		res, rcpt := c.Copy(context.Background(), newSecret(t))
		cr := c.ClearIfUnchanged(context.Background(), rcpt)
		if res.Method != OSC52 || !cr.Unconfirmed {
			t.Fatalf("passthrough %v: copy %v, clear %+v", passthrough, res.Method, cr)
		}
		for _, msg := range []string{res.Message, cr.Message} {
			warns := strings.Contains(msg, "paste buffers") && strings.Contains(msg, "tmux delete-buffer")
			if warns == passthrough {
				t.Errorf("passthrough %v: message %q (tmux buffer warning: %v)", passthrough, msg, warns)
			}
			// Inside tmux (TMUX set: passthrough) tmux 3.3+ drops the
			// sequence unless allowed: the message says how.
			hint := strings.Contains(msg, "tmux set -g allow-passthrough on")
			if hint != passthrough {
				t.Errorf("passthrough %v: message %q (allow-passthrough hint: %v)", passthrough, msg, hint)
			}
			oneSentence(t, msg)
		}
		// The secret screen counts the clear down; the copy message must
		// not promise a clear of its own (issue 11 item 9).
		if strings.Contains(res.Message, "clear") {
			t.Errorf("passthrough %v: the copy message %q speaks of clearing", passthrough, res.Message)
		}
	}
	// A native copy involves no terminal and no tmux.
	res, _ := New(NewFake(), &bytes.Buffer{}, testOptions()).Copy(context.Background(), newSecret(t))
	if strings.Contains(res.Message, "tmux") {
		t.Errorf("native copy message %q mentions tmux", res.Message)
	}
}

// oneSentence fails unless msg is one short sentence: one full stop, at
// the end, and at most two lines of an 80-column terminal.
func oneSentence(t *testing.T, msg string) {
	t.Helper()
	if !strings.HasSuffix(msg, ".") || strings.Count(msg, ". ") != 0 || len(msg) > 160 {
		t.Errorf("message %q (%d bytes) is not one short sentence", msg, len(msg))
	}
}

// Every copy and clear message is one short sentence (issue 11 item 9).
func TestMessagesAreOneSentence(t *testing.T) {
	fake := NewFake()
	c := New(fake, &bytes.Buffer{}, testOptions())
	res, rcpt := c.Copy(context.Background(), newSecret(t))
	oneSentence(t, res.Message)
	oneSentence(t, c.ClearIfUnchanged(context.Background(), rcpt).Message)
	_, rcpt = c.Copy(context.Background(), newSecret(t))
	fake.Set("something else")
	oneSentence(t, c.ClearIfUnchanged(context.Background(), rcpt).Message)
	oneSentence(t, c.nativeResult(errReadBackDiffers).Message)
	oneSentence(t, c.nativeResult(errors.New("read failed")).Message)
	oneSentence(t, msgCannotCheck(errors.New("read failed")))
	oneSentence(t, msgCannotClear(errors.New("write failed")))
	oneSentence(t, msgCannotSendClear(errors.New("closed")))
}
