//go:build unix

package main

import (
	"bytes"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// These use SIGUSR1 and SIGUSR2, which nothing else in the test binary
// handles, except for the SIGQUIT dump, which is safe while caught.

func sendSelf(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
}

func TestCatcherCancelsOnFirstSignalAndForcesAfterTheBound(t *testing.T) {
	forced := make(chan os.Signal, 2)
	c := catchSignals([]os.Signal{syscall.SIGUSR1, syscall.SIGUSR2}, 50*time.Millisecond, func(s os.Signal) { forced <- s })
	defer c.stop()
	sendSelf(t, syscall.SIGUSR1)
	select {
	case <-c.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the context was not cancelled by the signal")
	}
	sendSelf(t, syscall.SIGUSR2) // a second signal changes nothing
	select {
	case s := <-forced:
		if s != syscall.SIGUSR1 {
			t.Errorf("forced exit for %v, want the first signal", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cleanup that never ends was not cut short")
	}
	if s, dump := c.received(); s != syscall.SIGUSR1 || dump != nil {
		t.Errorf("received %v with a %d-byte dump, want SIGUSR1 and none", s, len(dump))
	}
	select {
	case s := <-forced:
		t.Errorf("forced twice (%v)", s)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestCatcherStopDisarmsTheForcedExit(t *testing.T) {
	forced := make(chan os.Signal, 1)
	c := catchSignals([]os.Signal{syscall.SIGUSR1}, time.Second, func(s os.Signal) { forced <- s })
	sendSelf(t, syscall.SIGUSR1)
	<-c.ctx.Done()
	c.stop() // cleanup done in time
	select {
	case <-forced:
		t.Fatal("forced exit after stop")
	case <-time.After(1500 * time.Millisecond):
	}
}

func TestCatcherLeavesIgnoredSignalsIgnored(t *testing.T) {
	signal.Ignore(syscall.SIGUSR2) // as nohup does for SIGHUP
	defer signal.Reset(syscall.SIGUSR2)
	c := catchSignals([]os.Signal{syscall.SIGUSR2}, time.Hour, func(os.Signal) {})
	defer c.stop()
	sendSelf(t, syscall.SIGUSR2)
	select {
	case <-c.ctx.Done():
		t.Fatal("a signal ignored at start ended the program")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestCatcherDumpsGoroutinesOnSIGQUIT(t *testing.T) {
	c := catchSignals([]os.Signal{syscall.SIGQUIT}, time.Hour, func(os.Signal) {})
	defer c.stop()
	sendSelf(t, syscall.SIGQUIT)
	select {
	case <-c.ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGQUIT did not cancel")
	}
	s, dump := c.received()
	if s != syscall.SIGQUIT || !bytes.Contains(dump, []byte("goroutine ")) || !bytes.Contains(dump, []byte("TestCatcherDumpsGoroutinesOnSIGQUIT")) {
		t.Fatalf("received %v with dump %.300q", s, dump)
	}
}
