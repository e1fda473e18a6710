package wire

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// TestPayloadBytes pins the wire format: a change of a key number or an
// encoding rule breaks every published bundle's readers.
func TestPayloadBytes(t *testing.T) {
	p := Payload{
		Version: 1, Sequence: 2, IssuedAt: 3, ExpiresAt: 4,
		Signers: []Entry{{
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
	prot, _ := Marshal(Protected{Alg: AlgES256, KID: []byte{0xaa}})
	if hex.EncodeToString(prot) != "a2012604"+"41aa" {
		t.Errorf("protected header %x", prot)
	}
}

func TestSigStructure(t *testing.T) {
	got := SigStructure([]byte{0xa1, 0x01, 0x26}, []byte{0x01})
	want := "84" + "6a" + hex.EncodeToString([]byte("Signature1")) + "43a10126" + "40" + "4101"
	if hex.EncodeToString(got) != want {
		t.Errorf("Sig_structure\n got %x\nwant %s", got, want)
	}
}

func TestSign1RoundTrip(t *testing.T) {
	dm, _ := cbor.DecOptions{}.DecMode()
	b, err := EncodeSign1([]byte{0xa1, 0x01, 0x26}, []byte("payload"), []byte("sig"))
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0xd2 {
		t.Fatalf("not tagged 18: %x", b)
	}
	for _, in := range [][]byte{b, b[1:]} {
		m, err := DecodeSign1(dm, in)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Payload, []byte("payload")) || !bytes.Equal(m.Signature, []byte("sig")) || !bytes.Equal(m.Protected, []byte{0xa1, 0x01, 0x26}) {
			t.Errorf("decoded %+v", m)
		}
	}
	// The unprotected header must be a map.
	bad := append([]byte{0x84, 0x43, 0xa1, 0x01, 0x26, 0x01}, b[len(b)-12:]...)
	if _, err := DecodeSign1(dm, bad); err == nil {
		t.Error("an unprotected header that is not a map was accepted")
	}
}
