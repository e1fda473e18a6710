// scanworker.js: the frame worker. Camera frames are decoded here, off the
// page's thread, so that the viewfinder never waits for a frame. The page
// (camera.js FrameWorker) sends it the module it has compiled already
// ({module}: a WebAssembly.Module, which crosses to a worker without being
// compiled again), then one frame at a time: {id, bitmap, width, height}
// (an ImageBitmap, drawn and read here) or {id, data, width, height}
// (RGBA pixels, transferred). It answers {id, text} (null: no code) and,
// once, {ready: true} or {failed: message}.
//
// Nothing about a frame is kept: the pixels go to the module's scanImage
// in frame mode and are dropped.

import "./wasm_exec.js";

let api = null;
let canvas = null;
let ctx = null;

async function start(module) {
  try {
    const go = new globalThis.Go();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    go.run(instance);
    api = globalThis.passcheck;
    if (!api || typeof api.scanImage !== "function") throw new Error("the module did not start");
    postMessage({ ready: true, bitmaps: typeof OffscreenCanvas === "function" });
  } catch (e) {
    postMessage({ failed: String((e && e.message) || e) });
  }
}

// pixels returns the RGBA pixels of a frame message.
function pixels(m) {
  if (!m.bitmap) return new Uint8ClampedArray(m.data);
  const { width: w, height: h } = m;
  if (!canvas || canvas.width !== w || canvas.height !== h) {
    canvas = new OffscreenCanvas(w, h);
    ctx = canvas.getContext("2d", { willReadFrequently: true });
  }
  ctx.drawImage(m.bitmap, 0, 0, w, h);
  m.bitmap.close();
  return ctx.getImageData(0, 0, w, h).data;
}

onmessage = (ev) => {
  const m = ev.data;
  if (m && m.module) {
    start(m.module);
    return;
  }
  let text = null;
  try {
    const r = api.scanImage(pixels(m), m.width, m.height, true);
    text = typeof r === "string" ? r : null;
  } catch {
    text = null; // a bad frame is not an error worth showing
  }
  postMessage({ id: m.id, text });
};
