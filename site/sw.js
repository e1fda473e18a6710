// sw.js: the service worker that makes the page work offline after one visit.
//
// - The page, its hashed assets and the module are precached at install,
//   in a cache named after the build, and served cache-first.
// - The trust list (the small trustlist.json pointer and the content-addressed
//   bundle it names) lives in a cache of its own that survives new builds. A
//   request for the pointer is answered from that cache at once, and the
//   worker then refreshes it in the background: the pointer is revalidated,
//   and the bundle is downloaded only when the pointer names a new one. Open
//   pages are told when a new list is in the cache. A verdict never waits for
//   the network. The revocation index that the pointer names and every part
//   it names are cached the same way (content-addressed, checked against
//   their SHA-256 before they are stored, stored before the pointer), so
//   that a device offline for a day still knows yesterday's revocations.
// - The worker caches nothing else and sends nothing anywhere: pass data
//   never reaches it (verification runs in the page).
//
// The build injects the precache list, the build id and the trust-list URL.

import { precache, buildId, trustListURL } from "passcheck:sw";
import { readPointer, checkBundle, readCapped, pointerSequence, compareSeq, hex, MAX_POINTER_BYTES, MAX_BUNDLE_BYTES } from "./js/pointer.js";
import { readRevocations, indexParts, MAX_INDEX_BYTES, MAX_PART_BYTES } from "./js/revocations.js";

const STATIC = "passcheck-static-" + buildId;
const TRUST = "passcheck-trust";
// Background refreshes of the pointer are at most this frequent.
const REFRESH_MIN_MS = 60 * 1000;

const scope = self.registration.scope;
const pointerURL = new URL(trustListURL, scope).href;
const precacheURLs = new Set(precache.map((p) => new URL(p, scope).href));
const indexURL = new URL("index.html", scope).href;
let lastRefresh = 0;
let refreshing = null;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATIC);
      await cache.addAll([...precacheURLs]);
      // The trust list too, so that the first offline load can verify. A
      // host that is down now does not stop the install: the page already
      // has what it fetched itself.
      try {
        await refreshTrust(true);
      } catch {
        // retried on the next pointer request
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("passcheck-static-") && name !== STATIC) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// A page asks for a refresh now (its periodic timer, or back online): no
// throttle; the page hears back through "passcheck-trustlist-updated".
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "passcheck-refresh") {
    event.waitUntil(refreshTrust(true).catch(() => {}));
  }
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  url.hash = "";
  const bare = url.origin + url.pathname;

  if (bare === pointerURL) {
    event.respondWith(pointer(event));
    return;
  }
  if (/\/trustlist-[0-9a-f]+\.cose$/.test(url.pathname)) {
    event.respondWith(bundle(req));
    return;
  }
  if (/\/trustlist-[0-9a-f]{64}\.(index|part)$/.test(url.pathname)) {
    event.respondWith(revocationFile(req, url.pathname.endsWith(".part") ? MAX_PART_BYTES : MAX_INDEX_BYTES));
    return;
  }
  if (url.origin !== self.location.origin) return;
  if (req.mode === "navigate" && (bare === scope || bare === indexURL)) {
    event.respondWith(fromStatic(indexURL, req));
    return;
  }
  if (precacheURLs.has(bare)) event.respondWith(fromStatic(bare, req));
});

async function fromStatic(key, req) {
  const hit = await caches.match(key, { cacheName: STATIC });
  if (hit) return hit;
  return fetch(req);
}

// pointer answers from the trust cache at once and refreshes behind it.
async function pointer(event) {
  const cache = await caches.open(TRUST);
  const hit = await cache.match(pointerURL);
  if (hit) {
    event.waitUntil(refreshTrust(false).catch(() => {}));
    return hit;
  }
  try {
    await refreshTrust(true);
  } catch {
    // fall through to the network below
  }
  return (await cache.match(pointerURL)) || fetch(event.request);
}

// bundle answers a bundle from the trust cache, else from the network,
// read with the same cap as everywhere (an endless answer is cut off and
// fails); it caches only what refreshTrust checked against a pointer.
async function bundle(req) {
  const cache = await caches.open(TRUST);
  const hit = await cache.match(req.url);
  if (hit) return hit;
  const resp = await fetch(req);
  if (!resp.ok) return resp;
  const bytes = await readCapped(resp, MAX_BUNDLE_BYTES, "trust-list bundle");
  return new Response(bytes, { status: 200, headers: { "Content-Type": "application/cose" } });
}

// revocationFile answers a revocation index or part from the trust cache,
// else from the network, capped; the module checks it against the index.
async function revocationFile(req, max) {
  const cache = await caches.open(TRUST);
  const hit = await cache.match(req.url);
  if (hit) return hit;
  const resp = await fetch(req);
  if (!resp.ok) return resp;
  const bytes = await readCapped(resp, max, "revocation file");
  return new Response(bytes, { status: 200, headers: { "Content-Type": "application/octet-stream" } });
}

// sha256Hex is the hex SHA-256 of bytes.
async function sha256Hex(bytes) {
  return hex(await crypto.subtle.digest("SHA-256", bytes));
}

// cacheRevocations caches the index the pointer p names (parsed: the
// pointer's JSON) and every part it names, each checked against the
// SHA-256 that names it; it returns the URLs to keep. A part that cannot
// be fetched now is left out (the page then reports the list stale) and
// fetched again on the next refresh.
async function cacheRevocations(cache, parsed) {
  const rp = readRevocations(parsed, pointerURL);
  if (!rp) return [];
  const indexURL = rp.indexURL.href;
  let index;
  const hit = await cache.match(indexURL);
  if (hit) {
    index = new Uint8Array(await hit.arrayBuffer());
  } else {
    const r = await fetch(indexURL, { credentials: "omit" });
    if (!r.ok) throw new Error("revocation index: HTTP " + r.status);
    index = await readCapped(r, MAX_INDEX_BYTES, "revocation index");
    if ((rp.size !== null && index.byteLength !== rp.size) || (await sha256Hex(index)) !== rp.sha256) {
      throw new Error("revocation index: does not match trustlist.json");
    }
    await cache.put(indexURL, new Response(index, { status: 200, headers: { "Content-Type": "application/cose" } }));
  }
  const keep = [indexURL];
  for (const part of indexParts(index)) {
    const url = new URL(part.name, rp.indexURL).href;
    keep.push(url);
    if (await cache.match(url)) continue;
    try {
      const r = await fetch(url, { credentials: "omit" });
      if (!r.ok) continue;
      const bytes = await readCapped(r, Math.min(part.size, MAX_PART_BYTES), "revocation part");
      if ("trustlist-" + (await sha256Hex(bytes)) + ".part" !== part.name) continue;
      await cache.put(url, new Response(bytes, { status: 200, headers: { "Content-Type": "application/octet-stream" } }));
    } catch {
      // retried on the next refresh
    }
  }
  return keep;
}

// revocationURLs lists the index and parts that a cached pointer's text
// names, from the cache (to keep them while a page may still read them).
async function revocationURLs(cache, body) {
  try {
    const rp = readRevocations(JSON.parse(body), pointerURL);
    if (!rp) return [];
    const hit = await cache.match(rp.indexURL.href);
    if (!hit) return [rp.indexURL.href];
    const parts = indexParts(new Uint8Array(await hit.arrayBuffer()));
    return [rp.indexURL.href, ...parts.map((p) => new URL(p.name, rp.indexURL).href)];
  } catch {
    return [];
  }
}

// refreshTrust fetches the pointer and, when it names a bundle that is not
// cached yet, the bundle; it stores the bundle first and the pointer last, so
// the cache never holds a pointer to a missing bundle.
function refreshTrust(force) {
  if (refreshing) return refreshing;
  if (!force && Date.now() - lastRefresh < REFRESH_MIN_MS) return Promise.resolve();
  lastRefresh = Date.now();
  refreshing = doRefresh().finally(() => (refreshing = null));
  return refreshing;
}

// revocationsCached tells whether every revocation file the pointer's text
// names is in the cache.
async function revocationsCached(cache, body) {
  for (const u of await revocationURLs(cache, body)) if (!(await cache.match(u))) return false;
  return true;
}

async function doRefresh() {
  const cache = await caches.open(TRUST);
  const resp = await fetch(pointerURL, { cache: "no-cache", credentials: "omit" });
  if (!resp.ok) throw new Error("pointer: HTTP " + resp.status);
  // Every download is streamed with a hard cap (pointer.js readCapped).
  const body = new TextDecoder().decode(await readCapped(resp, MAX_POINTER_BYTES, "trustlist.json"));
  // The same checks as the page's (pointer.js): a bundle that the page
  // would refuse is never cached.
  const parsed = JSON.parse(body);
  const p = readPointer(parsed, pointerURL);
  const bundleURL = p.bundleURL.href;

  const old = await cache.match(pointerURL);
  const oldBody = old ? await old.text() : "";
  if (oldBody === body && (await cache.match(bundleURL)) && (await revocationsCached(cache, body))) return;
  // A pointer to an older list than the cached one is not cached: the
  // cache's mark is never lowered (the page refuses the rollback anyway).
  // Sequences are compared exactly, from the text (above 2^53 a number
  // parsed by JSON.parse is not exact).
  if (oldBody && compareSeq(pointerSequence(body), pointerSequence(oldBody)) < 0) {
    throw new Error("pointer: sequence " + pointerSequence(body) + " is below the cached " + pointerSequence(oldBody));
  }

  if (!(await cache.match(bundleURL))) {
    const b = await fetch(bundleURL, { credentials: "omit" });
    if (!b.ok) throw new Error("bundle: HTTP " + b.status);
    const bytes = await readCapped(b, MAX_BUNDLE_BYTES, "trust-list bundle");
    await checkBundle(bytes, p, crypto.subtle);
    await cache.put(bundleURL, new Response(bytes, { status: 200, headers: { "Content-Type": "application/cose" } }));
  }
  // A revocation index that cannot be cached now does not hold the bundle
  // back: the page reports the revocation list stale until it can.
  const revocationKeep = await cacheRevocations(cache, parsed).catch(() => []);
  await cache.put(pointerURL, new Response(body, { headers: { "Content-Type": "application/json" } }));

  // Keep the current bundle and revocation files and the ones before them
  // (a page may still be reading them); drop older ones.
  const keep = new Set([bundleURL, pointerURL, ...revocationKeep]);
  if (oldBody) {
    try {
      keep.add(new URL(JSON.parse(oldBody).bundle, pointerURL).href);
    } catch {
      // an unreadable old pointer keeps nothing
    }
    for (const u of await revocationURLs(cache, oldBody)) keep.add(u);
  }
  for (const r of await cache.keys()) if (!keep.has(r.url)) await cache.delete(r);

  if (oldBody && oldBody !== body) {
    for (const c of await self.clients.matchAll({ type: "window" })) {
      c.postMessage({ type: "passcheck-trustlist-updated", sequence: pointerSequence(body) });
    }
  }
}
