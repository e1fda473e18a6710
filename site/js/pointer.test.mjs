// Tests of pointer.js: exact 64-bit sequences, the capped streaming read
// of downloads (an endless chunked answer from a real HTTP server), and the
// bundle's hash checked without WebCrypto. Run by `node --test` from the Go
// test TestSiteJSUnit (tools/passcheck/site_jsunit_test.go).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { seqText, compareSeq, pointerSequence, readCapped, checkBundle, readPointer, PointerError } from "./pointer.js";

test("sequences above 2^53 compare exactly", () => {
  const big = "9007199254740993"; // 2^53 + 1: as a number it is 2^53
  assert.equal(Number(big), 2 ** 53);
  assert.equal(compareSeq(big, "9007199254740992"), 1);
  assert.equal(compareSeq("9007199254740992", big), -1);
  assert.equal(compareSeq(big, big), 0);
  // Nanosecond timestamps, as `--sequence $(date +%s%N)` gives.
  assert.equal(compareSeq("1765000000000000001", "1765000000000000000"), 1);
  assert.equal(compareSeq("18446744073709551615", "18446744073709551614"), 1);
  assert.equal(compareSeq("10", "9"), 1);
  assert.equal(compareSeq("010", "9"), 1);
  assert.equal(compareSeq(12, "11"), 1);
  // None ("") is below every sequence.
  assert.equal(compareSeq("", "0"), -1);
  assert.equal(compareSeq("", ""), 0);
});

test("seqText accepts whole numbers and decimal strings only", () => {
  assert.equal(seqText(42), "42");
  assert.equal(seqText("0042"), "42");
  assert.equal(seqText("0"), "0");
  assert.equal(seqText(10n ** 19n), "10000000000000000000");
  for (const bad of [-1, 1.5, 2 ** 53 + 2, NaN, "", "-1", "1e3", " 1", "0x10", "123456789012345678901", null, undefined, {}]) {
    assert.equal(seqText(bad), "", String(bad));
  }
});

test("pointerSequence reads the sequence from the text, not through JSON.parse", () => {
  const text = '{"sequence": 1765000000000000001, "bundle": "trustlist-x.cose"}';
  assert.equal(JSON.parse(text).sequence, 1765000000000000000);
  assert.equal(pointerSequence(text), "1765000000000000001");
  assert.equal(pointerSequence('{"bundle":"b","sequence":7}'), "7");
  assert.equal(pointerSequence('{"bundle":"b"}'), "");
  const p = readPointer({ sequence: 5, bundle: "trustlist-a.cose", sha256: "a".repeat(64) }, "https://x.example/trustlist.json");
  assert.equal(p.sequenceText, "5");
});

// endless starts a server whose answers never end (chunked, no
// Content-Length), or claim a length, and counts the bytes it sent.
async function endless() {
  const state = { sent: 0 };
  const server = createServer((req, res) => {
    if (req.url === "/claims") {
      res.writeHead(200, { "Content-Length": String(64 << 20) });
      res.write(Buffer.alloc(1024));
      return; // never ends
    }
    if (req.url === "/small") {
      res.end(Buffer.from("hello"));
      return;
    }
    res.writeHead(200, { "Content-Type": "application/cose" });
    const chunk = Buffer.alloc(64 << 10, 0x41);
    let stop = false;
    req.on("close", () => (stop = true));
    const pump = () => {
      while (!stop && state.sent < (1 << 30)) {
        state.sent += chunk.length;
        if (!res.write(chunk)) return res.once("drain", pump);
      }
    };
    pump();
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, state, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

test("an endless chunked download is cut off at the cap, streaming", async () => {
  const srv = await endless();
  try {
    const max = 1 << 20;
    const heap0 = process.memoryUsage().arrayBuffers;
    const resp = await fetch(srv.url + "/endless");
    assert.equal(resp.headers.get("Content-Length"), null);
    await assert.rejects(readCapped(resp, max, "trust-list bundle"), (e) => e instanceof PointerError && /more than 1048576/.test(e.message));
    const grown = process.memoryUsage().arrayBuffers - heap0;
    // Cut off at the cap: a few buffers in flight, not the whole answer.
    assert.ok(grown < 16 << 20, `array buffers grew by ${grown} bytes`);
    // The reader stopped: the server stops soon after (its socket closed).
    const at = srv.state.sent;
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(srv.state.sent - at < 32 << 20, `the server kept sending: ${srv.state.sent - at} bytes after the cut`);
    assert.ok(srv.state.sent < 256 << 20, `${srv.state.sent} bytes were sent for a 1 MiB cap`);
  } finally {
    await srv.close();
  }
});

test("a Content-Length above the cap is refused before reading; a small body is read whole", async () => {
  const srv = await endless();
  try {
    await assert.rejects(readCapped(await fetch(srv.url + "/claims"), 1 << 20, "trustlist.json"), /67108864 bytes, more than 1048576/);
    const got = await readCapped(await fetch(srv.url + "/small"), 5, "x");
    assert.equal(new TextDecoder().decode(got), "hello");
    await assert.rejects(readCapped(await fetch(srv.url + "/small"), 4, "x"), /more than 4/);
  } finally {
    await srv.close();
  }
});

test("the bundle's SHA-256 is checked without WebCrypto, through the module's hash", async () => {
  const bytes = new TextEncoder().encode("a bundle");
  const sum = createHash("sha256").update(bytes).digest("hex");
  const hash = (b) => createHash("sha256").update(b).digest("hex");
  await checkBundle(bytes, { sha256: sum, size: bytes.length }, null, hash);
  await assert.rejects(checkBundle(bytes, { sha256: "0".repeat(64), size: null }, null, hash), /does not match the SHA-256/);
  // Neither WebCrypto nor a hash: refused, never taken unchecked.
  await assert.rejects(checkBundle(bytes, { sha256: sum, size: null }, null, null), /cannot be checked/);
  // WebCrypto, where present, still decides.
  await checkBundle(bytes, { sha256: sum, size: null }, globalThis.crypto.subtle, () => "wrong");
});
