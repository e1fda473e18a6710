package dcc

//go:generate go run ../internal/cmd/genvaluesets ../spec/valuesets
//go:generate go run ../internal/testkit/genvectors ../testdata/vectors
