// camera.js: the rear camera, torch, and the frame loop that finds a QR code.
// Frames go to the browser's BarcodeDetector where it exists (Chrome on
// Android); otherwise a downscaled centre region goes to the module's scan
// (iOS Safari, desktop, headless Chromium). Frames never leave the page.

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
 * Camera owns one getUserMedia stream and a scan loop.
 * onCode(text) is called once per found code; scanning then pauses until
 * resume().
 */
export class Camera {
  constructor(video, scanFn, onCode) {
    this.video = video;
    this.scanFn = scanFn; // (ImageData) => string|null
    this.onCode = onCode;
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
      const codes = await this.detector.detect(v);
      const qr = codes.find((c) => c.rawValue);
      return qr ? qr.rawValue : null;
    }
    // Centre square of 80 % of the short side, downscaled to SCAN_SIDE.
    const side = Math.floor(Math.min(v.videoWidth, v.videoHeight) * 0.8);
    const sx = Math.floor((v.videoWidth - side) / 2);
    const sy = Math.floor((v.videoHeight - side) / 2);
    const out = Math.min(side, SCAN_SIDE);
    this.canvas.width = out;
    this.canvas.height = out;
    this.ctx.drawImage(v, sx, sy, side, side, 0, 0, out, out);
    return this.scanFn(this.ctx.getImageData(0, 0, out, out));
  }
}

// Uploaded images larger than this a side are downscaled before scanning.
const UPLOAD_MAX_SIDE = 1600;

/**
 * scanFile looks for a QR code in an image file and resolves to what it
 * found: {text} for one code, {several: n} for a picture of n codes (the
 * page asks for one at a time rather than guess which is meant), {} for
 * none, {notImage: true} for a file that is not a picture. The browser's
 * BarcodeDetector, where there is one, sees every code; the module's
 * decoder (everywhere else) reads one code per picture and cannot tell
 * whether there are more.
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
    const text = scanFn(ctx.getImageData(0, 0, w, h));
    return text ? { text } : {};
  } finally {
    if (bitmap.close) bitmap.close();
  }
}
