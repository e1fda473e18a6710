// camera.js: the rear camera, torch, and the frame loop that finds a QR code.
// Frames go to the browser's BarcodeDetector where it exists (Chrome on
// Android); otherwise a downscaled centre region goes to the module's scan
// (iOS Safari, desktop, headless Chromium): in the frame worker
// (scanworker.js, FrameWorker below) where the page has one, so that the
// page's thread never waits for a frame, else on the page's thread. One
// frame is in flight at a time: the frames the camera shows meanwhile are
// dropped, never queued. Frames never leave the page.

// The centre crop is at most this many pixels a side before scanning: big
// enough for a phone-screen QR at arm's length, small enough to scan in tens
// of milliseconds in WebAssembly.
const SCAN_SIDE = 480;
// Pause between scans so that the page stays responsive.
const SCAN_PAUSE_MS = 60;

/** nativeDetector returns a BarcodeDetector for QR codes, or null. */
export async function nativeDetector() {
  if (typeof globalThis.BarcodeDetector !== "function") return null;
  try {
    const formats = await globalThis.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return null;
    return new globalThis.BarcodeDetector({ formats: ["qr_code"] });
  } catch {
    return null;
  }
}

/**
 * FrameWorker decodes frames in a worker (scanworker.js at url) with the
 * page's compiled module (a WebAssembly.Module, handed over, not compiled
 * again). It holds at most one frame: scan() of a second frame while one is
 * in flight resolves to null at once (the frame is dropped). When the
 * worker cannot start, failed is set and the caller scans on its own
 * thread.
 */
export class FrameWorker {
  constructor(url, module) {
    this.failed = false;
    this.bitmaps = false; // the worker draws ImageBitmaps (OffscreenCanvas)
    this.pending = null; // {id, resolve}
    this.seq = 0;
    let settle;
    this.ready = new Promise((resolve) => (settle = resolve));
    this.worker = new Worker(url, { name: "passcheck-frames" });
    this.worker.onmessage = (ev) => {
      const m = ev.data || {};
      if (m.ready) {
        this.bitmaps = !!m.bitmaps;
        settle(true);
      } else if (m.failed !== undefined) {
        this.fail();
        settle(false);
      } else if (this.pending && m.id === this.pending.id) {
        const { resolve } = this.pending;
        this.pending = null;
        resolve(typeof m.text === "string" ? m.text : null);
      }
    };
    this.worker.onerror = () => {
      this.fail();
      settle(false);
    };
    this.worker.postMessage({ module });
  }

  /** busy: a frame is in flight. */
  get busy() {
    return this.pending !== null;
  }

  /**
   * scan sends a frame ({bitmap} or {data} RGBA, with width and height;
   * transfer: what to move rather than copy) and resolves to the code's
   * text or null.
   */
  scan(frame, transfer) {
    if (this.failed || this.pending) return Promise.resolve(null);
    const id = ++this.seq;
    return new Promise((resolve) => {
      this.pending = { id, resolve };
      this.worker.postMessage({ id, ...frame }, transfer);
    });
  }

  fail() {
    this.failed = true;
    if (this.pending) this.pending.resolve(null);
    this.pending = null;
    this.worker.terminate();
  }

  /** close stops the worker and frees its copy of the module. */
  close() {
    this.fail();
  }
}

/**
 * Camera owns one getUserMedia stream and a scan loop.
 * onCode(text) is called once per found code; scanning then pauses until
 * resume(). frames, when given, is a function returning a FrameWorker (or
 * null) to decode frames in; scanFn decodes them on the page's thread
 * otherwise, and wherever the worker failed.
 */
export class Camera {
  constructor(video, scanFn, onCode, frames) {
    this.video = video;
    this.scanFn = scanFn; // (ImageData) => string|null
    this.onCode = onCode;
    this.makeFrames = frames || null;
    this.frames = null; // the FrameWorker while the camera runs
    this.frameBy = ""; // where the last frame was decoded: "worker", "page" or "detector"
    this.stream = null;
    this.track = null;
    this.detector = undefined;
    this.scanning = false;
    this.timer = 0;
    this.canvas = document.createElement("canvas");
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    this.torchOn = false;
  }

  get running() {
    return this.stream !== null;
  }

  /** start opens the rear camera and starts scanning. Throws on failure. */
  async start() {
    if (this.stream) {
      this.resume();
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("getUserMedia unavailable (the page needs https or localhost)");
    }
    if (this.detector === undefined) this.detector = await nativeDetector();
    if (!this.detector && !this.frames && this.makeFrames) {
      try {
        this.frames = this.makeFrames(); // starts while the camera opens
      } catch {
        this.frames = null; // no worker here: the page's thread scans
      }
    }
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
    this.stream = stream;
    this.track = stream.getVideoTracks()[0] || null;
    this.video.srcObject = stream;
    this.video.setAttribute("playsinline", "");
    this.video.muted = true;
    await this.video.play();
    this.resume();
  }

  /** torchAvailable reports whether the camera offers a torch. */
  torchAvailable() {
    if (!this.track || typeof this.track.getCapabilities !== "function") return false;
    try {
      return !!this.track.getCapabilities().torch;
    } catch {
      return false;
    }
  }

  async setTorch(on) {
    if (!this.torchAvailable()) return false;
    await this.track.applyConstraints({ advanced: [{ torch: !!on }] });
    this.torchOn = !!on;
    return true;
  }

  stop() {
    this.pause();
    if (this.stream) for (const t of this.stream.getTracks()) t.stop();
    this.stream = null;
    this.track = null;
    this.torchOn = false;
    this.video.srcObject = null;
    if (this.frames) this.frames.close();
    this.frames = null;
  }

  pause() {
    this.scanning = false;
    clearTimeout(this.timer);
  }

  resume() {
    if (!this.stream || this.scanning) return;
    this.scanning = true;
    this.schedule(0);
  }

  schedule(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
  }

  async tick() {
    if (!this.scanning) return;
    let text = null;
    try {
      text = await this.scanFrame();
    } catch {
      text = null; // a bad frame is not an error worth showing
    }
    if (!this.scanning) return;
    if (text) {
      this.pause();
      this.onCode(text);
      return;
    }
    this.schedule(SCAN_PAUSE_MS);
  }

  async scanFrame() {
    const v = this.video;
    if (v.readyState < 2 || !v.videoWidth) return null;
    if (this.detector) {
      this.frameBy = "detector";
      const codes = await this.detector.detect(v);
      const qr = codes.find((c) => c.rawValue);
      return qr ? qr.rawValue : null;
    }
    // Centre square of 80 % of the short side, downscaled to SCAN_SIDE.
    const side = Math.floor(Math.min(v.videoWidth, v.videoHeight) * 0.8);
    const sx = Math.floor((v.videoWidth - side) / 2);
    const sy = Math.floor((v.videoHeight - side) / 2);
    const out = Math.min(side, SCAN_SIDE);
    const fw = this.frames;
    if (fw && !fw.failed && (await fw.ready) && !fw.failed) {
      this.frameBy = "worker";
      if (fw.bitmaps && typeof createImageBitmap === "function") {
        // The frame is cut and scaled by the browser and read in the worker.
        try {
          const bitmap = await createImageBitmap(v, sx, sy, side, side, { resizeWidth: out, resizeHeight: out, resizeQuality: "low" });
          return await fw.scan({ bitmap, width: out, height: out }, [bitmap]);
        } catch {
          fw.bitmaps = false; // read the pixels here from now on
        }
      }
      const img = this.grab(v, sx, sy, side, out);
      return fw.scan({ data: img.data.buffer, width: out, height: out }, [img.data.buffer]);
    }
    this.frameBy = "page";
    return this.scanFn(this.grab(v, sx, sy, side, out));
  }

  // grab draws the centre square of v, scaled to out a side, and returns
  // its pixels.
  grab(v, sx, sy, side, out) {
    if (this.canvas.width !== out || this.canvas.height !== out) {
      this.canvas.width = out;
      this.canvas.height = out;
    }
    this.ctx.drawImage(v, sx, sy, side, side, 0, 0, out, out);
    return this.ctx.getImageData(0, 0, out, out);
  }
}

// Uploaded images larger than this a side are downscaled before scanning.
const UPLOAD_MAX_SIDE = 1600;

/**
 * scanFile looks for a QR code in an image file and resolves to what it
 * found: {text} for one code, {several: n} for a picture of n codes (the
 * page asks for one at a time rather than guess which is meant), {} for
 * none, {notImage: true} for a file that is not a picture. The browser's
 * BarcodeDetector, where there is one, reads the picture; elsewhere scanFn
 * does (the module's scanCodes): it returns the distinct texts it read, or
 * one text or null.
 */
export async function scanFile(file, scanFn) {
  if (file && typeof file.type === "string" && file.type !== "" && !file.type.startsWith("image/")) return { notImage: true };
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { notImage: true }; // not a picture the browser can read
  }
  try {
    const detector = await nativeDetector();
    if (detector) {
      const codes = (await detector.detect(bitmap)).filter((c) => c.rawValue);
      const distinct = new Set(codes.map((c) => c.rawValue));
      if (distinct.size > 1) return { several: distinct.size };
      if (distinct.size === 1) return { text: codes[0].rawValue };
    }
    const scale = Math.min(1, UPLOAD_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0, w, h);
    const r = scanFn(ctx.getImageData(0, 0, w, h));
    const texts = Array.isArray(r) ? [...new Set(r.filter((t) => typeof t === "string" && t))] : r ? [r] : [];
    if (texts.length > 1) return { several: texts.length };
    return texts.length === 1 ? { text: texts[0] } : {};
  } finally {
    if (bitmap.close) bitmap.close();
  }
}
