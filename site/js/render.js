// render.js builds the verdict and the trust status as DOM nodes. Pass data is
// only ever set as textContent, never parsed as HTML. Shared by the scanner
// page, the kiosk and the widget.

import { renderRules } from "./rules.js";
import { judge, present, details, cleanText } from "./verdict.js";

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = v;
      else n.setAttribute(k, v === true ? "" : String(v));
    }
  }
  for (const c of children) if (c) n.append(c);
  return n;
}

/** stdName turns an ICAO 9303 name ("THI<MINH<ANH") into words. */
export function stdName(s) {
  return cleanText(s).replace(/<+/g, " ").trim();
}

/**
 * holderName joins the holder's name in the pass's own script, without
 * bidirectional controls (verdict.js cleanText).
 */
export function holderName(h) {
  if (!h) return "";
  const native = [cleanText(h.givenName), cleanText(h.familyName)].filter(Boolean).join(" ");
  if (native) return native;
  return [stdName(h.givenNameStd), stdName(h.familyNameStd)].filter(Boolean).join(" ");
}

/**
 * isolated is a name from a pass as a node: its bidirectional controls
 * removed, in a <bdi dir="auto"> so that its direction is its own and it
 * cannot reorder what is around it.
 */
export function isolated(text) {
  return el("bdi", { dir: "auto", text: cleanText(text) });
}

/**
 * verdictView combines judge() and present() with the strings the page
 * shows. It is the single place where a Result becomes words, used for the
 * screen and for the screen-reader announcement. view.verdict is the
 * verdict shown (one of VERDICTS).
 */
export function verdictView(result, trust, tr) {
  const v = judge(result, trust);
  const p = present(v.verdict);
  const reasons = v.reasons.map((r) => ({ code: r.code, text: tr.reason(r.code, r.message) }));
  const warnings = v.warnings.map((r) => ({ code: r.code, text: tr.reason(r.code, r.message) }));
  const h = result && result.holder;
  let announce;
  if (v.verdict === "valid") {
    announce = tr.t(p.announce, { name: holderName(h), dob: tr.date(h && h.dateOfBirth) });
  } else {
    announce = tr.t(p.announce, { reasons: reasons.map((r) => r.text).join(" ") });
  }
  return { ...v, icon: p.icon, title: tr.t(p.title), sub: tr.t(p.sub), counts: p.counts, reasons, warnings, announce };
}

/**
 * renderVerdict fills container with the verdict on result. The holder's
 * data is shown as an identity to compare with an ID card only when the
 * signature verified; otherwise, when shown at all, it sits in a box marked
 * as unverified.
 *
 * By default a verdict shows its status, why, and the holder's name and
 * date of birth only: what staff need at a door. The health details (kind,
 * product, dates, test centre, issuer) are drawn only when asked for:
 * options.details "tap" adds a button that shows them (the scanner page),
 * "none" never draws them (the kiosk, which turns the screen to the queue).
 */
export function renderVerdict(container, result, trust, tr, options) {
  const detailsMode = options && options.details === "none" ? "none" : "tap";
  const view = verdictView(result, trust, tr);
  container.replaceChildren();
  container.dataset.state = view.verdict;
  container.dataset.verified = String(view.verified);

  container.append(
    el(
      "div",
      { class: "verdict-head" },
      el("span", { class: "verdict-icon", "aria-hidden": "true", text: view.icon }),
      el("h2", { id: "verdict-title", class: "verdict-title", tabindex: "-1", text: view.title }),
      el("p", { class: "verdict-sub", text: view.sub }),
    ),
  );

  const card = el("div", { class: "verdict-card" });
  // Why first: the reason is what staff act on.
  if (view.reasons.length > 0) {
    card.append(
      el(
        "div",
        { class: "reasons" },
        el("h3", { text: tr.t("verdict.reasons") }),
        el("ul", null, ...view.reasons.map((r) => el("li", { "data-code": r.code, text: r.text }))),
      ),
    );
  }

  const h = result && result.holder;
  if (h) {
    const holder = holderBlock(h, tr, view.verified);
    if (view.verified) {
      card.append(holder);
    } else {
      card.append(
        el(
          "div",
          { class: "unverified", role: "note" },
          el("h3", { text: tr.t("verdict.unverifiedTitle") }),
          el("p", { class: "unverified-note", text: tr.t("verdict.unverifiedNote") }),
          holder,
        ),
      );
    }
  }

  if (detailsMode === "tap" && result && (result.kind || result.issuedAt)) {
    // One tap away: the block is built when asked for, and dropped when
    // hidden again, so that the DOM holds no health data unasked.
    const box = el("div", { class: "details", id: "verdict-details", hidden: true });
    const toggle = el("button", { type: "button", class: "details-toggle", id: "verdict-details-toggle", "aria-expanded": "false", "aria-controls": "verdict-details", text: tr.t("verdict.showDetails") });
    toggle.addEventListener("click", () => {
      const open = box.hidden;
      box.replaceChildren();
      if (open) {
        const cert = certBlock(result, tr, view.verified);
        box.append(view.verified ? cert : el("div", { class: "unverified", role: "note" }, cert));
      }
      box.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = tr.t(open ? "verdict.hideDetails" : "verdict.showDetails");
    });
    card.append(toggle, box);
  }

  if (view.warnings.length > 0) {
    card.append(
      el(
        "div",
        { class: "warnings" },
        el("h3", { text: tr.t("verdict.warnings") }),
        el("ul", null, ...view.warnings.map((r) => el("li", { "data-code": r.code, text: r.text }))),
      ),
    );
  }
  renderRules(card, result, tr, view.verdict); // rules.js: which rule refused, or "technical check only"
  container.append(card);
  return view;
}

function holderBlock(h, tr, verified) {
  const cls = verified ? "holder" : "holder holder-unverified";
  const block = el("div", { class: cls });
  const hasNative = h.familyName || h.givenName;
  if (!hasNative && !h.familyNameStd && !h.givenNameStd) {
    block.append(el("p", { text: tr.t("holder.none") }));
  } else {
    const dl = el("dl", { class: "holder-name" });
    const fam = cleanText(h.familyName) || stdName(h.familyNameStd);
    const giv = cleanText(h.givenName) || stdName(h.givenNameStd);
    if (fam) dl.append(el("dt", { text: tr.t("holder.familyName") }), el("dd", { class: "name", "data-field": "familyName", dir: "auto" }, isolated(fam)));
    if (giv) dl.append(el("dt", { text: tr.t("holder.givenName") }), el("dd", { class: "name", "data-field": "givenName", dir: "auto" }, isolated(giv)));
    block.append(dl);
    const std = [cleanText(h.familyNameStd), cleanText(h.givenNameStd)].filter(Boolean).join("<<");
    if (std && hasNative) {
      block.append(
        el(
          "p",
          { class: "holder-std" },
          el("span", { class: "label", text: tr.t("holder.std") + ": " }),
          el("span", { class: "mrz", lang: "en", dir: "ltr", "data-field": "std" }, isolated(std)),
        ),
      );
    }
  }
  if (h.dateOfBirth) {
    block.append(
      el(
        "dl",
        { class: "holder-dob" },
        el("dt", { text: tr.t("holder.dob") }),
        el("dd", { class: "dob", "data-field": "dateOfBirth", dir: "auto" }, isolated(tr.date(h.dateOfBirth))),
      ),
    );
  }
  return block;
}

function row(dl, label, value, field) {
  if (value === undefined || value === null || value === "") return;
  dl.append(el("dt", { text: label }), el("dd", { "data-field": field || null, text: String(value) }));
}

function certBlock(result, tr, verified) {
  const { kind, entry } = details(result);
  const e = entry || {};
  let title;
  if (kind === "vaccination" && e.dn !== undefined && e.sd !== undefined) {
    title = tr.t("kind.vaccinationDose", { dose: e.dn, total: e.sd });
  } else {
    title = tr.t("kind." + (kind || "none"));
  }
  const block = el("div", { class: "cert", "data-kind": kind || "none" }, el("h3", { "data-field": "kind", text: title }));
  const dl = el("dl", { class: "cert-fields" });
  switch (kind) {
    case "vaccination":
      row(dl, tr.t("field.product"), tr.display("vaccine-medicinal-product", e.mp), "product");
      row(dl, tr.t("field.vaccineType"), tr.display("vaccine-prophylaxis", e.vp));
      row(dl, tr.t("field.manufacturer"), tr.display("vaccine-mah-manf", e.ma));
      row(dl, tr.t("field.vaccinationDate"), tr.date(e.dt), "vaccinationDate");
      break;
    case "test":
      row(dl, tr.t("field.testType"), tr.display("test-type", e.tt), "testType");
      row(dl, tr.t("field.testResult"), tr.display("test-result", e.tr), "testResult");
      row(dl, tr.t("field.testName"), e.nm || tr.display("test-manf", e.ma));
      row(dl, tr.t("field.sampledAt"), tr.instant(e.sc), "sampledAt");
      row(dl, tr.t("field.testCentre"), e.tc);
      break;
    case "recovery":
      row(dl, tr.t("field.firstPositive"), tr.date(e.fr), "firstPositive");
      row(dl, tr.t("field.validFrom"), tr.date(e.df), "validFrom");
      row(dl, tr.t("field.validUntil"), tr.date(e.du), "validUntil");
      break;
  }
  if (e.tg) row(dl, tr.t("field.disease"), tr.display("disease-agent-targeted", e.tg));
  if (e.co) row(dl, tr.t("field.country"), tr.display("country-2-codes", e.co));
  row(dl, tr.t("field.issuer"), e.is);
  row(dl, tr.t("field.issuedAt"), tr.instant(result.issuedAt), "issuedAt");
  row(dl, tr.t("field.expiresAt"), tr.instant(result.expiresAt), "expiresAt");
  if (verified && result.signer) {
    row(dl, tr.t("field.signer"), [result.signer.subject, result.signer.country].filter(Boolean).join(" · "));
  }
  block.append(dl);
  return block;
}

/**
 * trustText is the trust-list status line ts (trustState, or loadingTrust
 * while loading) in words, for staff: how old the list is, how many
 * signers it has and how long before it goes stale, or what to do when it
 * has; never its raw sequence number. options.singleFile: the page is the
 * single file, whose remedy for an old list is a newer list file, not a
 * reload.
 */
export function trustText(ts, tr, options) {
  const single = !!(options && options.singleFile);
  if (ts.state === "loading") return tr.t("trust.loading");
  if (ts.state === "missing") return tr.t(single ? "trust.missingSingle" : "trust.missing", { code: ts.code });
  if (ts.state === "expired") return tr.t(single ? "trust.expiredSingle" : "trust.expired", { age: tr.duration(ts.expiredMs) });
  return tr.t("trust.ok", { age: tr.duration(ts.ageMs), signers: tr.plural("trust.signers", ts.signers), left: tr.duration(ts.leftMs) }) + revocationText(ts.revocations, tr);
}

// revocationText is the revocation list's part of the trust line: its age,
// or that it is out of date or missing (every pass is then amber).
function revocationText(r, tr) {
  if (!r) return "";
  if (r.state === "missing") return " · " + tr.t("trust.revocationsMissing");
  return " · " + tr.t(r.state === "ok" ? "trust.revocations" : "trust.revocationsStale", { age: tr.duration(r.ageMs) });
}

/**
 * renderTrust writes the trust-list status line ts into node: the one
 * trust line of the page, the kiosk and the widget (trustText). It is
 * always visible: a list past its expiry turns the line amber and says
 * what to do. The sequence is kept in data-sequence (for tests and
 * support), not in the words.
 */
export function renderTrust(node, ts, tr, options) {
  node.dataset.state = ts.state;
  if (ts.sequenceText) node.dataset.sequence = ts.sequenceText;
  else delete node.dataset.sequence;
  if (ts.revocations) node.dataset.revocations = ts.revocations.state;
  else delete node.dataset.revocations;
  node.textContent = trustText(ts, tr, options);
  if (ts.expiresMs !== null && ts.expiresMs !== undefined) node.title = tr.t("field.validUntil") + " " + tr.instant(ts.expiresMs);
  else node.removeAttribute("title");
}
