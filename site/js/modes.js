// modes.js: what the scanner page (app.js) adds in its other modes, and the
// scanner input every mode has:
//   - keyboard-wedge input from a USB/Bluetooth barcode scanner (wedge.js),
//     on in every mode;
//   - kiosk mode (kiosk.js): ?kiosk[=N] or a kiosk build;
//   - the single-file page (offline.js): the module and the trust list come
//     from the page itself, newer lists arrive as dropped files.
// app.js calls loadVerifier() instead of load(), then startModes() once the
// verifier is ready, and tells the returned object about verdicts.

import { load } from "./passcheck.js";
import { Wedge } from "./wedge.js";
import { Kiosk, kioskSetting } from "./kiosk.js";
import { embedded, embeddedWasm, startTrustList, startRevocations, BundleDrop, keysID } from "./offline.js";
import { ruleChoice } from "./rules.js";

/**
 * loadVerifier loads the module and the trust list as the build says: from
 * URLs, or (single-file page) from the page's data blocks and a bundle kept
 * from an earlier drop. It resolves to the verifier, whose trustList says
 * why no list is in use when none is, and rejects as load() does.
 */
export async function loadVerifier(config) {
  if (!config.singleFile) {
    return load({
      wasmURL: config.wasmURL,
      trustListURL: config.trustListURL,
      trustKeys: config.trustKeys,
      graceSeconds: config.graceSeconds,
      rules: ruleChoice(config),
    });
  }
  const wasm = await embeddedWasm(config.wasmID);
  const pc = await load({ wasm, trustKeys: config.trustKeys, graceSeconds: config.graceSeconds, rules: ruleChoice(config) });
  startTrustList(pc, embedded(config.trustListID), keysID(config.trustKeys));
  startRevocations(pc);
  return pc;
}

/**
 * startModes starts the scanner input and, when asked for, the kiosk and the
 * single-file page's bundle drop. page gives what it needs of app.js:
 *   scanner              the page's Scanner (scanner.js), with its verifier
 *   check(text)          verify and show a verdict
 *   clear()              the page's own clearing of a verdict
 *   updateTrust()        redraw the trust status
 *   startCamera()        start the camera (kiosk: at once, without a tap)
 *   idle()               after a kiosk reset: say how to scan
 *   unrecognised()       a scanner's burst that is not a pass (wedge.js)
 *   tr                   the Translator
 * It returns {kiosk, verdict(verdict), setTranslator(tr), singleFile}.
 */
export function startModes(config, page) {
  const wedge = new Wedge({ onScan: (text) => page.check(text), onUnrecognised: () => page.unrecognised && page.unrecognised() });
  wedge.start();

  const setting = kioskSetting(location.search, config);
  let kiosk = null;
  if (setting) {
    kiosk = new Kiosk({
      holdMs: setting.holdMs,
      reset: () => {
        page.clear();
        if (page.idle) page.idle();
        // Leave nothing focused that a stray key could act on.
        if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
      },
      trust: (now) => page.scanner.trust(now),
      tr: page.tr,
      singleFile: !!config.singleFile,
    });
    kiosk.start();
    page.startCamera();
  }

  const relabel = config.singleFile ? startBundleDrop(config, page, () => kiosk && kiosk.render()) : () => {};

  return {
    kiosk,
    singleFile: !!config.singleFile,
    verdict(verdict, seen) {
      if (kiosk) kiosk.verdict(verdict, seen);
    },
    setTranslator(tr) {
      page.tr = tr;
      relabel();
      if (kiosk) {
        kiosk.tr = tr;
        kiosk.render();
      }
    },
  };
}

// startBundleDrop adds the single-file page's "load a newer trust list"
// control and accepts bundles dropped anywhere on the page.
function startBundleDrop(config, page, redraw) {
  const label = document.createElement("label");
  label.className = "button bundle-pick";
  const text = document.createElement("span");
  label.append(text);
  const input = document.createElement("input");
  input.type = "file";
  input.id = "bundle-file";
  input.accept = ".cose,application/cose";
  label.append(input);
  const status = document.createElement("p");
  status.id = "bundle-status";
  status.className = "bundle-status";
  status.setAttribute("role", "status");
  const actions = document.querySelector(".actions");
  if (actions) actions.append(label);
  const trust = document.getElementById("trust");
  if (trust) trust.after(status);
  const say = () => {
    text.textContent = page.tr.t("offline.pick");
  };
  say();

  const drop = new BundleDrop(page.scanner.verifier, keysID(config.trustKeys), input, (r) => {
    status.dataset.ok = String(!!r.ok);
    if (r.ok) {
      status.textContent = page.tr.t(r.stored ? "offline.accepted" : "offline.acceptedNotKept", { issued: page.tr.instant(r.issuedAt) });
    } else {
      const code = r.errors && r.errors.length ? r.errors[0].code : "TRUSTLIST_INVALID";
      status.textContent = page.tr.t("offline.refused", { reason: page.tr.reason(code, r.errors[0] && r.errors[0].message) });
      status.dataset.code = code;
    }
    page.updateTrust();
    redraw();
  });
  drop.start();
  document.documentElement.dataset.singleFile = "true";
  return say;
}
