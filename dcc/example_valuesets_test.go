package dcc_test

import (
	"fmt"

	"github.com/passcheck/passcheck/dcc"
)

func ExampleValueSets() {
	sets := dcc.ValueSets()
	fmt.Println(sets["vaccine-medicinal-product"]["EU/1/20/1528"])
	fmt.Println(sets["country-2-codes"]["AT"])
	// Output:
	// Comirnaty
	// Austria
}
