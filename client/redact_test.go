package client_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/amkeys/amkeys/client"
	"github.com/amkeys/amkeys/client/sandbox"
)

// Errors the client builds from failed exchanges never carry its key, not
// even when a proxy's error page echoes the request's headers back, nor
// when a redirect, a drop or a refused connection ends the request.
func TestErrorsNeverCarryTheKeyEvenWhenEchoed(t *testing.T) {
	const key = "am_hygieneClientKey_5f0e1d2c3b4a"
	dropping, _ := startSandbox(t, sandbox.Options{Faults: sandbox.Faults{DropRate: 1, AfterEffect: true}})
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprintf(w, "<html>bad gateway: %s %v</html>", r.Header.Get("Authorization"), r.Header)
	}))
	defer echo.Close()
	echoJSON := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		auth := r.Header.Get("Authorization")
		fmt.Fprintf(w, `{"name":"UnauthorizedError","code":"unknown_api_key","message":"unknown key %s","fix":"check %s","errors":[{"path":"%s","message":"%s"}]}`, auth, auth, auth, auth)
	}))
	defer echoJSON.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2:1/v0/pods", http.StatusFound)
	}))
	defer redirect.Close()
	wrongKey, _ := startSandbox(t, sandbox.Options{})

	ctx := context.Background()
	var errs []error
	for _, base := range []string{dropping.URL, echo.URL, echoJSON.URL, redirect.URL, wrongKey.URL, "http://127.0.0.1:1"} {
		c, err := client.New(client.Options{BaseURL: base, APIKey: key, Backoff: time.Millisecond, MaxAttempts: 2})
		if err != nil {
			t.Fatal(err)
		}
		_, err1 := c.ListPods(ctx, client.ListOptions{})
		_, err2 := c.CreateKey(ctx, client.PodScope("pod"), "name", client.Unrestricted())
		errs = append(errs, err1, err2, c.DeleteKey(ctx, client.PodScope("pod"), "key"))
	}
	echoed := 0
	for i, err := range errs {
		if err == nil {
			t.Fatalf("call %d did not fail", i)
		}
		msg := fmt.Sprintf("%v %+v %#v", err, err, err)
		if e, ok := client.AsError(err); ok {
			msg += fmt.Sprintf(" %+v", *e)
		}
		if strings.Contains(msg, key) || strings.Contains(msg, key[8:]) || strings.Contains(msg, "Bearer am_") {
			t.Errorf("error %d carries the key: %s", i, msg)
		}
		if strings.Contains(msg, "Bearer [redacted]") {
			echoed++
		}
	}
	if echoed < 6 {
		t.Errorf("only %d errors show the echoed header redacted; the echo servers were not reached", echoed)
	}
}
