// scanner.js: the Scanner, the controller that the scanner page (app.js) and
// the <passcheck-verifier> widget share. It owns the verifier and what goes
// on around it: loading it (and saying why it failed), checking one text at
// a time, refreshing the trust list, the trust state, and the camera. It
// holds no DOM of its own: each view gives it hooks and draws.
//
//   const scanner = new Scanner({
//     status(key, vars) {},       // a status line: a string-table key, or "" to clear
//     inputs(on) {},              // enable the inputs once the verifier is ready
//     trust() {},                 // redraw the trust line (scanner.trust())
//     show(result, source, seen) {}, // draw a verdict; return what check should resolve to
//                                 // (seen: a fingerprint of the text, see fingerprint)
//     camera(state) {},           // the camera is "starting", "running" or "stopped"
//     active() { return true },   // optional: false once the view is gone
//   });
//   // optional second argument: {frameWorker: URL of scanworker.js's bundle},
//   // to decode camera frames off the page's thread (camera.js FrameWorker)
//   await scanner.start(() => load(options));
//   await scanner.check(text, "paste");
//
// Nothing about a pass is kept beyond the Result on screen (scanner.result),
// which clear() drops.

import { trustState, loadingTrust, internalResult } from "./verdict.js";
import { Camera, FrameWorker } from "./camera.js";

/**
 * fingerprint names a scanned text without keeping it: a 32-bit FNV-1a hash
 * and the length, so that a kiosk can tell the same pass held in front of
 * the camera again from a new one (kiosk.js Tally) without holding the pass.
 */
export function fingerprint(text) {
  const s = String(text);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16) + ":" + s.length;
}

export class Scanner {
  constructor(view, options = {}) {
    this.view = view;
    this.frameWorkerURL = options.frameWorker || "";
    this.verifier = null;
    this.phase = "idle"; // "loading", "ready" or "failed"
    this.failedCode = ""; // the code of a start that failed
    this.busy = false;
    this.result = null; // the Result on screen
    this.camera = null;
    this.generation = 0;
  }

  /**
   * start loads a verifier with loader (a function resolving to one, such
   * as () => load(options)). It resolves to {ok: true} or, when the verifier
   * could not start, {ok: false, code, message}; a start begun later wins
   * over an earlier one still running ({ok: false, code: ""}).
   */
  async start(loader) {
    const gen = ++this.generation;
    this.verifier = null;
    this.phase = "loading";
    this.failedCode = "";
    this.view.status("app.loading");
    this.view.inputs(false);
    this.view.trust();
    let verifier;
    try {
      verifier = await loader();
    } catch (e) {
      if (gen !== this.generation) return { ok: false, code: "", message: "" };
      const code = (e && e.code) || "WASM_UNAVAILABLE";
      const message = String((e && e.message) || e);
      this.phase = "failed";
      this.failedCode = code;
      this.view.status("app.loadFailed", { error: code + (e && e.message ? ": " + e.message : "") });
      this.view.trust();
      return { ok: false, code, message };
    }
    if (gen !== this.generation) return { ok: false, code: "", message: "" };
    this.verifier = verifier;
    this.phase = "ready";
    this.view.status("");
    this.view.inputs(true);
    this.view.trust();
    return { ok: true };
  }

  /** trustList is the verifier's trust list in use, or null. */
  get trustList() {
    return this.verifier ? this.verifier.trustList : null;
  }

  /** trust is the trust state at nowMs (verdict.js trustState). */
  trust(nowMs = Date.now()) {
    if (this.phase === "idle" || this.phase === "loading") return loadingTrust();
    return trustState(this.trustList, nowMs, this.failedCode);
  }

  /**
   * check verifies text and shows its verdict through view.show(result,
   * source). It resolves to what show returned, or null when it showed
   * nothing: no verifier yet, another check running, an empty text, or a
   * view that went away meanwhile.
   */
  async check(text, source) {
    if (!this.verifier || this.busy) return null;
    text = String(text == null ? "" : text).trim();
    if (!text) {
      this.view.status("scan.pasteEmpty");
      return null;
    }
    this.busy = true;
    let result;
    try {
      result = await this.verifier.verify(text);
    } catch (e) {
      // verify resolves to Result-shaped errors; this is the last resort.
      result = internalResult(e);
    } finally {
      this.busy = false;
    }
    if (this.view.active && !this.view.active()) return null;
    this.result = result;
    return this.view.show(result, source, fingerprint(text));
  }

  /** clear drops the Result on screen; the view removes its traces. */
  clear() {
    this.result = null;
  }

  /**
   * refresh fetches the trust list again (a failed refresh keeps the list in
   * use) and redraws the trust line.
   */
  async refresh() {
    const v = this.verifier;
    if (!v || typeof v.refreshTrustList !== "function") return;
    try {
      await v.refreshTrustList();
    } catch {
      // refreshTrustList resolves to its outcome; trustList.lastLoad keeps it
    }
    this.view.trust();
  }

  // --- camera ----------------------------------------------------------------

  /** cameraRunning: the camera is open. */
  get cameraRunning() {
    return !!(this.camera && this.camera.running);
  }

  /**
   * startCamera opens the camera into video and scans; each code found is
   * checked (source "camera"). A code found while another check runs is
   * dropped and scanning goes on. It resolves to whether the camera runs.
   */
  async startCamera(video) {
    if (!this.verifier) return false;
    if (!this.camera) {
      this.camera = new Camera(
        video,
        (img) => this.verifier.scan(img, { frame: true }),
        (text) => this.check(text, "camera").then((shown) => shown || this.camera.resume()),
        () => this.frameWorker(),
      );
    }
    this.view.status("scan.starting");
    this.view.camera("starting");
    try {
      await this.camera.start();
    } catch (e) {
      this.view.camera("stopped");
      this.view.status("scan.noCamera", { error: (e && (e.name || e.message)) || String(e) });
      return false;
    }
    this.view.camera("running");
    this.view.status("scan.hint");
    return true;
  }

  // frameWorker starts a frame worker with the verifier's module, or
  // returns null where there is none to start (no URL, no Worker, a
  // verifier without its module): frames are then scanned on this thread.
  frameWorker() {
    const module = this.verifier && this.verifier.wasmModule;
    if (!this.frameWorkerURL || !module || typeof Worker !== "function") return null;
    return new FrameWorker(this.frameWorkerURL, module);
  }

  /** stopCamera closes the camera. */
  stopCamera() {
    if (this.camera) this.camera.stop();
    this.view.camera("stopped");
    this.view.status("");
  }

  /** toggleCamera starts or stops the camera. */
  toggleCamera(video) {
    if (this.cameraRunning) {
      this.stopCamera();
      return Promise.resolve(false);
    }
    return this.startCamera(video);
  }

  /**
   * next goes back to scanning after a verdict was cleared: the camera
   * scans again where it runs.
   */
  next() {
    this.clear();
    if (this.cameraRunning) {
      this.view.status("scan.hint");
      this.camera.resume();
    } else {
      this.view.status("");
    }
  }
}
