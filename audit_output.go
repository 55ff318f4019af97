package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/amkeys/amkeys/client/audit"
)

// isTerminal reports whether w is a terminal (an *os.File on a tty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}

// showProgress waits for the scan; on a terminal it keeps one progress line
// on stderr up to date and clears it at the end. Elsewhere (a CI log, a
// file) it prints nothing.
func showProgress(scan *audit.Scan, stderr io.Writer) {
	if !isTerminal(stderr) {
		<-scan.Done()
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-scan.Done():
			fmt.Fprint(stderr, "\r\x1b[K")
			return
		case <-tick.C:
			fmt.Fprint(stderr, "\r\x1b[K"+progressLine(scan.Progress()))
		}
	}
}

// progressLine is "scanning: 412 of 1000 pods · 2061 credentials · 630
// inboxes · 8 in flight · 0 errors".
func progressLine(p audit.Progress) string {
	known := fmt.Sprint(p.PodsKnown)
	if !p.ListingDone {
		known += "+"
	}
	s := fmt.Sprintf("scanning: %d of %s pods · %d credentials · %d inboxes · %d in flight · %d errors",
		p.PodsScanned, known, p.KeysFound, p.InboxesFound, p.InFlight, p.Errors)
	if !p.PausedUntil.IsZero() {
		s += " · rate limited, waiting"
	}
	return s
}

// writeFileAtomic writes through a temporary file in the same directory,
// then renames it over path: readers never see half a report, and the file
// is created with mode 0600 (the report lists key names and prefixes).
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	bw := bufio.NewWriter(tmp)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
