// kiosk.js: the scanner page as a kiosk at an entrance. It scans all day
// with nothing to tap: the camera runs continuously, a USB or Bluetooth
// scanner types into the page (wedge.js), each verdict is held on screen for
// a few seconds and then cleared, leaving no personal data on screen, in the
// DOM or in storage. The screen stays on (Screen Wake Lock, re-acquired when
// the page becomes visible again) and the page asks for fullscreen. A large
// clock and the trust list's age stay on screen, because kiosks drift; a
// counter shows how many passes were valid and not valid since the page
// started (counts only, never who; kept in memory, never stored).
//
// Switched on by ?kiosk (hold for the default time), ?kiosk=N (hold N
// seconds), or built in with `passcheck site build --kiosk [--kiosk-hold N]`;
// ?kiosk=0 switches a kiosk build back to the plain scanner page.
//
// The parts that decide (kioskSetting, Tally, HoldTimer) do not touch the
// DOM, so that Node tests them (kiosk.test.mjs); Kiosk binds them to a page.
// The trust line is the page's own (render.js renderTrust).

import { present, loadingTrust } from "./verdict.js";
import { renderTrust } from "./render.js";

/** DEFAULT_HOLD_SECONDS is how long a verdict stays when no N is given. */
export const DEFAULT_HOLD_SECONDS = 5;
/**
 * REPEAT_GRACE_MS: the same pass seen again within the hold time and this
 * long after its last sighting is the same visitor (a pass held in front of
 * the camera is seen again as soon as the verdict clears): shown again,
 * counted once.
 */
export const REPEAT_GRACE_MS = 5000;
/** The hold is clamped to [MIN_HOLD_SECONDS, MAX_HOLD_SECONDS]. */
export const MIN_HOLD_SECONDS = 1;
export const MAX_HOLD_SECONDS = 300;

/**
 * kioskSetting decides whether the page runs as a kiosk, from the page's
 * query string and the build's setting ({kiosk: bool, kioskHoldSeconds: N}).
 * It returns null for the plain page, else {holdMs}.
 *   ?kiosk, ?kiosk=, ?kiosk=on       kiosk, the build's hold or the default
 *   ?kiosk=N                         kiosk, N seconds (clamped to 1–300)
 *   ?kiosk=0, ?kiosk=off             the plain page, even in a kiosk build
 */
export function kioskSetting(search, built) {
  const b = built && typeof built === "object" ? built : {};
  let hold = Number(b.kioskHoldSeconds) > 0 ? Number(b.kioskHoldSeconds) : DEFAULT_HOLD_SECONDS;
  let on = b.kiosk === true;
  let params;
  try {
    params = new URLSearchParams(typeof search === "string" ? search : "");
  } catch {
    params = new URLSearchParams();
  }
  if (params.has("kiosk")) {
    const v = params.get("kiosk").trim().toLowerCase();
    if (v === "0" || v === "off" || v === "false" || v === "no") {
      on = false;
    } else {
      on = true;
      const n = Number(v);
      if (v !== "" && Number.isFinite(n) && n > 0) hold = n;
    }
  }
  if (!on) return null;
  hold = Math.min(MAX_HOLD_SECONDS, Math.max(MIN_HOLD_SECONDS, hold));
  return { holdMs: Math.round(hold * 1000) };
}

/**
 * Tally counts verdicts since start: numbers only, in memory only. A text
 * that is not a pass ("not-a-pass") is not counted: it is not a visitor.
 * Nor is a pass seen again within repeatMs of its last sighting (the same
 * fingerprint, scanner.js): one pass held in front of the camera for a
 * while counts once. It keeps the last fingerprint only, never a pass.
 */
export class Tally {
  constructor(repeatMs) {
    this.valid = 0;
    this.invalid = 0;
    this.cannotCheck = 0;
    this.repeatMs = Number(repeatMs) > 0 ? Number(repeatMs) : 0;
    this.lastSeen = "";
    this.lastAt = -Infinity;
  }

  /**
   * add counts one shown verdict (VERDICTS) of the text with fingerprint
   * seen (optional), at nowMs; it returns whether it counted.
   */
  add(verdict, seen, nowMs) {
    const p = present(verdict);
    if (!p.counts) return false;
    const at = typeof nowMs === "number" ? nowMs : Date.now();
    if (seen && seen === this.lastSeen && at - this.lastAt <= this.repeatMs) {
      this.lastAt = at; // still in front of the camera: the window goes on
      return false;
    }
    this.lastSeen = seen || "";
    this.lastAt = at;
    if (p.verdict === "valid") this.valid++;
    else if (p.verdict === "invalid") this.invalid++;
    else this.cannotCheck++;
    return true;
  }

  /** notValid: every counted verdict that was not "valid". */
  get notValid() {
    return this.invalid + this.cannotCheck;
  }

  get total() {
    return this.valid + this.invalid + this.cannotCheck;
  }
}

/**
 * HoldTimer calls onExpire holdMs after the last hold(); a new hold()
 * restarts it (a second scan while a verdict shows gets its full time).
 * The timer functions can be replaced for tests.
 */
export class HoldTimer {
  constructor(holdMs, onExpire, timers) {
    this.holdMs = holdMs;
    this.onExpire = onExpire;
    const t = timers || globalThis;
    this.setTimeout = t.setTimeout.bind(t);
    this.clearTimeout = t.clearTimeout.bind(t);
    this.id = null;
  }

  hold() {
    this.cancel();
    this.id = this.setTimeout(() => {
      this.id = null;
      this.onExpire();
    }, this.holdMs);
  }

  cancel() {
    if (this.id !== null) this.clearTimeout(this.id);
    this.id = null;
  }

  get holding() {
    return this.id !== null;
  }
}

function el(tag, cls, text) {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

/**
 * Kiosk runs the kiosk furniture of a page: the bar with the clock, the
 * trust list's age and the counter; the hold-then-reset of verdicts; the
 * wake lock and fullscreen.
 *
 *   const k = new Kiosk({ holdMs, reset: clearVerdict, trust: (now) => scanner.trust(now), tr });
 *   k.start();
 *   // after each verdict is shown:
 *   k.verdict(verdict);
 *
 * reset() must remove every trace of the verdict (the page's own clear).
 * The state is mirrored on <html> for tests and styling:
 * data-kiosk="on", data-kiosk-holding, data-kiosk-wake ("held",
 * "released", "unsupported", "refused"), data-kiosk-fullscreen.
 */
export class Kiosk {
  constructor(options) {
    const o = options || {};
    this.holdMs = o.holdMs || DEFAULT_HOLD_SECONDS * 1000;
    this.reset = typeof o.reset === "function" ? o.reset : () => {};
    this.trust = typeof o.trust === "function" ? o.trust : loadingTrust;
    this.tr = o.tr;
    this.now = typeof o.now === "function" ? o.now : () => Date.now();
    this.doc = o.document || document;
    this.tally = new Tally(this.holdMs + REPEAT_GRACE_MS);
    this.singleFile = !!o.singleFile;
    this.timer = new HoldTimer(this.holdMs, () => this.expire());
    this.lock = null;
    this.ticker = 0;
    this.bar = null;
    this.onVisibility = () => {
      if (this.doc.visibilityState === "visible") this.acquireWakeLock();
    };
    this.onGesture = () => this.enterFullscreen();
  }

  /** start builds the kiosk bar, asks for fullscreen and the wake lock. */
  start() {
    const root = this.doc.documentElement;
    root.dataset.kiosk = "on";
    this.doc.body.classList.add("kiosk");
    this.buildBar();
    this.render();
    // The clock ticks on the second.
    const tick = () => {
      this.render();
      this.ticker = setTimeout(tick, 1000 - (this.now() % 1000) + 5);
    };
    this.ticker = setTimeout(tick, 1000 - (this.now() % 1000) + 5);
    this.doc.addEventListener("visibilitychange", this.onVisibility);
    this.acquireWakeLock();
    // Fullscreen needs a user gesture in most browsers: try now (a kiosk
    // browser started with --kiosk is fullscreen already), then on the first
    // key or touch.
    this.enterFullscreen();
    this.doc.addEventListener("pointerdown", this.onGesture, true);
    this.doc.addEventListener("keydown", this.onGesture, true);
  }

  stop() {
    clearTimeout(this.ticker);
    this.timer.cancel();
    this.doc.removeEventListener("visibilitychange", this.onVisibility);
    this.doc.removeEventListener("pointerdown", this.onGesture, true);
    this.doc.removeEventListener("keydown", this.onGesture, true);
    if (this.lock) this.lock.release().catch(() => {});
    this.lock = null;
    if (this.bar) this.bar.remove();
    if (this.idle) this.idle.remove();
    this.bar = null;
    delete this.doc.documentElement.dataset.kiosk;
    this.doc.body.classList.remove("kiosk");
  }

  /**
   * verdict counts a verdict now on screen (once per pass, see Tally) and
   * holds it for holdMs; seen is the text's fingerprint.
   */
  verdict(verdict, seen) {
    this.tally.add(verdict, seen, this.now());
    this.timer.hold();
    this.doc.documentElement.dataset.kioskHolding = "true";
    this.restartCountdown();
    this.render();
  }

  /** expire clears the verdict once its time is up. */
  expire() {
    delete this.doc.documentElement.dataset.kioskHolding;
    if (this.countdown) this.countdown.hidden = true;
    this.reset();
  }

  // --- the bar ---------------------------------------------------------------

  t(key, vars) {
    return this.tr ? this.tr.t(key, vars) : key;
  }

  buildBar() {
    const bar = el("div", "kiosk-bar");
    bar.id = "kiosk-bar";
    bar.setAttribute("aria-hidden", "false");
    this.clock = el("time", "kiosk-clock");
    this.clock.id = "kiosk-clock";
    this.date = el("span", "kiosk-date");
    const when = el("div", "kiosk-when");
    when.append(this.clock, this.date);
    this.trustLine = el("p", "kiosk-trust");
    this.trustLine.id = "kiosk-trust";
    const counts = el("dl", "kiosk-counts");
    counts.id = "kiosk-counts";
    this.counts = {};
    for (const k of ["valid", "notValid"]) {
      const dt = el("dt", "kiosk-count-label");
      const dd = el("dd", "kiosk-count");
      dd.dataset.count = k;
      counts.append(dt, dd);
      this.counts[k] = { dt, dd };
    }
    // The idle screen: what the guest is to do, large, while no verdict shows.
    this.idle = el("div", "kiosk-idle");
    this.idle.id = "kiosk-idle";
    this.idleTitle = el("p", "kiosk-idle-title");
    this.idleHint = el("p", "kiosk-idle-hint");
    this.idle.append(this.idleTitle, this.idleHint);
    const scan = this.doc.getElementById("scan");
    if (scan) scan.prepend(this.idle);
    else this.doc.body.append(this.idle);
    this.countdown = el("div", "kiosk-countdown");
    this.countdown.setAttribute("aria-hidden", "true");
    this.countdown.hidden = true;
    bar.append(when, counts, this.trustLine);
    this.doc.body.append(bar, this.countdown);
    this.bar = bar;
  }

  restartCountdown() {
    const c = this.countdown;
    if (!c) return;
    // Restart the CSS animation: the bar shrinks over the hold time. Style
    // set through the CSSOM is allowed by the page's CSP.
    c.hidden = false;
    c.style.animation = "none";
    void c.offsetWidth;
    c.style.animation = "";
    c.style.animationDuration = this.holdMs + "ms";
  }

  /** render refreshes the clock, the counter and the trust list's age. */
  render() {
    if (!this.bar) return;
    const now = this.now();
    const lang = this.tr ? this.tr.lang : undefined;
    const d = new Date(now);
    this.clock.dateTime = d.toISOString();
    this.clock.textContent = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(d);
    this.date.textContent = new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(d);
    this.counts.valid.dt.textContent = this.t("kiosk.valid");
    this.counts.valid.dd.textContent = String(this.tally.valid);
    this.counts.notValid.dt.textContent = this.t("kiosk.notValid");
    this.counts.notValid.dd.textContent = String(this.tally.notValid);
    this.counts.notValid.dd.title = this.t("kiosk.notValidDetail", { invalid: this.tally.invalid, cannotCheck: this.tally.cannotCheck });
    if (this.tr) renderTrust(this.trustLine, this.trust(now), this.tr, { singleFile: this.singleFile });
    this.idleTitle.textContent = this.t("kiosk.idleTitle");
    this.idleHint.textContent = this.t("kiosk.hint");
  }

  // --- wake lock and fullscreen ------------------------------------------------

  async acquireWakeLock() {
    const root = this.doc.documentElement;
    const wl = globalThis.navigator && navigator.wakeLock;
    if (!wl || typeof wl.request !== "function") {
      root.dataset.kioskWake = "unsupported";
      return;
    }
    if (this.lock && !this.lock.released) return;
    try {
      this.lock = await wl.request("screen");
      root.dataset.kioskWake = "held";
      this.lock.addEventListener("release", () => {
        // Released by the browser when the page is hidden: taken back on
        // visibilitychange.
        root.dataset.kioskWake = "released";
      });
    } catch {
      root.dataset.kioskWake = "refused";
    }
  }

  async enterFullscreen() {
    const root = this.doc.documentElement;
    if (this.doc.fullscreenElement) {
      root.dataset.kioskFullscreen = "on";
      this.dropGestureListeners();
      return;
    }
    if (typeof root.requestFullscreen !== "function") {
      root.dataset.kioskFullscreen = "unsupported";
      this.dropGestureListeners();
      return;
    }
    try {
      await root.requestFullscreen({ navigationUI: "hide" });
      root.dataset.kioskFullscreen = "on";
      this.dropGestureListeners();
    } catch {
      root.dataset.kioskFullscreen = "refused";
    }
  }

  dropGestureListeners() {
    this.doc.removeEventListener("pointerdown", this.onGesture, true);
    this.doc.removeEventListener("keydown", this.onGesture, true);
  }
}
