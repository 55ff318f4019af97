package main

import (
	"context"
	"io"
)

func runRotate(ctx context.Context, args []string, stdout, stderr io.Writer) int { return exitUsage }
