// "Copy" buttons of the campaign overview: data-copy names the field whose text is copied; the
// status next to it says so, for screen readers too. Falls back to selecting the text where the
// clipboard API is refused (plain http, older browsers), so the organiser can copy by hand.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  const status = document.querySelector(`[data-copied-for="${button.dataset.copy}"]`);
  let copied = false;
  try {
    await navigator.clipboard.writeText(field.value);
    copied = true;
  } catch (error) {
    field.focus();
    field.select();
    copied = document.execCommand && document.execCommand("copy");
  }
  if (status) status.textContent = copied ? button.dataset.copiedText || "✓" : "";
});
