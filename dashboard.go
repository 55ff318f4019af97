package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/audit"
	"github.com/amkeys/amkeys/config"
	"github.com/amkeys/amkeys/ui"
	"github.com/amkeys/amkeys/ui/clip"
	"github.com/amkeys/amkeys/ui/common"
	"github.com/amkeys/amkeys/ui/styles"
)

// newClient builds the API client from settings (read-only when the
// settings or the caller say so). Its retries report to a gate that the
// audit shares, so that a 429 slows every request of the run.
func newClient(s config.Settings, readOnly bool) (*audit.PacedClient, error) {
	return audit.NewClient(client.Options{
		BaseURL:           s.BaseURL,
		APIKey:            s.APIKey.Reveal(),
		AllowInsecureHTTP: s.AllowInsecureHTTP,
		ReadOnly:          readOnly || s.ReadOnly,
	})
}

// startUI runs the dashboard until the user quits.
func startUI(ctx context.Context, s config.Settings, demo bool, stderr io.Writer) int {
	api, err := newClient(s, false)
	if err != nil {
		fmt.Fprintln(stderr, "amkeys:", err)
		return exitUsage
	}
	// A connection dialled but never used holds a --demo sandbox's
	// graceful stop for 5 s; closing them lets amkeys quit at once.
	defer api.CloseIdleConnections()
	noColor := os.Getenv("NO_COLOR") != ""
	if noColor {
		lipgloss.SetColorProfile(termenv.Ascii)
	}
	uiCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	c := &common.Common{
		Ctx: uiCtx,
		API: api,
		Settings: common.Settings{
			Profile:          s.Profile,
			BaseURL:          api.BaseURL(),
			PageSize:         s.PageSize,
			StaleDays:        s.StaleDays,
			ExpiryWarnDays:   s.ExpiryWarnDays,
			ClipboardClear:   s.ClipboardClear,
			ReadOnly:         s.ReadOnly,
			Demo:             demo,
			OwnKeyPrefix:     api.KeyPrefix(),
			KeySource:        s.KeySource,
			AuditConcurrency: s.AuditConcurrency,
			UTC:              s.UTC,
		},
		Styles:    styles.New(noColor),
		Now:       time.Now,
		Clipboard: clip.New(clip.System(), os.Stdout, clipOptions(s)),
	}
	root := ui.New(c, cancel)
	// ctx is cancelled by amkeys' own signal handling (see signals.go),
	// which kills the program: Bubble Tea then restores the terminal.
	// Its own signal handler would race with that and could hang.
	p := tea.NewProgram(withTestPanic(root), tea.WithAltScreen(), tea.WithMouseCellMotion(),
		tea.WithContext(ctx), tea.WithoutSignalHandler())
	_, err = p.Run()
	// q clears a copied secret itself; a signal or a panic ends the
	// program without it.
	clearCtx, stop := context.WithTimeout(context.Background(), clip.DefaultTimeout)
	defer stop()
	if msg := root.ClearClipboard(clearCtx); msg != "" {
		fmt.Fprintln(stderr, "amkeys:", msg)
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(stderr, "amkeys:", err)
		return exitFail
	}
	return exitOK
}

// clipOptions: the defaults (2 s timeout, OSC 52 fallback, tmux
// passthrough inside tmux) with the user's clear delay (0 = never).
func clipOptions(s config.Settings) clip.Options {
	o := clip.DefaultOptions()
	o.ClearAfter = s.ClipboardClear
	return o
}
