// app.js: the scanner page. It loads the passcheck module with the trust
// list and the publisher keys pinned at build time, then turns camera frames,
// uploaded images and pasted text into verdicts. Nothing about a pass is
// stored or sent: the text goes from the scanner to verify() and to the DOM.

import { loadVerifier, startModes } from "./modes.js";
import { config } from "passcheck:build";
import { Translator, available, pick, storedLanguage, storeLanguage } from "./i18n.js";
import { renderVerdict, renderTrust } from "./render.js";
import { scanFile } from "./camera.js";
import { cue } from "./cues.js";
import { Scanner } from "./scanner.js";
import { renderRulesLine, ruleSetting } from "./rules.js";

const $ = (id) => document.getElementById(id);

// How often the page asks for a newer trust list while it is open. The
// service worker answers from its cache at once and refreshes behind it.
const REFRESH_MS = 15 * 60 * 1000;

const state = {
  tr: new Translator(pick(storedLanguage(), navigator.languages || [navigator.language])),
  modes: null, // kiosk, single-file page and scanner input (modes.js)
};

function t(key, vars) {
  return state.tr.t(key, vars);
}

function setStatus(key, vars) {
  $("status").textContent = key ? t(key, vars) : "";
}

// The page's view of the shared controller (scanner.js).
const scanner = new Scanner({
  status: setStatus,
  inputs(on) {
    for (const id of ["camera", "upload", "check"]) $(id).disabled = !on;
  },
  trust: updateTrust,
  show: (result, source, seen) => {
    // Where the frame of a camera verdict was decoded: "worker", "page" or "detector".
    if (source === "camera") document.documentElement.dataset.frameBy = scanner.camera.frameBy;
    return showVerdict(result, { quiet: false, seen });
  },
  camera(st) {
    $("viewfinder").hidden = st === "stopped";
    if (st === "starting") return;
    const running = st === "running";
    $("camera").textContent = t(running ? "scan.stop" : "scan.start");
    $("torch").hidden = !(running && scanner.camera.torchAvailable());
    if (running) document.documentElement.dataset.cameraMs = String(Math.round(performance.now()));
  },
  // Camera frames are decoded in the frame worker (scanworker.js), where
  // the build made one (not in the single-file page: docs/site.md).
}, { frameWorker: config.frameWorkerURL || "" });

function applyLanguage() {
  const tr = state.tr;
  document.documentElement.lang = tr.lang;
  for (const n of document.querySelectorAll("[data-i18n]")) n.textContent = tr.t(n.dataset.i18n);
  $("camera").textContent = t(scanner.cameraRunning ? "scan.stop" : "scan.start");
  $("torch").textContent = t(scanner.camera && scanner.camera.torchOn ? "scan.torchOff" : "scan.torchOn");
  updateTrust();
  if (scanner.verifier) rulesSetting();
  if (state.modes) state.modes.setTranslator(tr);
  if (scanner.result) showVerdict(scanner.result, { quiet: true });
}

// updateTrust renders the trust status at the top of the page and, smaller,
// under the verdict, so that it is always in view. It returns the state.
function updateTrust() {
  const ts = scanner.trust();
  for (const id of ["trust", "verdict-trust"]) renderTrust($(id), ts, state.tr, { singleFile: !!config.singleFile });
  for (const id of ["rules-line", "verdict-rules"]) renderRulesLine($(id), scanner.verifier, state.tr);
  return ts;
}

// --- verdicts ---------------------------------------------------------------

function check(text) {
  return scanner.check(text, "page");
}

function showVerdict(result, { quiet, seen }) {
  const trust = updateTrust();
  const section = $("verdict");
  // The health details are one tap away on the scanner page, never on the
  // kiosk, whose screen faces the queue.
  const kiosk = !!(state.modes && state.modes.kiosk);
  const view = renderVerdict(section, result, trust, state.tr, { details: kiosk ? "none" : "tap" });
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
    if ($("sound").checked) cue(view.verdict);
    if (state.modes) state.modes.verdict(view.verdict, seen);
  }
  return view;
}

function clearVerdict() {
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
    scanner.clear();
    location.reload();
    return;
  }
  scanner.next();
  if (!scanner.cameraRunning && !(state.modes && state.modes.kiosk)) $("camera").focus();
}

// --- inputs -------------------------------------------------------------------

function toggleCamera() {
  return scanner.toggleCamera($("video"));
}

async function toggleTorch() {
  const cam = scanner.camera;
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
  const pc = scanner.verifier;
  if (!file || !pc) return;
  setStatus("scan.uploadReading");
  // scanFile says what it found: a code, several, none, or a file that is
  // not a picture; each has its own words.
  let found;
  try {
    found = await scanFile(file, (img) => pc.scanCodes(img));
  } catch {
    found = { notImage: true };
  }
  document.documentElement.dataset.upload = found.notImage ? "not-image" : found.several ? "several" : found.text ? "code" : "no-code";
  if (found.notImage) {
    setStatus("scan.uploadNotImage");
    return;
  }
  if (found.several) {
    setStatus("scan.uploadSeveral", { n: found.several });
    return;
  }
  if (!found.text) {
    setStatus("scan.uploadNoCode");
    return;
  }
  setStatus("");
  await check(found.text);
}

function onPaste(ev) {
  // A paste anywhere on the page outside the text box checks the pasted text.
  if (ev.target && ev.target.id === "paste-text") return;
  if (!scanner.verifier || !ev.clipboardData) return;
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
  if (!scanner.verifier || config.singleFile) return;
  const sw = navigator.serviceWorker && navigator.serviceWorker.controller;
  if (sw && !(ev && ev.fromWorker)) sw.postMessage({ type: "passcheck-refresh" });
  await scanner.refresh();
}

// A new build's worker takes over an open page: reload once so that the page
// and its pinned keys match the worker's caches, but never under a verdict.
let reloadPending = false;

function reloadForUpdate() {
  if (scanner.result) {
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

// rulesSetting fills the rule-country setting (rules.js) once the verifier
// knows the trust list's rule countries; a change shows on the next verdict.
function rulesSetting() {
  ruleSetting($("rules-country"), $("rules-region"), scanner.verifier, state.tr, (out) => {
    setStatus(out.ok ? "" : "rules.settingRefused", { error: out.error });
    updateTrust();
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
  // The verifier first: the module's download and compile, and the trust
  // list's, go on while the page sets itself up.
  const pending = takeFragmentPass();
  const starting = scanner.start(() => loadVerifier(config));
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
    if (ev.key === "Escape" && scanner.result) clearVerdict();
  });
  document.addEventListener("paste", onPaste);
  window.addEventListener("online", refreshTrust);
  setInterval(updateTrust, 30 * 1000);
  setInterval(refreshTrust, REFRESH_MS);

  const started = await starting;
  // The service worker after the verifier: its start and its precache of
  // every asset would share the device with the module's download and
  // compile (the page fetched all it needs itself).
  registerServiceWorker();
  if (!started.ok) return;
  rulesSetting();
  document.documentElement.dataset.ready = "true";
  document.documentElement.dataset.readyMs = String(Math.round(performance.now()));
  state.modes = startModes(config, {
    scanner,
    check,
    clear: clearVerdict,
    updateTrust,
    // The kiosk starts the camera by itself; without one it still takes
    // a barcode scanner's input, and says so.
    startCamera: async () => {
      if (!scanner.cameraRunning) await toggleCamera();
      if (!scanner.cameraRunning) setStatus("kiosk.noCamera");
    },
    idle: () => {
      if (!scanner.cameraRunning) setStatus("kiosk.noCamera");
    },
    // A barcode scanner's burst that is not a pass: most often a scanner
    // on another keyboard layout than this device's.
    unrecognised: () => {
      const root = document.documentElement.dataset;
      root.wedgeUnrecognised = String((Number(root.wedgeUnrecognised) || 0) + 1);
      setStatus("scan.wedgeUnrecognised");
    },
    tr: state.tr,
  });
  if (pending) check(pending);
}

start();
