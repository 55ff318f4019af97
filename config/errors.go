package config

import (
	"errors"
	"strconv"
)

// Error is a configuration problem. File, Line and Col say where it is
// when it comes from the config file (Col in bytes; 0 when unknown); all
// are empty for problems with flags or the environment. Main maps every
// config error to exit code 2.
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
	err  error // wrapped sentinel, for errors.Is
}

func (e *Error) Error() string {
	switch {
	case e.File == "":
		return e.Msg
	case e.Line <= 0:
		return e.File + ": " + e.Msg
	case e.Col <= 0:
		return e.File + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
	default:
		return e.File + ":" + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Col) + ": " + e.Msg
	}
}

func (e *Error) Unwrap() error { return e.err }

// ErrNoAPIKey means a key was needed but none was configured. The error
// Resolve returns wraps it and also names the config file it looked at.
var ErrNoAPIKey = errors.New("no API key: set AGENTMAIL_API_KEY, pass --api-key, " +
	"or add a profile with api_key_env or api_key_command to the config file; " +
	"`amkeys --demo` needs no key")

// fileError is a problem at a place in the file; the zero pos means the
// whole file.
func fileError(file string, at pos, msg string) *Error {
	return &Error{File: file, Line: at.line, Col: at.col, Msg: msg}
}

func plainError(msg string) *Error { return &Error{Msg: msg} }
