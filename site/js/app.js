// app.js: the scanner page. It loads the passcheck module with the trust
// list and the publisher keys pinned at build time, then turns camera frames,
// uploaded images and pasted text into verdicts. Nothing about a pass is
// stored or sent: the text goes from the scanner to verify() and to the DOM.

import { loadVerifier, startModes } from "./modes.js";
import { config } from "passcheck:build";
import { Translator, available, pick, storedLanguage, storeLanguage } from "./i18n.js";
import { renderVerdict, renderTrust } from "./render.js";
import { Camera, scanFile } from "./camera.js";
import { cue } from "./cues.js";

const $ = (id) => document.getElementById(id);

// How often the page asks for a newer trust list while it is open. The
// service worker answers from its cache at once and refreshes behind it.
const REFRESH_MS = 15 * 60 * 1000;

const state = {
  tr: new Translator(pick(storedLanguage(), navigator.languages || [navigator.language])),
  pc: null, // the loaded module
  loadError: "", // TRUSTLIST_* code of the last failed load or refresh
  lastResult: null, // the Result on screen, to re-render on a language switch
  camera: null,
  busy: false,
  loading: true, // until load() settles
  modes: null, // kiosk, single-file page and scanner input (modes.js)
};

function t(key, vars) {
  return state.tr.t(key, vars);
}

function applyLanguage() {
  const tr = state.tr;
  document.documentElement.lang = tr.lang;
  for (const n of document.querySelectorAll("[data-i18n]")) n.textContent = tr.t(n.dataset.i18n);
  const cam = $("camera");
  cam.textContent = t(state.camera && state.camera.running ? "scan.stop" : "scan.start");
  $("torch").textContent = t(state.camera && state.camera.torchOn ? "scan.torchOff" : "scan.torchOn");
  updateTrust();
  if (state.modes) state.modes.setTranslator(tr);
  if (state.lastResult) showVerdict(state.lastResult, { quiet: true });
}

function setStatus(key, vars) {
  $("status").textContent = key ? t(key, vars) : "";
}

function trustList() {
  return state.pc ? state.pc.trustList : null;
}

// updateTrust renders the trust status at the top of the page and, smaller,
// under the verdict, so that it is always in view.
function updateTrust() {
  if (state.loading) {
    for (const id of ["trust", "verdict-trust"]) {
      $(id).dataset.state = "loading";
      $(id).textContent = t("trust.loading");
    }
    return { state: "missing", code: "TRUSTLIST_MISSING" };
  }
  const now = Date.now();
  renderTrust($("verdict-trust"), trustList(), now, state.loadError, state.tr);
  return renderTrust($("trust"), trustList(), now, state.loadError, state.tr);
}

// --- verdicts ---------------------------------------------------------------

// check verifies text and shows the verdict; it returns false when it showed
// none (no module yet, another check running, nothing to check).
async function check(text) {
  if (!state.pc || state.busy) return false;
  text = String(text || "").trim();
  if (!text) {
    setStatus("scan.pasteEmpty");
    return false;
  }
  state.busy = true;
  try {
    let result;
    try {
      result = await state.pc.verify(text);
    } catch (e) {
      // The module returns Result-shaped errors; this is the last resort.
      result = { valid: false, errors: [{ code: "INTERNAL", message: String(e && e.message) }], warnings: [] };
    }
    showVerdict(result, {});
  } finally {
    state.busy = false;
  }
  return true;
}

function showVerdict(result, { quiet }) {
  state.lastResult = result;
  const trust = updateTrust();
  const section = $("verdict");
  const view = renderVerdict(section, result, trust, state.tr);
  section.hidden = false;
  $("verdict-bar").hidden = false;
  document.body.classList.add("has-verdict");
  $("scan").setAttribute("aria-hidden", "true");
  const title = $("verdict-title");
  if (title) title.focus({ preventScroll: true });
  section.scrollTop = 0;
  if (!quiet) {
    // A count of verdicts and the time of the last one, for tests and the
    // benchmark (no personal data).
    const root = document.documentElement.dataset;
    root.verdicts = String((Number(root.verdicts) || 0) + 1);
    root.verdictMs = String(Math.round(performance.now()));
    // Re-set the live region so that the same verdict twice is announced twice.
    const live = $("announce");
    live.textContent = "";
    setTimeout(() => (live.textContent = view.announce), 50);
    if ($("sound").checked) cue(view.state);
    if (state.modes) state.modes.verdict(view.state);
  }
}

function clearVerdict() {
  state.lastResult = null;
  const section = $("verdict");
  section.hidden = true;
  section.replaceChildren();
  delete section.dataset.state;
  $("verdict-bar").hidden = true;
  $("announce").textContent = "";
  document.body.classList.remove("has-verdict");
  $("scan").removeAttribute("aria-hidden");
  $("paste-text").value = "";
  if (reloadPending) {
    location.reload();
    return;
  }
  setStatus(state.camera && state.camera.running ? "scan.hint" : "");
  if (state.camera && state.camera.running) state.camera.resume();
  else if (!(state.modes && state.modes.kiosk)) $("camera").focus();
}

// --- inputs -------------------------------------------------------------------

async function toggleCamera() {
  if (!state.camera) {
    state.camera = new Camera(
      $("video"),
      (img) => state.pc.scan(img, { frame: true }),
      // A code found while another check runs is dropped: scan on.
      (text) => check(text).then((shown) => shown || state.camera.resume()),
    );
  }
  const cam = state.camera;
  if (cam.running) {
    cam.stop();
    $("viewfinder").hidden = true;
    $("torch").hidden = true;
    $("camera").textContent = t("scan.start");
    setStatus("");
    return;
  }
  setStatus("scan.starting");
  $("viewfinder").hidden = false;
  try {
    await cam.start();
  } catch (e) {
    $("viewfinder").hidden = true;
    setStatus("scan.noCamera", { error: (e && (e.name || e.message)) || String(e) });
    return;
  }
  document.documentElement.dataset.cameraMs = String(Math.round(performance.now()));
  $("camera").textContent = t("scan.stop");
  $("torch").hidden = !cam.torchAvailable();
  setStatus("scan.hint");
}

async function toggleTorch() {
  const cam = state.camera;
  if (!cam) return;
  try {
    await cam.setTorch(!cam.torchOn);
  } catch {
    // Some cameras report a torch they cannot switch: leave it.
  }
  $("torch").textContent = t(cam.torchOn ? "scan.torchOff" : "scan.torchOn");
}

async function onUpload(ev) {
  const input = ev.target;
  const file = input.files && input.files[0];
  input.value = "";
  if (!file || !state.pc) return;
  setStatus("scan.uploadReading");
  let text = null;
  try {
    text = await scanFile(file, (img) => state.pc.scan(img));
  } catch {
    text = null;
  }
  if (!text) {
    setStatus("scan.uploadNoCode");
    return;
  }
  setStatus("");
  await check(text);
}

function onPaste(ev) {
  // A paste anywhere on the page outside the text box checks the pasted text.
  if (ev.target && ev.target.id === "paste-text") return;
  if (!state.pc || !ev.clipboardData) return;
  const text = ev.clipboardData.getData("text");
  if (!text) return;
  ev.preventDefault();
  check(text);
}

// A pass handed in the URL fragment (#hc1=...), as the demo page's links do.
// The fragment never reaches a server; it is removed from the address bar and
// the history before the pass is checked.
function takeFragmentPass() {
  const h = location.hash;
  if (!h.startsWith("#hc1=")) return "";
  history.replaceState(null, "", location.pathname + location.search);
  try {
    return decodeURIComponent(h.slice(5));
  } catch {
    return h.slice(5);
  }
}

// --- trust list refresh ----------------------------------------------------

// refreshTrust reloads the trust list: from the service worker's cache (which
// is asked to look for a newer list, and says so when it finds one) or the
// network.
async function refreshTrust(ev) {
  // The single-file page has no trust-list URL: newer lists come by drop.
  if (!state.pc || typeof state.pc.refreshTrustList !== "function" || config.singleFile) return;
  const sw = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (sw && !(ev && ev.fromWorker)) sw.postMessage({ type: "passcheck-refresh" });
  try {
    const r = await state.pc.refreshTrustList();
    state.loadError = r && r.errors && r.errors.length ? r.errors[0].code : "";
  } catch (e) {
    state.loadError = (e && e.code) || "TRUSTLIST_UNAVAILABLE";
  }
  updateTrust();
}

// A new build's worker takes over an open page: reload once so that the page
// and its pinned keys match the worker's caches, but never under a verdict.
let reloadPending = false;

function reloadForUpdate() {
  if (state.lastResult) {
    reloadPending = true;
    return;
  }
  location.reload();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || location.protocol === "file:") return;
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController) reloadForUpdate();
  });
  navigator.serviceWorker.addEventListener("message", (ev) => {
    if (ev.data && ev.data.type === "passcheck-trustlist-updated") refreshTrust({ fromWorker: true });
  });
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(() => {
    // Without a service worker the page still works online.
  });
}

// --- start -------------------------------------------------------------------

function languageSwitch() {
  const sel = $("lang");
  for (const code of available()) {
    const o = document.createElement("option");
    o.value = code;
    o.textContent = new Translator(code).t("lang.name");
    sel.append(o);
  }
  sel.value = state.tr.lang;
  sel.addEventListener("change", () => {
    state.tr = new Translator(sel.value);
    storeLanguage(sel.value);
    applyLanguage();
  });
}

async function start() {
  languageSwitch();
  applyLanguage();
  $("version").textContent = "passcheck " + config.version;
  $("camera").addEventListener("click", toggleCamera);
  $("torch").addEventListener("click", toggleTorch);
  $("upload").addEventListener("change", onUpload);
  $("paste").addEventListener("submit", (ev) => {
    ev.preventDefault();
    check($("paste-text").value);
  });
  $("next").addEventListener("click", clearVerdict);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && state.lastResult) clearVerdict();
  });
  document.addEventListener("paste", onPaste);
  window.addEventListener("online", refreshTrust);
  setInterval(updateTrust, 30 * 1000);
  setInterval(refreshTrust, REFRESH_MS);
  registerServiceWorker();

  const pending = takeFragmentPass();
  let loaded;
  try {
    loaded = await loadVerifier(config);
    state.pc = loaded.pc;
  } catch (e) {
    state.loading = false;
    state.loadError = (e && e.code) || "";
    setStatus("app.loadFailed", { error: (e && (e.code || e.message)) || String(e) });
    updateTrust();
    return;
  }
  state.loading = false;
  state.loadError = loaded.loadError;
  updateTrust();
  for (const id of ["camera", "upload", "check"]) $(id).disabled = false;
  setStatus("");
  document.documentElement.dataset.ready = "true";
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  state.modes = startModes(config, {
    check,
    clear: clearVerdict,
    trustList,
    loadError: () => state.loadError,
    setLoadError: (code) => (state.loadError = code),
    updateTrust,
    // The kiosk starts the camera by itself; without one it still takes
    // a barcode scanner's input, and says so.
    startCamera: async () => {
      if (!(state.camera && state.camera.running)) await toggleCamera();
      if (!(state.camera && state.camera.running)) setStatus("kiosk.noCamera");
    },
    idle: () => {
      if (!(state.camera && state.camera.running)) setStatus("kiosk.noCamera");
    },
    tr: state.tr,
    pc: state.pc,
  });
  if (pending) check(pending);
}

start();
