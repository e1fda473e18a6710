// scan.mjs drives the built module under Node for scan_node_test.go: it
// reads a job (JSON) from the file named by its argument, scans each of
// its RGBA images through the raw scanImage (as an upload and as a camera
// frame) and through the ES module's scan and scanCodes, and prints the
// answers.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
globalThis.localStorage = { getItem: () => null, setItem() {}, removeItem() {} };
const { load } = await import(pathToFileURL(job.module).href);
const b64 = (s) => new Uint8Array(Buffer.from(s, "base64"));
const pc = await load({ wasm: readFileSync(job.wasm), trustList: b64(job.bundle), trustKeys: job.keys, warmUp: false });
const api = globalThis.passcheck;
const answer = {};
for (const img of job.images) {
  const image = { data: new Uint8ClampedArray(b64(img.rgba)), width: img.width, height: img.height };
  answer[img.name] = {
    upload: api.scanImage(image.data, image.width, image.height, false),
    frame: api.scanImage(image.data, image.width, image.height, true),
    scan: pc.scan(image),
    scanCodes: pc.scanCodes(image),
  };
}
process.stdout.write(JSON.stringify(answer));
