// firstverdict_dccsdk.mjs: a cold Node process's way to its first verdict
// with @pathcheck/dcc-sdk, the comparison of make bench-startup
// (wasm/startup_bench_test.go). It reads a job (JSON: sdk, the esbuild
// bundle of dcc-sdk; kid, the signer's key ID in base64; spki, its public
// key as base64 DER; text) from the file named by its argument, imports the
// bundle, hands it the signer's key (addCachedKeys, the way dcc-sdk takes
// keys it should not fetch), verifies the pass, and prints the times (ms
// since the process started) as one JSON line, last: dcc-sdk writes its
// own lines to stdout.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = { started: performance.now() };
const sdk = await import(pathToFileURL(job.sdk).href);
out.imported = performance.now();
sdk.addCachedKeys({ [job.kid]: job.spki });
out.ready = performance.now();
const r = await sdk.unpackAndVerify(job.text);
out.verdict = performance.now();
out.verifyMs = out.verdict - out.ready;
out.valid = r.status === "verified";
out.status = r.status;
process.stdout.write("\n" + JSON.stringify(out) + "\n", () => process.exit(0));
