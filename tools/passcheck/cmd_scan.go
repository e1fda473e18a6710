package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/passcheck/passcheck/qrimage"
)

func init() {
	register(&command{
		Name:      "scan",
		UsageLine: "scan IMAGE...",
		Short:     "print the QR code texts in PNG or JPEG images",
		Long: `
Scan reads the QR codes in each PNG or JPEG image and prints the text of
each code it reads on a line of its own, image by image in the order given;
"-" reads an image from standard input. The text is printed exactly as the
code holds it, so it can be piped into "passcheck verify". An image that
shows several different codes prints each of them (the same code twice
prints once), and a hint on standard error says how many, since "verify"
checks one pass at a time.

An image without a readable code prints nothing on standard output and a
line naming it on standard error. The exit code is 0 when every image had a
code, 4 (not a pass, as "passcheck verify" says of a text that is not one)
when one had none, and 2 for a usage error or a file that cannot be read or
is not a PNG or JPEG image (that wins over 4).

Scan tries a plain read first and then a ladder of retries for hard images
(small modules, blur, noise, rotation, low contrast, no quiet zone,
inversion, photos of a screen); see docs/scan.md.

Example:

	passcheck scan pass.png | passcheck verify --dsc signer.pem
`,
		Run: runScan,
	})
}

func runScan(e *env, args []string) int {
	flags := newFlagSet(e, commands["scan"])
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return 2
	}
	code := 0
	for _, name := range flags.Args() {
		data, err := readImageFile(e, name)
		if err != nil {
			errorf(e, "%s: %v", name, err)
			code = exitUsage
			continue
		}
		texts, err := qrimage.DecodeAllBytes(data)
		switch {
		case errors.Is(err, qrimage.ErrNotFound):
			errorf(e, "%s: no QR code found", name)
			if code != exitUsage {
				code = exitNotAPass
			}
		case err != nil:
			errorf(e, "%s: %v", name, err)
			code = exitUsage
		default:
			if len(texts) > 1 {
				hintf(e, "%s shows %d QR codes; verify checks one pass at a time", name, len(texts))
			}
			for _, text := range texts {
				fmt.Fprintln(e.stdout, text)
			}
		}
	}
	return code
}

// readImageFile reads a file, or standard input for "-", refusing more
// than qrimage accepts.
func readImageFile(e *env, name string) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, pe.Err // the caller names the file
			}
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, qrimage.MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > qrimage.MaxFileSize {
		return nil, fmt.Errorf("larger than %d bytes", qrimage.MaxFileSize)
	}
	return data, nil
}
