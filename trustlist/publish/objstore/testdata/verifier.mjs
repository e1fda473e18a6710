// verifier.mjs is one verifier (the passcheck ES module and its WebAssembly,
// as a page uses them) kept alive for the object-store tests: it loads the
// trust list from a trustlist.json URL, then answers one command per line of
// standard input with one JSON line on standard output, so that the Go test
// can publish, break and restart the store between two refreshes.
//
//   node verifier.mjs MODULE.js MODULE.wasm
//   stdin:  {"op":"load","url":"http://127.0.0.1:PORT/bucket/trust/trustlist.json","keys":"-----BEGIN PUBLIC KEY-----..."}
//           {"op":"refresh"}
//           {"op":"verify","text":"HC1:...","at":1767225600000}
//   stdout: {"lastLoad":{...},"status":{...}} | {"result":{...}}
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const [modulePath, wasmPath] = process.argv.slice(2);
const { load } = await import(pathToFileURL(modulePath).href);
const wasm = readFileSync(wasmPath);
let pc = null;

const status = (last) => ({ lastLoad: last, status: pc.trustList });

const ops = {
  async load(c) {
    pc = await load({ wasm, trustListURL: c.url, trustKeys: c.keys, webCrypto: false, warmUp: false });
    return status(pc.trustList.lastLoad);
  },
  async refresh() {
    return status(await pc.refreshTrustList());
  },
  async verify(c) {
    return { result: await pc.verify(c.text, { at: c.at }) };
  },
};

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  let out;
  try {
    const c = JSON.parse(line);
    out = await ops[c.op](c);
  } catch (e) {
    out = { thrown: String(e && e.stack) };
  }
  await new Promise((done) => process.stdout.write(JSON.stringify(out) + "\n", done));
}
