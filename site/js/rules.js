// rules.js: the business rules on the pages (docs/rules.md): which rule
// country applies (the operator's choice, kept on the device), the line
// that says what is applied, and why a rule refused a pass, in the page's
// language. The module evaluates the rules; this file only presents them.
//
// The choice, first found wins:
//   ?rules=CC or ?rules=CC/REGION   the page's address (a kiosk's configuration value)
//   the setting on the scanner page  kept in localStorage
//   config.rulesCountry              the site build's default (--rules-country)
//   nothing                          the EU baseline, when the trust list carries rules
// "none" means technical check only, everywhere.

const STORE = "passcheck.rules";

/** parseChoice reads "CC", "CC/REGION", "none" or "" into {country, region}. */
export function parseChoice(s) {
  const text = typeof s === "string" ? s.trim() : "";
  const i = text.indexOf("/");
  const country = (i < 0 ? text : text.slice(0, i)).trim();
  const region = i < 0 ? "" : text.slice(i + 1).trim();
  if (country.toLowerCase() === "none") return { country: "none", region: "" };
  return { country: country.toUpperCase(), region };
}

/** ruleChoice is the rule country the page applies (see the top of the file). */
export function ruleChoice(config, search) {
  const params = new URLSearchParams(search === undefined ? (globalThis.location ? globalThis.location.search : "") : search);
  if (params.has("rules")) return parseChoice(params.get("rules"));
  const stored = storedChoice();
  if (stored !== null) return parseChoice(stored);
  return parseChoice((config && config.rulesCountry) || "");
}

function storedChoice() {
  try {
    return globalThis.localStorage ? globalThis.localStorage.getItem(STORE) : null;
  } catch {
    return null;
  }
}

/** storeChoice keeps the operator's choice on this device ("" forgets it). */
export function storeChoice(choice) {
  try {
    const v = choice.country ? choice.country + (choice.region ? "/" + choice.region : "") : "";
    if (v) globalThis.localStorage.setItem(STORE, v);
    else globalThis.localStorage.removeItem(STORE);
  } catch {
    // storage disabled: the choice lasts until the page is closed
  }
}

/**
 * rulesLine says what is applied: "Rules: EU baseline · updated 2 h ago", a
 * country (and region), or technical check only; that the trust list's
 * rules cannot be read at all (then no rule is in force and every pass is
 * amber), or how many of them were left out. status is verifier.rules.
 */
export function rulesLine(status, nowMs, tr) {
  if (!status) return tr.t("rules.line.loading");
  if (status.country === "none") return tr.t("rules.line.none");
  if (status.unreadable) return tr.t("rules.line.unreadable");
  const issued = Date.parse(status.issuedAt);
  const age = tr.duration(Number.isNaN(issued) ? 0 : Math.max(0, nowMs - issued));
  const left = status.leftOut > 0 ? tr.plural("rules.line.leftOut", status.leftOut) : "";
  if (status.country === "EU") return tr.t("rules.line.eu", { age }) + left;
  if (status.region) return tr.t("rules.line.region", { country: status.country, region: status.region, age }) + left;
  return tr.t("rules.line.country", { country: status.country, age }) + left;
}

/** describe picks a rule's description in lang, else English, else the first. */
export function describe(rule, lang) {
  const list = Array.isArray(rule.descriptions) ? rule.descriptions : [];
  const base = String(lang || "").toLowerCase();
  const hit = list.find((d) => d.lang === base) || list.find((d) => d.lang === base.split("-")[0]);
  if (hit) return hit.desc;
  return rule.description || (list[0] && list[0].desc) || rule.id;
}

/**
 * lead is a short plain-language key for the common refusals, or "":
 * test too old, vaccination series incomplete or too recent, recovery too
 * old, product not accepted.
 */
export function lead(rule) {
  if (rule.result === "open") return "rules.lead.open";
  const f = Array.isArray(rule.affectedFields) ? rule.affectedFields : [];
  const has = (x) => f.includes(x);
  switch (rule.certificateType) {
    case "Test":
      if (has("t.0.sc")) return "rules.lead.testTooOld";
      if (has("t.0.ma") || has("t.0.tt") || has("t.0.nm")) return "rules.lead.productNotAccepted";
      break;
    case "Vaccination":
      if (has("v.0.dn") || has("v.0.sd")) return "rules.lead.seriesIncomplete";
      if (has("v.0.dt")) return "rules.lead.vaccinationTooRecent";
      if (has("v.0.mp") || has("v.0.ma") || has("v.0.vp")) return "rules.lead.productNotAccepted";
      break;
    case "Recovery":
      if (has("r.0.df") || has("r.0.du") || has("r.0.fr")) return "rules.lead.recoveryTooOld";
      break;
  }
  return "";
}

/**
 * ruleNotes lists the rules that refused a pass (failed) or could not be
 * checked (open): {id, result, lead, text}, text in the page's language.
 * technical is true when the Result says technical check only (rules null).
 */
export function ruleNotes(result, tr) {
  if (!result || result.rules === undefined) return { technical: false, notes: [] };
  if (result.rules === null) return { technical: true, notes: [] };
  const results = Array.isArray(result.rules.results) ? result.rules.results : [];
  const notes = results
    .filter((r) => r && (r.result === "failed" || r.result === "open"))
    .map((r) => {
      const key = lead(r);
      return { id: r.id, result: r.result, lead: key ? tr.t(key) : "", text: tr.t("rules.rule", { id: r.id, desc: describe(r, tr.lang) }) };
    });
  return { technical: false, notes };
}

/** renderRules adds the rule notes of result to card (a verdict's card). */
export function renderRules(card, result, tr, verdict) {
  const { technical, notes } = ruleNotes(result, tr);
  const doc = card.ownerDocument;
  if (technical && verdict !== "not-a-pass") {
    const p = doc.createElement("p");
    p.className = "rules-technical";
    p.setAttribute("role", "note");
    p.textContent = tr.t("rules.technicalOnly");
    card.prepend(p);
    return;
  }
  if (notes.length === 0) return;
  const box = doc.createElement("div");
  box.className = "rule-reasons";
  const h = doc.createElement("h3");
  h.textContent = tr.t("rules.heading");
  const ul = doc.createElement("ul");
  for (const n of notes) {
    const li = doc.createElement("li");
    li.dataset.rule = n.id;
    li.dataset.result = n.result;
    if (n.lead) {
      const b = doc.createElement("strong");
      b.textContent = n.lead + " ";
      li.append(b);
    }
    li.append(doc.createTextNode(n.text));
    ul.append(li);
  }
  box.append(h, ul);
  const reasons = card.querySelector(".reasons");
  if (reasons) reasons.after(box);
  else card.prepend(box);
}

/** renderRulesLine writes rulesLine into node (the header's rule line). */
export function renderRulesLine(node, verifier, tr, nowMs = Date.now()) {
  if (!node) return;
  let status = null;
  try {
    status = verifier ? verifier.rules : null;
  } catch {
    status = null;
  }
  node.textContent = rulesLine(status, nowMs, tr);
  node.dataset.country = status ? status.country : "";
}

/**
 * ruleSetting wires the scanner page's setting: a select of the rule
 * countries the trust list carries (plus the default and none) and a
 * region field. A change is applied to the verifier, kept on the device,
 * and reported through changed().
 */
export function ruleSetting(select, region, verifier, tr, changed) {
  if (!select || !verifier) return;
  const st = verifier.rules;
  const current = st.chosen ? st.country : "";
  select.replaceChildren();
  const add = (value, text) => {
    const o = select.ownerDocument.createElement("option");
    o.value = value;
    o.textContent = text;
    select.append(o);
  };
  add("", tr.t("rules.setting.default"));
  for (const c of st.countries || []) if (c !== "EU") add(c, c);
  if (current && current !== "none" && !(st.countries || []).includes(current)) add(current, current);
  add("none", tr.t("rules.setting.none"));
  select.value = current;
  if (region) region.value = st.chosen ? st.region : "";
  const apply = () => {
    const choice = { country: select.value, region: region && select.value !== "none" ? region.value.trim() : "" };
    const out = verifier.setRules(choice);
    if (out.ok) storeChoice(choice);
    changed(out);
  };
  select.onchange = apply;
  if (region) region.onchange = apply;
}
