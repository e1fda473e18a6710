// passcheck-verifier.js: the <passcheck-verifier> custom element, the
// passcheck verifier to drop into any page. It checks EU Digital COVID
// Certificates entirely in the browser (the Go core compiled to
// WebAssembly, against a signed trust list) from the camera, a pasted text
// or a USB/Bluetooth barcode scanner, shows the verdict, and dispatches a
// `passcheck-result` event with the Result. It never sends a pass anywhere:
// what the page does with the event is up to the page.
//
//   <script type="module" src="widget/passcheck-verifier.js"></script>
//   <passcheck-verifier trustlist-url="trustlist.json" trust-keys="publisher.pem"></passcheck-verifier>
//   document.querySelector("passcheck-verifier")
//     .addEventListener("passcheck-result", (e) => console.log(e.detail.verdict, e.detail.result));
//
// Attributes, CSS custom properties, parts and the event: docs/kiosk.md and
// passcheck-verifier.d.ts beside this file.
//
// # Several instances
//
// Instances with the same module, trust list and keys share one loaded
// verifier (one download, one trust list); instances with different ones get
// their own trust list inside the one WebAssembly module, and never see each
// other's. Scanner (keyboard-wedge) input goes to one instance: the one the
// user last clicked, tapped or focused; before any interaction, the first
// on the page that accepts scanner input (hid="off" opts out).

import { load } from "../js/passcheck.js";
import { Wedge } from "../js/wedge.js";
import { details, cleanText } from "../js/verdict.js";
import { Translator, pick } from "../js/i18n.js";
import { verdictView, holderName, renderTrust } from "../js/render.js";
import { parseChoice, ruleNotes, rulesLine } from "../js/rules.js";
import { Scanner } from "../js/scanner.js";
import { config } from "passcheck:build";

const TAG = "passcheck-verifier";
const MAX_PEM_BYTES = 64 << 10;
// The trust list is fetched again this often while an instance is on the page.
const REFRESH_MS = 15 * 60 * 1000;

// The defaults come from the build (passcheck site build): the module built
// with this file and the publisher keys pinned into it. Relative URLs of the
// build are relative to this file; those of attributes to the page.
const moduleBase = import.meta.url;
function defaultURL(u) {
  return u ? new URL(u, moduleBase).href : "";
}

// --- one verifier per (module, trust list, keys) ------------------------------

// Each loaded verifier is counted by the instances using it; the last to
// let go (a new attribute set, or removed from the page) closes it, which
// frees its session and trust list inside the module: attributes that
// change all day leave nothing behind.
const verifiers = new Map();

function verifierKey(opts) {
  return JSON.stringify([opts.wasmURL, opts.trustListURL, opts.trustKeys, opts.rules]);
}

// acquireVerifier resolves to the verifier for opts, loading it when no
// instance has it; release(key) lets it go.
function acquireVerifier(opts) {
  const key = verifierKey(opts);
  let e = verifiers.get(key);
  if (!e) {
    e = { users: 0, promise: load(opts) };
    verifiers.set(key, e);
    e.promise.catch(() => {
      if (verifiers.get(key) === e) verifiers.delete(key);
    });
  }
  e.users++;
  return { key, promise: e.promise };
}

function releaseVerifier(key) {
  const e = verifiers.get(key);
  if (!e) return;
  e.users--;
  if (e.users > 0) return;
  // Closed in the next task, unless taken again meanwhile (an element
  // moved in the page is disconnected and connected at once).
  setTimeout(() => {
    if (e.users > 0 || verifiers.get(key) !== e) return;
    verifiers.delete(key);
    e.promise.then((v) => v.close(), () => {});
  }, 0);
}

/** openVerifiers is how many verifiers the widgets of this page hold (for tests). */
export function openVerifiers() {
  return verifiers.size;
}

// trustKeysFrom returns the PEM text of the trust-keys attribute: the text
// itself, or the content of a PEM file on the page's own origin.
const pemFetches = new Map();
async function trustKeysFrom(value) {
  if (value.includes("-----BEGIN")) return value;
  const url = new URL(value, document.baseURI);
  if (url.origin !== location.origin) {
    throw Object.assign(new Error(`trust-keys: ${url.href} is not on this page's origin`), { code: "TRUSTLIST_KEY_INVALID" });
  }
  let p = pemFetches.get(url.href);
  if (!p) {
    p = (async () => {
      const resp = await fetch(url, { credentials: "same-origin" });
      if (!resp.ok) throw Object.assign(new Error(`trust-keys: ${url.href}: HTTP ${resp.status}`), { code: "TRUSTLIST_KEY_INVALID" });
      const text = await resp.text();
      if (text.length > MAX_PEM_BYTES) throw Object.assign(new Error(`trust-keys: ${url.href} is too large`), { code: "TRUSTLIST_KEY_INVALID" });
      return text;
    })();
    pemFetches.set(url.href, p);
    p.catch(() => pemFetches.delete(url.href));
  }
  return p;
}

// --- scanner input, routed to one instance --------------------------------------

const hid = {
  wedge: null,
  instances: new Set(),
  active: null,

  add(el) {
    this.instances.add(el);
    if (!this.wedge) {
      this.wedge = new Wedge({ onScan: (text) => this.route(text), onUnrecognised: () => this.unrecognised() });
      this.wedge.start();
    }
  },

  remove(el) {
    this.instances.delete(el);
    if (this.active === el) this.active = null;
    if (this.instances.size === 0 && this.wedge) {
      this.wedge.stop();
      this.wedge = null;
    }
  },

  touch(el) {
    if (this.instances.has(el)) this.active = el;
  },

  target() {
    if (this.active && this.active.isConnected && this.instances.has(this.active)) return this.active;
    // The first in document order.
    let first = null;
    for (const el of this.instances) {
      if (!el.isConnected) continue;
      if (!first || first.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) first = el;
    }
    return first;
  },

  route(text) {
    const el = this.target();
    if (el) el.check(text, "hid");
  },

  // A scanner's burst that is not a pass: the target says to check the
  // scanner's keyboard layout.
  unrecognised() {
    const el = this.target();
    if (el) el.setStatus("scan.wedgeUnrecognised");
  },
};

// --- styles ---------------------------------------------------------------------

const CSS = `
:host {
  --_valid: var(--passcheck-valid, #0a6b2d);
  --_invalid: var(--passcheck-invalid, #b3261e);
  --_uncheckable: var(--passcheck-uncheckable, #ffb300);
  --_uncheckable-ink: var(--passcheck-uncheckable-ink, #1b1b1f);
  --_ink: var(--passcheck-ink, #1b1b1f);
  --_paper: var(--passcheck-paper, #ffffff);
  --_muted: var(--passcheck-muted, #4a4f57);
  --_accent: var(--passcheck-accent, #12355b);
  --_line: var(--passcheck-line, #c9ced6);
  --_radius: var(--passcheck-radius, 0.6rem);
  --_stale-bg: var(--passcheck-stale-bg, #ffe08a);
  --_stale-ink: var(--passcheck-stale-ink, #3d2c00);
  display: block;
  font: var(--passcheck-font, 1rem/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif);
  color: var(--_ink);
  background: var(--_paper);
  border: 1px solid var(--_line);
  border-radius: var(--_radius);
  padding: 0.75rem;
  max-width: 28rem;
  box-sizing: border-box;
}
:host([hidden]) { display: none; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.status { margin: 0 0 0.5rem; color: var(--_muted); min-height: 1.45em; }
.viewfinder { position: relative; aspect-ratio: 1 / 1; background: #000; border-radius: var(--_radius); overflow: hidden; margin-bottom: 0.5rem; }
video { width: 100%; height: 100%; object-fit: cover; display: block; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-bottom: 0.5rem; }
button {
  font: inherit; font-weight: 600; min-height: 2.75rem; padding: 0.5rem 1rem; cursor: pointer;
  border-radius: var(--_radius); border: 2px solid var(--_accent); background: var(--_paper); color: var(--_accent);
}
button.primary { background: var(--_accent); color: #fff; }
button:disabled { opacity: 0.55; cursor: not-allowed; }
button:focus-visible, textarea:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.paste { display: grid; gap: 0.4rem; margin-bottom: 0.5rem; }
.paste label { font-size: 0.9rem; }
textarea {
  font: 0.85rem/1.3 ui-monospace, Menlo, Consolas, monospace; width: 100%; padding: 0.4rem;
  border: 2px solid var(--_line); border-radius: var(--_radius); color: var(--_ink); background: var(--_paper);
  resize: vertical; word-break: break-all;
}
.paste button { justify-self: start; }
.verdict { border-radius: var(--_radius); padding: 0.75rem; margin-bottom: 0.5rem; color: #fff; }
.verdict[data-state="valid"] { background: var(--_valid); }
.verdict[data-state="invalid"] { background: var(--_invalid); }
.verdict[data-state="cannot-check"] { background: var(--_uncheckable); color: var(--_uncheckable-ink); }
.verdict[data-state="not-a-pass"] { background: var(--_paper); color: var(--_ink); border: 2px dashed var(--_line); }
.verdict[data-state="not-a-pass"] button { border-color: var(--_accent); color: var(--_accent); }
.title { margin: 0; font-size: 1.8rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.03em; }
.title:focus { outline: none; }
.name { margin: 0.4rem 0 0; font-size: 1.5rem; font-weight: 700; overflow-wrap: anywhere; }
.dob { margin: 0; font-size: 1.2rem; font-weight: 600; }
.kind { margin: 0.3rem 0 0; }
.verdict button.more { margin-top: 0.4rem; }
.reasons { margin: 0.4rem 0 0; padding-left: 1.2rem; font-weight: 600; }
.verdict button { margin-top: 0.6rem; background: var(--_paper); color: var(--_ink); border-color: var(--_paper); }
.trust { margin: 0; font-size: 0.85rem; color: var(--_muted); }
.trust[data-state="expired"], .trust[data-state="missing"] {
  background: var(--_stale-bg); color: var(--_stale-ink); font-weight: 600; padding: 0.2rem 0.4rem; border-radius: 0.3rem;
}
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

// One stylesheet object for every instance. Constructed stylesheets are
// CSSOM, which a Content-Security-Policy without 'unsafe-inline' allows;
// a <style> element is the fallback for browsers without them.
let sheet = null;
function adoptStyles(root) {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sheet];
      return;
    } catch {
      // fall through
    }
  }
  const style = document.createElement("style");
  style.textContent = CSS;
  root.append(style);
}

// --- the element ----------------------------------------------------------------

const TEMPLATE = `
<p part="status" class="status" data-ref="status" role="status"></p>
<div part="viewfinder" class="viewfinder" data-ref="viewfinder" hidden><video part="video" data-ref="video" muted playsinline aria-hidden="true"></video></div>
<div part="actions" class="actions" data-ref="actions">
  <button part="button camera-button" type="button" class="primary" data-ref="camera" disabled></button>
</div>
<form part="paste" class="paste" data-ref="paste" autocomplete="off">
  <label data-ref="pasteLabel"></label>
  <textarea part="input" data-ref="pasteText" rows="2" spellcheck="false" autocapitalize="off" autocomplete="off"></textarea>
  <button part="button check-button" type="submit" data-ref="check" disabled></button>
</form>
<section part="verdict" class="verdict" data-ref="verdict" hidden>
  <p part="title" class="title" data-ref="title" tabindex="-1"></p>
  <p part="name" class="name" data-ref="name" dir="auto"></p>
  <p part="dob" class="dob" data-ref="dob"></p>
  <button part="button details-button" type="button" class="more" data-ref="more" aria-expanded="false" hidden></button>
  <p part="kind" class="kind" data-ref="kind"></p>
  <ul part="reasons" class="reasons" data-ref="reasons"></ul>
  <button part="button next-button" type="button" data-ref="next"></button>
</section>
<p part="trust" class="trust" data-ref="trust" data-state="missing"></p>
<div class="sr-only" data-ref="announce" role="alert" aria-live="assertive" aria-atomic="true"></div>
`;

const CONFIG_ATTRS = ["wasm-url", "trustlist-url", "trust-keys", "rules-country", "rules-region"];

/**
 * PasscheckVerifier is the <passcheck-verifier> element. See
 * passcheck-verifier.d.ts for its attributes, properties and events.
 */
export class PasscheckVerifier extends HTMLElement {
  static get observedAttributes() {
    return [...CONFIG_ATTRS, "lang", "hid", "camera", "paste", "hold", "details"];
  }

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    adoptStyles(root);
    const tpl = document.createElement("template");
    tpl.innerHTML = TEMPLATE; // a constant: no page or pass data
    root.append(tpl.content.cloneNode(true));
    this.refs = {};
    for (const n of root.querySelectorAll("[data-ref]")) this.refs[n.dataset.ref] = n;
    this.holdTimer = 0;
    this.refreshTimer = 0;
    this.tr = new Translator(this.language());
    this._ready = null;
    // The element's view of the shared controller (scanner.js).
    this.scanner = new Scanner({
      status: (key, vars) => this.setStatus(key, vars),
      inputs: (on) => this.enableInputs(on),
      trust: () => this.renderTrustLine(),
      show: (result, source) => this.shown(result, source),
      camera: (st) => {
        this.refs.viewfinder.hidden = st === "stopped";
        if (st !== "starting") this.refs.camera.textContent = this.t(st === "running" ? "scan.stop" : "scan.start");
      },
      active: () => this.isConnected,
    });

    const r = this.refs;
    r.camera.addEventListener("click", () => this.toggleCamera());
    r.paste.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.check(r.pasteText.value, "paste");
    });
    r.next.addEventListener("click", () => this.reset());
    r.more.addEventListener("click", () => {
      this.detailsOpen = !this.detailsOpen;
      if (this.result) this.show(this.result, true);
    });
    // The instance the user last touched receives scanner input.
    this.addEventListener("pointerdown", () => hid.touch(this));
    this.addEventListener("focusin", () => hid.touch(this));
  }

  connectedCallback() {
    this.applyOptions();
    this.renderText();
    if (!this._ready) this.start();
    clearInterval(this.refreshTimer);
    this.refreshTimer = setInterval(() => this.refreshTrustList(), REFRESH_MS);
  }

  disconnectedCallback() {
    hid.remove(this);
    clearInterval(this.refreshTimer);
    clearTimeout(this.holdTimer);
    this.scanner.stopCamera();
    this.clear();
    // Let the verifier go (closed when no instance uses it); connected
    // again, the element loads it again.
    this.releaseVerifier();
    this.startGen = (this.startGen || 0) + 1;
    this._ready = null;
  }

  releaseVerifier() {
    if (this.verifierKey) releaseVerifier(this.verifierKey);
    this.verifierKey = "";
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (name === "lang") {
      this.tr = new Translator(this.language());
      this.renderText();
      if (this.result) this.show(this.result, true);
      return;
    }
    if (CONFIG_ATTRS.includes(name)) {
      // A new module, list or key: load again (when connected).
      if (this._ready && this.isConnected) this.start();
      return;
    }
    if (name === "details" && this.result) this.show(this.result, true);
    if (this.isConnected) this.applyOptions();
  }

  language() {
    return pick(this.getAttribute("lang"), (globalThis.navigator && (navigator.languages || [navigator.language])) || []);
  }

  applyOptions() {
    const r = this.refs;
    if (this.getAttribute("hid") === "off") hid.remove(this);
    else if (this.isConnected) hid.add(this);
    const cam = this.getAttribute("camera");
    r.actions.hidden = cam === "off";
    if (cam === "off" && this.scanner.cameraRunning) this.scanner.stopCamera();
    r.paste.hidden = this.getAttribute("paste") === "off";
  }

  /** ready resolves once the module and the trust list are loaded (or failed). */
  get ready() {
    return this._ready || Promise.resolve();
  }

  /** trustList is the status of the trust list in use, or null before loading. */
  get trustList() {
    return this.scanner.trustList;
  }

  /** result is the Result on screen, or null. */
  get result() {
    return this.scanner.result;
  }

  start() {
    this._ready = (async () => {
      const wasmAttr = this.getAttribute("wasm-url");
      const listAttr = this.getAttribute("trustlist-url");
      const keysAttr = this.getAttribute("trust-keys");
      // The verifier of the attributes before is let go at once: the
      // scanner shows nothing checked with it any more.
      this.releaseVerifier();
      const gen = (this.startGen = (this.startGen || 0) + 1);
      const r = await this.scanner.start(async () => {
        const trustKeys = keysAttr ? await trustKeysFrom(keysAttr) : config.trustKeys;
        const got = acquireVerifier({
          wasmURL: wasmAttr ? new URL(wasmAttr, document.baseURI).href : defaultURL(config.wasmURL),
          trustListURL: listAttr ? new URL(listAttr, document.baseURI).href : defaultURL(config.trustListURL),
          trustKeys,
          graceSeconds: config.graceSeconds,
          // rules-country (and rules-region): the rule country, "none" for technical check only; default the build's.
          rules: this.hasAttribute("rules-country")
            ? { ...parseChoice(this.getAttribute("rules-country")), region: (this.getAttribute("rules-region") || "").trim() }
            : parseChoice(config.rulesCountry || ""),
        });
        try {
          const v = await got.promise;
          // A later start (attributes changed again) or a disconnect came
          // first: this one is not used.
          if (gen !== this.startGen || !this.isConnected) {
            releaseVerifier(got.key);
          } else {
            this.verifierKey = got.key;
          }
          return v;
        } catch (e) {
          releaseVerifier(got.key);
          throw e;
        }
      });
      if (!r.ok) {
        if (r.code) this.fire("passcheck-error", { code: r.code, message: r.message });
        return;
      }
      this.dataset.ready = "true";
      this.fire("passcheck-ready", { trustList: this.trustList });
      if (this.getAttribute("camera") === "auto") this.startCamera();
    })();
    return this._ready;
  }

  /** refreshTrustList fetches the trust list again. */
  refreshTrustList() {
    return this.scanner.refresh();
  }

  enableInputs(on) {
    this.refs.camera.disabled = !on;
    this.refs.check.disabled = !on;
  }

  fire(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  t(key, vars) {
    return this.tr.t(key, vars);
  }

  setStatus(key, vars) {
    this.statusKey = key;
    this.statusVars = vars;
    this.refs.status.textContent = key ? this.t(key, vars) : "";
  }

  renderText() {
    const r = this.refs;
    r.camera.textContent = this.t(this.scanner.cameraRunning ? "scan.stop" : "scan.start");
    r.pasteLabel.textContent = this.t("scan.pasteLabel");
    r.check.textContent = this.t("scan.check");
    r.next.textContent = this.t("verdict.next");
    r.more.textContent = this.t(this.detailsOpen ? "verdict.hideDetails" : "verdict.showDetails");
    r.pasteText.setAttribute("aria-label", this.t("scan.pasteLabel"));
    if (this.statusKey !== undefined) this.setStatus(this.statusKey, this.statusVars);
    this.renderTrustLine();
  }

  renderTrustLine() {
    renderTrust(this.refs.trust, this.scanner.trust(), this.tr);
    const v = this.scanner.verifier;
    if (v) this.refs.trust.textContent += " · " + rulesLine(v.rules, Date.now(), this.tr); // rules.js
  }

  // --- checking ------------------------------------------------------------------

  /**
   * check verifies text, shows the verdict and dispatches passcheck-result.
   * It resolves to the event's detail (null while loading or busy).
   */
  check(text, source) {
    return this.scanner.check(text, source || "api");
  }

  // shown shows a verdict the scanner checked and dispatches passcheck-result;
  // it returns the event's detail.
  shown(result, source) {
    const view = this.show(result, false);
    const tl = this.trustList;
    const detail = {
      result,
      verdict: view.verdict,
      verified: view.verified,
      source,
      trustList: tl ? { ...tl } : null,
    };
    this.fire("passcheck-result", detail);
    return detail;
  }

  /** verify checks text as if scanned (source "api"); see check. */
  verify(text) {
    return this.check(text, "api");
  }

  show(result, quiet) {
    const r = this.refs;
    if (!quiet) this.detailsOpen = false; // a new verdict starts with its details closed
    const view = verdictView(result, this.scanner.trust(), this.tr);
    this.renderTrustLine();
    r.verdict.dataset.state = view.verdict;
    r.verdict.dataset.verified = String(view.verified);
    r.title.textContent = view.title;
    // The holder is shown only when a trusted key verified the signature:
    // never unverified data as an identity. The name without bidirectional
    // controls, isolated (dir="auto" on its own element).
    const h = view.verified ? result.holder : null;
    r.name.textContent = h ? holderName(h) : "";
    r.name.hidden = !h;
    r.dob.textContent = h && h.dateOfBirth ? this.t("holder.dob") + ": " + cleanText(this.tr.date(h.dateOfBirth)) : "";
    r.dob.hidden = !r.dob.textContent;
    // The health details (kind, product, test): never by default
    // (details="hidden"); one tap away with details="tap".
    const tap = this.getAttribute("details") === "tap" && view.verified;
    r.more.hidden = !tap;
    r.more.textContent = this.t(this.detailsOpen ? "verdict.hideDetails" : "verdict.showDetails");
    r.more.setAttribute("aria-expanded", String(tap && !!this.detailsOpen));
    r.kind.textContent = tap && this.detailsOpen ? this.kindLine(result) : view.verdict === "not-a-pass" ? view.sub : "";
    r.kind.hidden = !r.kind.textContent;
    r.reasons.replaceChildren(
      ...view.reasons.map((x) => {
        const li = document.createElement("li");
        li.dataset.code = x.code;
        li.textContent = x.text;
        return li;
      }),
    );
    // rules.js: which rule refused and why, after the reason of its code;
    // or "technical check only" on the kind line.
    const rn = ruleNotes(result, this.tr);
    for (const li of r.reasons.children) {
      const want = { RULE_FAILED: "failed", RULE_OPEN: "open" }[li.dataset.code];
      const notes = rn.notes.filter((n) => n.result === want);
      if (want && notes.length > 0) {
        li.textContent += " " + notes.map((n) => (n.lead ? n.lead + " " : "") + n.text).join(" ");
        rn.notes = rn.notes.filter((n) => n.result !== want);
      }
    }
    if (rn.technical && view.verdict !== "not-a-pass") {
      r.kind.textContent = (r.kind.textContent ? r.kind.textContent + " · " : "") + this.t("rules.technicalOnly");
      r.kind.hidden = false;
    }
    r.reasons.hidden = view.reasons.length === 0;
    r.verdict.hidden = false;
    r.paste.hidden = true;
    r.pasteText.value = "";
    this.setStatus("");
    if (!quiet) {
      r.announce.textContent = "";
      setTimeout(() => {
        if (this.result === result) r.announce.textContent = view.announce;
      }, 50);
      clearTimeout(this.holdTimer);
      const hold = Number(this.getAttribute("hold"));
      if (hold > 0) this.holdTimer = setTimeout(() => this.reset(), Math.min(hold, 600) * 1000);
    }
    return view;
  }

  kindLine(result) {
    const { kind, entry } = details(result);
    const e = entry || {};
    if (kind === "vaccination" && e.dn !== undefined && e.sd !== undefined) {
      const product = this.tr.display("vaccine-medicinal-product", e.mp);
      return this.t("kind.vaccinationDose", { dose: e.dn, total: e.sd }) + (product ? " · " + product : "");
    }
    if (kind === "test") {
      return [this.t("kind.test"), this.tr.display("test-type", e.tt), this.tr.display("test-result", e.tr)].filter(Boolean).join(" · ");
    }
    return this.t("kind." + (kind || "none"));
  }

  /** clear removes the verdict and every trace of the pass from the element. */
  clear() {
    const r = this.refs;
    clearTimeout(this.holdTimer);
    this.scanner.clear();
    r.verdict.hidden = true;
    delete r.verdict.dataset.state;
    delete r.verdict.dataset.verified;
    for (const n of [r.title, r.name, r.dob, r.kind, r.announce]) n.textContent = "";
    this.detailsOpen = false;
    r.more.hidden = true;
    r.reasons.replaceChildren();
    r.pasteText.value = "";
    r.paste.hidden = this.getAttribute("paste") === "off";
  }

  /** reset clears the verdict and goes back to scanning. */
  reset() {
    this.clear();
    this.scanner.next();
  }

  // --- camera ----------------------------------------------------------------------

  toggleCamera() {
    return this.scanner.toggleCamera(this.refs.video);
  }

  startCamera() {
    return this.scanner.startCamera(this.refs.video);
  }
}

if (globalThis.customElements && !customElements.get(TAG)) {
  customElements.define(TAG, PasscheckVerifier);
}
