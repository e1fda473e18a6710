package qrimage

// The hard cases of testdata/hard: deterministic seeds, so the files only
// change when the generator does.
//go:generate go run ./internal/gencases -out testdata/hard
