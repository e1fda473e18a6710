// firstverdict.mjs: a cold Node process's way to its first verdict, for
// make bench-startup (wasm/startup_bench_test.go). It reads a job (JSON:
// module, wasm, bundle in base64, keys, text, at, afterWarm) from the file
// named by its argument, loads the verifier from the module's bytes and
// the trust list's, verifies one pass, and prints the times (ms since the
// process started: Node's performance.now()) of each phase, with the
// ES module's User Timing marks (passcheck:compiled, runtime, trustlist,
// ready, warm).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = { started: performance.now() };
const { load } = await import(pathToFileURL(job.module).href);
out.imported = performance.now();
const wasm = readFileSync(job.wasm);
const trustList = new Uint8Array(Buffer.from(job.bundle, "base64"));
out.read = performance.now();
const pc = await load({ wasm, trustList, trustKeys: job.keys });
out.ready = performance.now();
if (job.afterWarm) {
  await pc.warmedUp;
  out.warmed = performance.now();
}
const before = performance.now();
const r = await pc.verify(job.text, { at: job.at });
out.verdict = performance.now();
out.verifyMs = out.verdict - before;
out.valid = r.valid;
out.trustOK = pc.trustList.ok;
for (const e of performance.getEntriesByType("mark")) out[e.name] = e.startTime;
process.stdout.write(JSON.stringify(out), () => process.exit(0));
