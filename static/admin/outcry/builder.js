// The campaign builder on the campaign form: language versions as tabs, buttons that insert the
// letter's placeholders where the cursor is, and a live preview of every target's letter.
// Progressive: without JavaScript the admin's own stacked forms work as before.
const outcryBuilder = () => {
  "use strict";
  const config = JSON.parse(document.getElementById("outcry-builder")?.textContent || "null");
  const group = document.getElementById("templates-group");
  if (!config || !group) return;
  const texts = config.texts;
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";

  const rows = (prefix) =>
    [...document.querySelectorAll(`#${prefix}-group .inline-related`)].filter(
      (row) => !row.classList.contains("empty-form") && !row.id.endsWith("-empty"),
    );
  const field = (row, name) => row.querySelector(`[name="${row.id}-${name}"]`);
  const deleted = (row) => field(row, "DELETE")?.checked;

  // --- Tabs: one per language version, and one that adds a language ---------------------------
  const tablist = document.createElement("div");
  tablist.className = "language-tabs";
  tablist.setAttribute("role", "tablist");
  tablist.setAttribute("aria-label", texts.languages);
  const heading = group.querySelector("h2");
  heading.insertAdjacentElement("afterend", tablist);
  group.querySelector("[data-language-versions]")?.classList.add("tabbed");
  group.closest("[data-language-versions]")?.classList.add("tabbed");
  let active = null;

  const label = (row) => {
    const select = field(row, "language");
    if (!select) {
      // A read-only form (a role that may only look): the language is shown as text.
      const shown = row.querySelector(".field-language .readonly");
      return shown ? shown.textContent.trim() : texts.new_language;
    }
    const option = select.selectedOptions[0];
    return option && option.value ? option.textContent.trim() : texts.new_language;
  };

  const show = (row, focus = false) => {
    active = row;
    for (const each of rows("templates")) each.classList.toggle("tab-hidden", each !== row);
    for (const tab of tablist.querySelectorAll("[data-row]")) {
      const selected = tab.dataset.row === row.id;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    }
    schedulePreview();
  };

  const build = () => {
    tablist.replaceChildren();
    const all = rows("templates");
    for (const row of all) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.dataset.row = row.id;
      tab.setAttribute("aria-controls", row.id);
      const hasErrors = row.querySelector(".errorlist, .errors");
      const language = field(row, "language")?.value;
      const outdated = config.translation_states?.[language] === "outdated" ? ` (${texts.outdated})` : "";
      tab.textContent = label(row) + outdated + (hasErrors ? " ⚠" : "") + (deleted(row) ? ` (${texts.to_delete})` : "");
      if (hasErrors) tab.title = texts.has_errors;
      tab.addEventListener("click", () => show(row));
      tablist.append(tab);
      row.setAttribute("role", "tabpanel");
    }
    const add = group.querySelector(".add-row a");
    if (add && !group.querySelector(".empty-form")) add.closest(".add-row").hidden = true; // may not add
    if (add && group.querySelector(".empty-form")) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "add-language";
      more.textContent = "+ " + texts.add_language;
      more.addEventListener("click", () => add.click());
      tablist.append(more);
      add.closest(".add-row").hidden = true;
    }
    const keep = all.includes(active) ? active : all.find((row) => row.querySelector(".errorlist")) || all[0];
    if (keep) show(keep);
  };

  tablist.addEventListener("keydown", (event) => {
    const tabs = [...tablist.querySelectorAll("[data-row]")];
    const index = tabs.indexOf(document.activeElement);
    if (index < 0 || !["ArrowLeft", "ArrowRight"].includes(event.key)) return;
    const rtl = getComputedStyle(tablist).direction === "rtl";
    const step = (event.key === "ArrowRight") !== rtl ? 1 : -1;
    const next = tabs[(index + step + tabs.length) % tabs.length];
    show(document.getElementById(next.dataset.row), true);
    event.preventDefault();
  });

  // --- Placeholder buttons under each letter ------------------------------------------------
  const lastField = new WeakMap(); // row -> the subject or body the organiser was last in
  const addPlaceholderButtons = (row) => {
    const body = row.querySelector('textarea[name$="-letter_body"]');
    if (!body || row.querySelector(".placeholder-buttons")) return;
    const bar = document.createElement("div");
    bar.className = "placeholder-buttons";
    const caption = document.createElement("span");
    caption.className = "label";
    caption.textContent = texts.insert;
    bar.append(caption);
    for (const placeholder of config.placeholders) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.placeholder = placeholder.name;
      button.textContent = `{${placeholder.name}}`;
      button.title = placeholder.help;
      button.setAttribute("aria-label", `${texts.insert} {${placeholder.name}}: ${placeholder.help}`);
      bar.append(button);
    }
    (body.closest(".form-row, .fieldBox") || body.parentElement).append(bar);
  };
  document.addEventListener("focusin", (event) => {
    const target = event.target;
    const letterFields = '[name$="-letter_subject"], [name$="-letter_body"], [name$="-subject_alternatives"], [name$="-body_alternatives"]';
    if (target.matches?.(letterFields)) {
      lastField.set(target.closest(".inline-related"), target);
    }
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-placeholder]");
    if (!button) return;
    const row = button.closest(".inline-related");
    const input = lastField.get(row) || row.querySelector('textarea[name$="-letter_body"]');
    const text = `{${button.dataset.placeholder}}`;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.setRangeText(text, start, end, "end");
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // --- The live preview ------------------------------------------------------------------------
  // Read-only (no letter to type), the pane has nothing to follow: Preview the letters shows them.
  const editable = Boolean(group.querySelector('textarea[name$="-letter_body"]'));
  const pane = editable ? document.querySelector("[data-letter-preview]") : null;
  if (!editable) {
    document.querySelector("[data-letter-preview]")?.remove();
    group.closest(".letter-with-preview")?.classList.add("no-preview");
  }
  const list = pane?.querySelector("[data-preview-letters]");
  let timer = null;
  let sent = 0;

  const formState = () => ({
    campaign: pane.dataset.campaign || null,
    default_language: document.getElementById("id_default_language")?.value,
    delivery_mode: document.getElementById("id_delivery_mode")?.value,
    digest_period: document.getElementById("id_digest_period")?.value,
    templates: rows("templates")
      .filter((row) => !deleted(row))
      .map((row) => ({
        language: field(row, "language")?.value,
        page_title: field(row, "page_title")?.value,
        letter_subject: field(row, "letter_subject")?.value,
        letter_body: field(row, "letter_body")?.value,
      })),
    targets: rows("targets")
      .filter((row) => !deleted(row) && (field(row, "id")?.value || field(row, "name")?.value || field(row, "email")?.value))
      .map((row) => ({
        id: field(row, "id")?.value,
        name: field(row, "name")?.value,
        title: field(row, "title")?.value,
        language: field(row, "language")?.value,
        timezone: field(row, "timezone")?.value,
        is_active: field(row, "is_active") ? field(row, "is_active").checked : true,
      })),
  });

  const render = (letters) => {
    const language = active && field(active, "language")?.value;
    letters.sort((a, b) => (b.language === language) - (a.language === language));
    list.replaceChildren(
      ...letters.map((letter) => {
        const box = document.createElement("section");
        box.className = "preview-letter";
        const to = document.createElement("p");
        to.className = "preview-to";
        to.textContent = `${texts.to} ${letter.target}` + (letter.language_name ? ` · ${letter.language_name}` : "") +
          (letter.active ? "" : ` (${texts.inactive})`);
        box.append(to);
        if (letter.error) {
          const error = document.createElement("p");
          error.className = "preview-error";
          error.textContent = letter.error;
          box.append(error);
        } else {
          const subject = document.createElement("p");
          subject.className = "preview-subject";
          subject.textContent = letter.subject;
          subject.lang = letter.language;
          subject.dir = "auto";
          const body = document.createElement("pre");
          body.textContent = letter.text;
          body.lang = letter.language;
          body.dir = "auto";
          box.append(subject, body);
        }
        return box;
      }),
    );
  };

  const preview = async () => {
    const number = ++sent;
    try {
      const response = await fetch(config.live_preview_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(formState()),
        credentials: "same-origin",
      });
      const data = await response.json();
      if (number !== sent) return; // a newer preview is on its way
      if (!response.ok) throw new Error(data.error || response.statusText);
      render(data.letters);
    } catch (error) {
      if (number !== sent) return;
      const note = document.createElement("p");
      note.className = "preview-error";
      note.textContent = `${texts.preview_failed} ${error.message || ""}`.trim();
      list.replaceChildren(note);
    }
  };

  function schedulePreview() {
    if (!list) return;
    clearTimeout(timer);
    timer = setTimeout(preview, 350);
  }

  const form = group.closest("form");
  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", (event) => {
    if (event.target.matches('[name$="-language"], [name$="-DELETE"]')) build();
    schedulePreview();
  });
  document.addEventListener("formset:added", (event) => {
    if (event.detail?.formsetName === "templates") {
      addPlaceholderButtons(event.target);
      active = event.target;
      build();
    }
    schedulePreview();
  });
  document.addEventListener("formset:removed", () => {
    build();
    schedulePreview();
  });

  for (const row of group.querySelectorAll(".inline-related")) addPlaceholderButtons(row);
  build();
  schedulePreview();
};
// After the admin's inlines.js has set up its formsets: it does so in a jQuery ready handler, and
// those run in the order they were added.
if (window.django && window.django.jQuery) window.django.jQuery(outcryBuilder);
else document.addEventListener("DOMContentLoaded", outcryBuilder);
