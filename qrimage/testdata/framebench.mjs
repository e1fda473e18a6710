// framebench.mjs times camera frames under Node for make bench-frames
// (qrimage/framebench_test.go): the passcheck module's scanImage in frame
// mode against @zxing/library and jsQR, on the same frames, in the same
// process, one decoder after the other on each frame so that a slow moment
// of the machine weighs on all three. Each call is timed by the clock
// (median of the runs) and by the process's CPU time (mean; it counts
// V8's and the collector's other threads too), which the load of other
// processes bends less. It reads a job (JSON) from the file
// named by its argument and prints one JSON answer.
//
// Each frame is a file of gray bytes, expanded here to the RGBA of a canvas
// ImageData; every decoder starts from those RGBA pixels, as it would from
// a camera:
//   - module: globalThis.passcheck.scanImage(rgba, w, h, true), the call
//     of the ES module's scan(image, {frame: true});
//   - zxing: luminance as @zxing/browser's canvas source computes it, then
//     QRCodeReader.decode on a HybridBinarizer (no hints: its camera
//     scanner's default);
//   - jsQR: jsQR(rgba, w, h, {inversionAttempts: "dontInvert"}), the
//     setting of its camera demo (passcheck's frame mode does not try the
//     negative either).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const require = createRequire(pathToFileURL(job.nodeModules + "/").href);
const zx = require("@zxing/library");
const jsQR = require("jsqr");

await import(pathToFileURL(job.wasmExec).href);
const go = new globalThis.Go();
const { instance } = await WebAssembly.instantiate(readFileSync(job.wasm), go.importObject);
go.run(instance);
const pc = globalThis.passcheck;
if (!pc || !pc.qr) throw new Error("the module has no QR decoder");

const zxReader = new zx.QRCodeReader();
const decoders = {
  module(rgba, w, h) {
    const r = pc.scanImage(rgba, w, h, true);
    if (r !== null && typeof r !== "string") throw new Error("scanImage: " + JSON.stringify(r));
    return r;
  },
  zxing(rgba, w, h) {
    const lum = new Uint8ClampedArray(w * h);
    for (let i = 0, j = 0; i < lum.length; i++, j += 4) {
      lum[i] = (306 * rgba[j] + 601 * rgba[j + 1] + 117 * rgba[j + 2] + 0x200) >> 10;
    }
    const bitmap = new zx.BinaryBitmap(new zx.HybridBinarizer(new zx.RGBLuminanceSource(lum, w, h)));
    try {
      return zxReader.decode(bitmap).getText();
    } catch (e) {
      if (e instanceof zx.NotFoundException || e instanceof zx.ChecksumException || e instanceof zx.FormatException) return null;
      throw e;
    } finally {
      zxReader.reset();
    }
  },
  jsqr(rgba, w, h) {
    const r = jsQR(rgba, w, h, { inversionAttempts: "dontInvert" });
    return r ? r.data : null;
  },
};
const names = Object.keys(decoders);

function rgbaOf(file, w, h) {
  const g = readFileSync(file);
  if (g.length !== w * h) throw new Error(`${file}: ${g.length} bytes for ${w}×${h}`);
  const rgba = new Uint8ClampedArray(4 * w * h);
  for (let i = 0, j = 0; i < g.length; i++, j += 4) {
    rgba[j] = rgba[j + 1] = rgba[j + 2] = g[i];
    rgba[j + 3] = 255;
  }
  return rgba;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Warm-up: every decoder on the first frames of each size, until the JIT
// has seen the hot loops.
const warm = performance.now();
for (const f of job.frames.filter((f, i, a) => a.findIndex((g) => g.w === f.w && g.kind === f.kind) === i)) {
  const rgba = rgbaOf(f.file, f.w, f.h);
  for (let k = 0; k < 3; k++) for (const n of names) decoders[n](rgba, f.w, f.h);
}
const warmMs = performance.now() - warm;

const out = [];
for (const f of job.frames) {
  const rgba = rgbaOf(f.file, f.w, f.h);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, 0]));
  const texts = {};
  const reps = f.text ? job.repsCode : job.repsNoCode;
  for (let k = 0; k < reps; k++) {
    for (const n of names) {
      const c = process.cpuUsage();
      const a = performance.now();
      const text = decoders[n](rgba, f.w, f.h);
      times[n].push(performance.now() - a);
      const u = process.cpuUsage(c);
      cpu[n] += (u.user + u.system) / 1000;
      if (k === 0) texts[n] = text;
      else if (texts[n] !== text) throw new Error(`${f.name}: ${n} read differently on a second run`);
    }
  }
  out.push({
    name: f.name,
    results: Object.fromEntries(names.map((n) => [n, { ms: median(times[n]), best: Math.min(...times[n]), cpu: cpu[n] / reps, read: texts[n] === f.text && f.text !== "", wrong: texts[n] !== null && texts[n] !== f.text }])),
  });
}
process.stdout.write(JSON.stringify({ node: process.version, warmMs, frames: out }));
process.exit(0);
