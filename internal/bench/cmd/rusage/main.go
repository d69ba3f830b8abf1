// Command rusage runs a program and appends its CPU time and peak RSS to a
// file when it exits: `make bench` names it in a dev_overrides directory in
// place of the provider, because Terraform, not the benchmark, starts the
// provider process.
//
//	rusage -o FILE -- PROGRAM [ARGS...]
//
// Each line of FILE is "<user seconds> <system seconds> <peak RSS KiB>
// <minor page faults>": on a VM a first touch of a page can cost more than
// what is then written to it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	out := flag.String("o", "", "file to append the usage line to")
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: rusage -o FILE -- PROGRAM [ARGS...]")
		os.Exit(2)
	}
	// No context: the child lives exactly as long as Terraform keeps it.
	cmd := exec.CommandContext(context.Background(), flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr

	// Pass interrupts on: Terraform stops its plugins this way.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go func() {
		for s := range sigs {
			_ = cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		line := fmt.Sprintf("%.3f %.3f %d %d\n",
			float64(ru.Utime.Sec)+float64(ru.Utime.Usec)/1e6,
			float64(ru.Stime.Sec)+float64(ru.Stime.Usec)/1e6,
			ru.Maxrss, ru.Minflt)
		if f, ferr := os.OpenFile(*out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); ferr == nil {
			_, _ = f.WriteString(line)
			_ = f.Close()
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		os.Exit(1)
	}
}
