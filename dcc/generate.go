package dcc

//go:generate go run ../internal/cmd/genvaluesets ../spec/valuesets
