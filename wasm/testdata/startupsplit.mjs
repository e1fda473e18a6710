// startupsplit.mjs: the module's start-up phases under Node, each run twice
// in one session, for make bench-startup (wasm/startup_bench_test.go
// testStartupSplit, TestStartupBench/split). The second run of a phase
// does the same work with its code compiled already (V8 compiles each function of the module on
// its first call, and tiers hot ones up in the background), so that first
// minus second is what the first call's compiling costs. It reads a job
// (JSON: wasm, exec (Go's wasm_exec.js), bundle, index and parts in
// base64, keys, text, at) from the file named by its argument and prints
// the times in ms as one JSON line.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
await import(pathToFileURL(job.exec).href);
const b64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const bundle = b64(job.bundle);
const index = b64(job.index);
const parts = job.parts.map(b64);
const out = {};
const time = (key, fn) => {
  const t = performance.now();
  const r = fn();
  out[key] = performance.now() - t;
  return r;
};

const wasm = readFileSync(job.wasm);
const go = new globalThis.Go();
let t = performance.now();
const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
out.compile = performance.now() - t;
time("goRun", () => go.run(instance));
const api = time("newSession", () => globalThis.passcheck.newSession());
for (const n of [1, 2]) {
  const r = time("trustList" + n, () => api.loadTrustList(bundle, job.keys, 0));
  if (!r.ok) throw new Error("loadTrustList: " + JSON.stringify(r.errors));
}
for (const n of [1, 2]) time("warmUp" + n, () => api.warmUp(false));
for (const n of [1, 2]) {
  const r = time("revocations" + n, () => api.loadRevocations(index, parts, job.keys, 0));
  if (!r.ok) throw new Error("loadRevocations: " + JSON.stringify(r.errors));
}
for (const n of [1, 2]) {
  const r = time("verify" + n, () => api.verify(job.text, job.at));
  if (!r.valid) throw new Error("verify: " + JSON.stringify(r.errors));
}
process.stdout.write(JSON.stringify(out), () => process.exit(0));
