package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/amkeys/amkeys/internal/argsafe"
	"github.com/amkeys/amkeys/ui/report"
	"github.com/amkeys/amkeys/ui/sanitize"
)

// loadOld reads the --diff file: an earlier `amkeys audit --format json`
// report. It is untrusted input: bounded to report.MaxOldReport, checked
// field by field, and every error names the file and what is wrong, with
// the file's text sanitised.
func loadOld(path string) (report.Old, error) {
	name := argsafe.Quote(path)
	fail := func(what string) error {
		return fmt.Errorf("--diff %s: %s", name, sanitize.Truncate(what, 240))
	}
	f, err := os.Open(path)
	if err != nil {
		return report.Old{}, fail(openProblem(err))
	}
	defer f.Close()
	info, err := f.Stat()
	switch {
	case err != nil:
		return report.Old{}, fail(openProblem(err))
	case info.IsDir():
		return report.Old{}, fail("is a directory, not a report file")
	case info.Mode().IsRegular() && info.Size() > report.MaxOldReport:
		return report.Old{}, fail(fmt.Sprintf("is %d MiB, more than the %d MiB a diff reads", info.Size()>>20, report.MaxOldReport>>20))
	}
	old, err := report.ReadOld(f, report.MaxOldReport)
	if err != nil {
		return report.Old{}, fail(err.Error())
	}
	return old, nil
}

// openProblem says why a file cannot be read, without repeating its path.
func openProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return "cannot read it: " + pe.Err.Error()
	}
	return "cannot read it: " + err.Error()
}

// writeDiff compares the audit with the earlier report and writes the
// diff where the report would have gone.
func (j auditJob) writeDiff(rep report.Report, stdout io.Writer) (report.Diff, error) {
	d := report.Compare(*j.old, rep)
	write := func(w io.Writer) error { return report.WriteDiff(w, j.format, d) }
	if j.output == "" || j.output == "-" {
		return d, write(stdout)
	}
	return d, writeFileAtomic(j.output, write)
}

// changes lists the --fail-on kinds the diff has, e.g. "2 new-key, 1
// new-unrestricted"; "" when none.
func changes(d report.Diff, kinds []report.ChangeKind) string {
	var parts []string
	for _, k := range kinds {
		if n := d.Count(k); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return strings.Join(parts, ", ")
}

// changeKindHelp is the --fail-on help for --diff.
const changeKindHelp = "with --diff, exit 1 when the comparison finds a change of one of these kinds:\n" +
	"  new-key              a credential that is not in OLD.json\n" +
	"  removed              a credential of OLD.json that is gone\n" +
	"  permissions-changed  a key whose permissions differ from OLD.json's\n" +
	"  new-unrestricted     a key unrestricted now, but not in OLD.json\n" +
	"  new-stale            a key stale now, but not in OLD.json\n" +
	"  new-expired          a public key expired now, but not in OLD.json\n" +
	"  new-expiring         a public key expiring now, but not in OLD.json\n" +
	"  new-revoked          a public key revoked now, but not in OLD.json\n" +
	"  (\"but not in OLD.json\": not so there, or a new credential)\n" +
	"  none                 never fail on changes (the default)\n"

// parseFailOnChanges reads --fail-on with --diff: change kinds, or none.
func parseFailOnChanges(s string) ([]report.ChangeKind, error) {
	var kinds []report.ChangeKind
	none := false
	for _, given := range strings.Split(s, ",") {
		part := report.ChangeKind(strings.TrimSpace(strings.ToLower(given)))
		switch {
		case part == "":
			continue
		case part == "none":
			none = true
			continue
		case !slices.Contains(report.ChangeKinds, part):
			return nil, fmt.Errorf("--fail-on: with --diff, %s is not a kind of change (want %s or none, comma-separated)",
				argsafe.Quote(strings.TrimSpace(given)), changeKindList())
		}
		if !slices.Contains(kinds, part) {
			kinds = append(kinds, part)
		}
	}
	if none && len(kinds) > 0 {
		return nil, fmt.Errorf("--fail-on: none cannot be combined with other kinds")
	}
	return kinds, nil
}

func changeKindList() string {
	names := make([]string, len(report.ChangeKinds))
	for i, k := range report.ChangeKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// finishDiff writes the diff and maps it to the exit code, as run does
// for the report.
func (j auditJob) finishDiff(rep report.Report, stdout, stderr io.Writer) int {
	d, err := j.writeDiff(rep, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys audit:", err)
		return exitIncomplete
	}
	if !rep.Result.Complete() {
		reportIncomplete(rep.Result, stderr)
		return exitIncomplete
	}
	if found := changes(d, j.failOnChanges); found != "" {
		fmt.Fprintln(stderr, "amkeys audit: changes:", found)
		return exitFail
	}
	return exitOK
}
