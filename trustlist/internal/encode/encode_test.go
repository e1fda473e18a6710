package encode

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/passcheck/passcheck/internal/cbor"
	"github.com/passcheck/passcheck/internal/cose"
	"github.com/passcheck/passcheck/trustlist/internal/wire"
)

var lim = cbor.Limits{MaxDepth: 16, MaxItems: 100_000}

// TestPayloadBytes pins the wire format: a change of a key number or an
// encoding rule breaks every published bundle's readers.
func TestPayloadBytes(t *testing.T) {
	p := wire.Payload{
		Version: 1, Sequence: 2, IssuedAt: 3, ExpiresAt: 4,
		Signers: []wire.Entry{{
			KID: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Country: "AT", NotBefore: 5, NotAfter: 6,
			Usage: 2, Subject: "DSC AT", SPKI: []byte{0x30, 0x00},
		}, {
			KID: []byte{1, 2, 3, 4, 5, 6, 7, 9}, Country: "DE", SPKI: []byte{0x30, 0x00}, // optional fields absent
		}},
	}
	got, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "a5" + "0101" + "0202" + "0303" + "0404" + "05" + "82" +
		"a7" + "01480102030405060708" + "02624154" + "0305" + "0406" + "0502" + "0666445343204154" + "07423000" +
		"a3" + "01480102030405060709" + "02624445" + "07423000"
	if hex.EncodeToString(got) != want {
		t.Errorf("payload\n got %x\nwant %s", got, want)
	}
	prot, _ := Marshal(wire.Protected{Alg: wire.AlgES256, KID: []byte{0xaa}})
	if hex.EncodeToString(prot) != "a2012604"+"41aa" {
		t.Errorf("protected header %x", prot)
	}
	// The reader reads back what the writer wrote.
	back, reserved, err := wire.DecodePayload(got, lim)
	if err != nil || reserved != nil {
		t.Fatalf("DecodePayload: %v, reserved %v", err, reserved)
	}
	again, _ := Marshal(back)
	if !bytes.Equal(again, got) {
		t.Errorf("read back and written again:\n got %x\nwant %x", again, got)
	}
}

// TestSigStructure holds the reader's hand-written Sig_structure to the
// writer's encoder, for payload lengths across every CBOR length form.
func TestSigStructure(t *testing.T) {
	for _, n := range []int{0, 1, 23, 24, 255, 256, 65535, 65536} {
		prot := []byte{0xa1, 0x01, 0x26}
		payload := bytes.Repeat([]byte{7}, n)
		want, err := Marshal([]any{"Signature1", prot, []byte{}, payload})
		if err != nil {
			t.Fatal(err)
		}
		if got := cose.SigStructure(prot, payload); !bytes.Equal(got, want) {
			t.Errorf("payload of %d bytes: Sig_structure differs from the encoder's", n)
		}
	}
}

func TestSign1RoundTrip(t *testing.T) {
	b, err := Sign1([]byte{0xa1, 0x01, 0x26}, []byte("payload"), []byte("sig"))
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0xd2 {
		t.Fatalf("not tagged 18: %x", b)
	}
	for _, in := range [][]byte{b, b[1:]} {
		m, err := wire.DecodeSign1(in, lim)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Payload, []byte("payload")) || !bytes.Equal(m.Signature, []byte("sig")) || !bytes.Equal(m.Protected, []byte{0xa1, 0x01, 0x26}) {
			t.Errorf("decoded %+v", m)
		}
	}
	// The unprotected header must be a map.
	bad := append([]byte{0x84, 0x43, 0xa1, 0x01, 0x26, 0x01}, b[len(b)-12:]...)
	if _, err := wire.DecodeSign1(bad, lim); err == nil {
		t.Error("an unprotected header that is not a map was accepted")
	}
}
