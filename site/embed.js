// embed.js: what a page that embeds <passcheck-verifier> does with its
// events. The event carries the full Result; this example logs only the
// verdict, the kind and where the pass came from: nothing about the holder.
const log = document.getElementById("log");

document.addEventListener("passcheck-result", (ev) => {
  const { verdict, source, result } = ev.detail;
  const li = document.createElement("li");
  li.dataset.verdict = verdict;
  li.textContent = `${ev.target.id}: ${verdict}${result.kind ? " (" + result.kind + ")" : ""} from ${source}` +
    (result.errors.length ? " — " + result.errors.map((e) => e.code).join(", ") : "");
  log.prepend(li);
});

document.addEventListener("passcheck-error", (ev) => {
  const li = document.createElement("li");
  li.textContent = `${ev.target.id}: the verifier could not start (${ev.detail.code})`;
  log.prepend(li);
});
