// startuporder.mjs: the order of load()'s requests, for
// wasm/startup_node_test.go. It serves a published trust-list folder
// (job.dir: trustlist.json, the bundle, the revocation index and parts)
// from a local HTTP server that holds the bundle's answer back until the
// revocation index has been asked for (or job.holdMs have passed), loads
// the verifier from the module's bytes and that server, and prints the
// requests in order, whether the index came while the bundle was held, and
// the states of the trust list and the revocation data.
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const files = new Map(readdirSync(job.dir).map((n) => ["/" + n, readFileSync(job.dir + "/" + n)]));
const requests = [];
let indexAsked = null;
const indexSeen = new Promise((resolve) => (indexAsked = resolve));
let indexWhileHeld = false;
const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  requests.push(path.replace(/^\/trustlist-([0-9a-f]{8})[0-9a-f]*/, "/trustlist-$1…"));
  const body = files.get(path);
  if (!body) return res.writeHead(404).end();
  if (path.endsWith(".index")) indexAsked();
  if (path.endsWith(".cose")) {
    const timer = new Promise((resolve) => setTimeout(() => resolve(false), job.holdMs));
    indexWhileHeld = await Promise.race([indexSeen.then(() => true), timer]);
  }
  res.end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

const { load } = await import(pathToFileURL(job.module).href);
const pc = await load({ wasm: readFileSync(job.wasm), trustListURL: base + "trustlist.json", trustKeys: job.keys, warmUp: false });
const tl = pc.trustList;
const out = { requests, indexWhileHeld, trustOK: tl.ok, revocations: tl.revocations };
server.closeAllConnections();
server.close();
process.stdout.write(JSON.stringify(out), () => process.exit(0));
