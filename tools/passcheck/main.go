// Command passcheck verifies EU Digital COVID Certificate passes, builds and
// publishes the signed trust list, and builds and serves the verifier site.
//
// Usage:
//
//	passcheck <command> [arguments]
//
// Run "passcheck help" for the list of commands, and
// "passcheck help <command>" for one of them. For example:
//
//	passcheck verify --dsc signer.pem --at 2021-06-01T00:00:00Z < pass.txt
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// Version is set with -ldflags "-X main.Version=..."; otherwise it comes from
// the module's build information.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// env is what a command reads and writes: tests call run with their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand, as in cmd/go's base.Command. Commands register
// themselves from init in their own file (cmd_*.go), so that each lives beside
// its flags.
type command struct {
	Name      string // "verify", or "trustlist build" for a two-word command
	UsageLine string // "verify [--dsc CERT]... [--at RFC3339] [--json] < PASS"
	Short     string
	Long      string
	// Run executes the command with the arguments after its name and returns
	// the exit code: one of the exit* constants.
	Run func(e *env, args []string) int
}

// Exit codes. A command that gives a verdict on a pass exits with the
// verdict's code ([verdictExit]); the others use 0, 1 and 2.
const (
	exitOK          = 0 // success; a valid pass
	exitInvalid     = 1 // a negative answer: an invalid pass (or trust list)
	exitUsage       = 2 // a usage or I/O error
	exitCannotCheck = 3 // the pass could not be checked (no trusted key, no usable trust list)
	exitNotAPass    = 4 // the text is not a readable pass; an image holds no QR code
)

// verdictExit returns the exit code of a verdict.
func verdictExit(v dcc.Verdict) int {
	switch v {
	case dcc.VerdictValid:
		return exitOK
	case dcc.VerdictCannotCheck:
		return exitCannotCheck
	case dcc.VerdictNotAPass:
		return exitNotAPass
	}
	return exitInvalid
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("passcheck: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

func main() {
	os.Exit(run(os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}))
}

// run dispatches args to a command and returns the process exit code.
func run(args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c := lookup(args[1:]); c != nil {
				printCommandHelp(e.stdout, c)
				return 0
			}
		}
		usage(e.stdout)
		return 0
	case "version", "--version":
		fmt.Fprintln(e.stdout, "passcheck", version())
		return 0
	}
	c := lookup(args)
	if c == nil {
		errorf(e, "unknown command %q", strings.Join(args[:min(2, len(args))], " "))
		hintf(e, `run "passcheck help" for the list of commands`)
		return 2
	}
	rest := args[len(strings.Fields(c.Name)):]
	return c.Run(e, rest)
}

// lookup finds the command named by the first one or two words of args.
func lookup(args []string) *command {
	if len(args) >= 2 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			return c
		}
	}
	if len(args) >= 1 {
		if c, ok := commands[args[0]]; ok {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "passcheck %s verifies EU Digital COVID Certificate passes offline.\n\nUsage:\n\n\tpasscheck <command> [arguments]\n\nCommands:\n\n", version())
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "\t%-18s %s\n", n, commands[n].Short)
	}
	fmt.Fprintf(w, "\nRun \"passcheck help <command>\" for more about a command.\n")
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "usage: passcheck %s\n\n%s\n", c.UsageLine, strings.TrimSpace(c.Long))
}

// newFlagSet returns a flag set for c that prints its usage to e.stderr.
func newFlagSet(e *env, c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: passcheck %s\n\n", c.UsageLine)
		fs.PrintDefaults()
	}
	return fs
}

// stringList is a repeatable string flag (--dsc A --dsc B).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// parseClock reads a clock flag: RFC 3339 with optional fractional seconds.
func parseClock(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--at %q is not an RFC 3339 time such as 2021-06-01T12:00:00Z", s)
	}
	return t, nil
}

func errorf(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "passcheck: error: "+format+"\n", args...)
}

func hintf(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "passcheck: hint: "+format+"\n", args...)
}
