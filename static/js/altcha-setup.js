// The signing form's proof-of-work captcha (vendor/altcha, the strict-CSP build): register the
// worker from a static file (no inline or blob workers), give the widget its texts in the page's
// language (the build carries English only; untranslated keys stay English), start solving as soon
// as the page loads so a signer never waits on it, and hold a submit that comes before the puzzle
// is solved.
const i18n = globalThis.$altcha.i18n;
for (const widget of document.querySelectorAll("altcha-widget[data-strings]")) {
  const language = JSON.parse(widget.getAttribute("configuration") || "{}").language;
  if (!language || language === "en") continue;
  let bundles = {};
  i18n.store.subscribe((value) => { bundles = value; })();
  i18n.set(language, { ...bundles.en, ...JSON.parse(widget.dataset.strings) });
}
for (const widget of document.querySelectorAll("altcha-widget[data-worker]")) {
  const workerUrl = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
  customElements.whenDefined("altcha-widget").then(() => widget.verify());
  const form = widget.closest("form");
  if (form) {
    form.addEventListener("submit", (event) => {
      if (widget.getState() === "verified") return;
      event.preventDefault();
      widget.addEventListener("verified", () => form.submit(), { once: true });
    });
  }
}
