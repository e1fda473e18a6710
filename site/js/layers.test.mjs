// The layers of site/ (docs/site.md), checked from the import lines of every
// script; run by `node --test` from the Go test TestSiteJSUnit. A layer
// imports only from the layers below it:
//   library   passcheck.js (the public ES module), pointer.js (the trust
//             list's pointer check), revocations.js (the revocation data
//             the pointer names), both shared with the service worker, and
//             scanworker.js (the frame worker: the module in a worker)
//   shared    verdict, render, i18n, camera, wedge, cues, scanner, rules: the UI
//             that the page and the widget share
//   page      app (the scanner page), modes, kiosk, offline
//   widget    ../widget/passcheck-verifier.js, beside the page: never
//             importing it
//   worker    ../sw.js: the pointer check and the revocation data only
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";

const LAYERS = {
  library: ["js/passcheck.js", "js/pointer.js", "js/revocations.js", "js/scanworker.js"],
  shared: ["js/verdict.js", "js/render.js", "js/i18n.js", "js/camera.js", "js/wedge.js", "js/cues.js", "js/scanner.js", "js/rules.js"],
  page: ["js/app.js", "js/modes.js", "js/kiosk.js", "js/offline.js"],
  widget: ["widget/passcheck-verifier.js"],
  worker: ["sw.js"],
};

// What each layer may import: other layers' files, and build-time modules.
const MAY = {
  library: { layers: ["library"], extra: ["js/wasm_exec.js"] },
  shared: { layers: ["library", "shared"], extra: ["passcheck:build"] },
  page: { layers: ["library", "shared", "page"], extra: ["passcheck:build"] },
  widget: { layers: ["library", "shared"], extra: ["passcheck:build"] },
  worker: { layers: [], extra: ["js/pointer.js", "js/revocations.js", "passcheck:sw"] },
};

const site = new URL("../", import.meta.url);

function layerOf(file) {
  for (const [layer, files] of Object.entries(LAYERS)) if (files.includes(file)) return layer;
  return "";
}

// imports returns the specifiers of a module's static imports and
// re-exports, resolved against the site folder when relative.
function imports(file, text) {
  const out = [];
  const re = /^\s*(?:import|export)\s+(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[1];
    if (!spec.startsWith(".")) out.push(spec);
    else out.push(new URL(spec, new URL(file, site)).href.slice(site.href.length));
  }
  return out;
}

test("every script of site/ is in a layer", async () => {
  const found = [];
  for (const dir of ["js", "widget"]) {
    for (const f of await readdir(new URL(dir + "/", site))) {
      if (f.endsWith(".js")) found.push(dir + "/" + f);
    }
  }
  found.push("sw.js");
  for (const f of found) assert.notEqual(layerOf(f), "", `${f} is in no layer: add it to LAYERS here and to docs/site.md`);
  for (const files of Object.values(LAYERS)) for (const f of files) assert.ok(found.includes(f), `${f} is gone`);
});

test("each layer imports only from the layers below it", async () => {
  let checked = 0;
  for (const [layer, files] of Object.entries(LAYERS)) {
    for (const f of files) {
      const specs = imports(f, await readFile(new URL(f, site), "utf8"));
      for (const spec of specs) {
        const ok = MAY[layer].extra.includes(spec) || MAY[layer].layers.includes(layerOf(spec));
        assert.ok(ok, `${f} (${layer}) imports ${spec} (${layerOf(spec) || "outside the layers"})`);
        checked++;
      }
    }
  }
  // The parser must see imports at all, or the test proves nothing.
  assert.ok(checked > 20, `only ${checked} imports seen`);
});

test("the import parser", () => {
  const specs = imports("js/app.js", `import { a } from "./x.js";\nimport "./y.js";\nexport { b } from "../widget/z.js";\nimport {\n  c,\n} from "passcheck:build";\n// import "./no.js" in a comment\n  const s = "import q from './no.js'";`);
  assert.deepEqual(specs, ["js/x.js", "js/y.js", "widget/z.js", "passcheck:build"]);
});
