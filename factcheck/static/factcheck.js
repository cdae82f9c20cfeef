// factcheck review page: keyboard review (j/k open the next/previous claim, number keys pick a
// verdict for the open claim, n marks it not check-worthy), making a selection of the article text
// a claim, the report preview drawn when opened, and keeping the reviewer's place when htmx
// redraws the list. Everything here is an enhancement: every form and link works without it. When
// an editor is redrawn by anything but a successful save of its own review form (a comment, a
// source, a refused save), what the reviewer had typed into that form is put back, as long as the
// claim did not change meanwhile.
(function () {
  "use strict";

  function rows() {
    return Array.from(document.querySelectorAll("#claims .claim-row"));
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    const tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    return tag === "input" && !["radio", "checkbox", "button", "submit"].includes(target.type);
  }

  // The open claim's editor (one at a time), if any.
  function currentCard() {
    return document.querySelector("#claims .claim-card");
  }

  function currentRow() {
    return document.querySelector("#claims .claim-row.current");
  }

  // Open the next (step 1) or previous (-1) claim of the list: its row's link, through htmx.
  function move(step) {
    const all = rows();
    if (!all.length) return;
    const index = all.indexOf(currentRow());
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
    if (next < 0 || next >= all.length) return;
    all[next].querySelector(".row-link").click();
  }

  function pickVerdict(number) {
    const card = currentCard();
    if (!card) return;
    const options = card.querySelectorAll('form.review-form input[name="verdict"]');
    const option = options[number - 1];
    if (!option || option.value === "") return;
    option.checked = true;
    option.closest("form").requestSubmit();
  }

  // The open claim is not check-worthy: say so (unless it is already marked), then open the claim
  // that came after it in the list. That claim is named before the list is redrawn: in the redrawn
  // list the marked claim may have left its place (triage hides it; open, it is shown first).
  let openAfterSwap = null;
  function markNotWorthy() {
    const card = currentCard();
    const form = card && card.querySelector("form.worth-form");
    if (form && form.querySelector('input[name="worth_checking"][value="no"]')) {
      const all = rows();
      const next = all[all.indexOf(currentRow()) + 1];
      openAfterSwap = next ? next.dataset.claim : "";
      form.requestSubmit();
    } else {
      move(1);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "n") { markNotWorthy(); event.preventDefault(); }
    else if (/^[1-9]$/.test(event.key)) { pickVerdict(Number(event.key)); }
    else if (event.key === "Escape") { clearSelectionBar(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".clear-selection")) {
      clearSelectionBar();
      return;
    }
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && event.target.closest && event.target.closest("#article-text")) {
      event.preventDefault(); // the reviewer was selecting words, not opening a claim
      event.stopPropagation();
      return;
    }
    // "show in text": the highlight, when the text part on the page has it; else the link loads that part.
    const back = event.target.closest && event.target.closest(".to-text");
    if (back) {
      const card = back.closest(".claim-card");
      const target = document.getElementById("hl-" + card.dataset.claim);
      if (target) {
        event.preventDefault();
        target.scrollIntoView({ block: "center", behavior: "smooth" });
        target.focus({ preventScroll: true });
      }
    }
  }, true);

  // After the list is redrawn: the open claim's row marked in the text, its editor in view and
  // focused (so keys keep working), or the next claim opened after "not check-worthy".
  document.addEventListener("htmx:afterSettle", function (event) {
    if (openAfterSwap !== null) {
      const refused = event.detail.xhr && event.detail.xhr.status >= 400; // the reason stays in view
      const next = !refused && openAfterSwap && document.getElementById("row-" + openAfterSwap);
      openAfterSwap = null;
      if (next) {
        next.querySelector(".row-link").click();
        return;
      }
    }
    const card = currentCard();
    document.querySelectorAll(".claim-mark.current").forEach((m) => m.classList.remove("current"));
    if (!card) return;
    const mark = document.getElementById("hl-" + card.dataset.claim);
    if (mark) mark.classList.add("current");
    const swapped = event.detail.elt;
    if (swapped && swapped.id === "claims") {
      const row = currentRow() || card;
      row.scrollIntoView({ block: "nearest" });
      card.focus({ preventScroll: true });
    } else if (!document.activeElement || document.activeElement === document.body) {
      card.focus({ preventScroll: true }); // the editor alone was redrawn (a save): keys keep working
    }
  });

  // A refusal shown in an editor or the list: brought into view.
  document.addEventListener("htmx:afterSwap", function (event) {
    const message = event.detail.target && event.detail.target.querySelector
      && event.detail.target.querySelector(".card-message .error, .list-message .error");
    if (message) message.scrollIntoView({ block: "nearest" });
  });

  // Unsaved review fields, by card id, carried across a redraw of the editor (see the top).
  const REVIEW_FIELDS = ["verdict", "status", "rationale", "conclusion", "reason"];
  const drafts = new Map();

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.querySelectorAll) return;
    const from = event.detail.requestConfig && event.detail.requestConfig.elt;
    const forms = target.matches("form.review-form") ? [target] : Array.from(target.querySelectorAll("form.review-form"));
    for (const form of forms) {
      const card = form.closest(".claim-card");
      if (!card || !form.elements.version) continue;
      const ownSave = from && from.closest && from.closest("form.review-form") === form;
      if (ownSave && event.detail.xhr.status < 300) continue; // saved: the new editor holds it
      const values = {};
      for (const name of REVIEW_FIELDS) {
        const field = form.elements[name];
        if (field) values[name] = field.value;
      }
      drafts.set(card.id, { version: form.elements.version.value, values: values });
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    drafts.forEach(function (draft, id) {
      drafts.delete(id);
      const card = document.getElementById(id);
      const form = card && card.querySelector("form.review-form");
      // A new version, or a conflict view, means the claim changed: keep what is stored.
      if (!form || !form.elements.version || form.elements.version.value !== draft.version) return;
      for (const name of REVIEW_FIELDS) {
        const field = form.elements[name];
        if (field === undefined || draft.values[name] === undefined) continue;
        if (field instanceof RadioNodeList) {
          for (const option of field) option.checked = option.value === draft.values[name];
        } else {
          field.value = draft.values[name];
        }
      }
    });
  });

  // After a split, merge, new claim, dismiss or restore the server names the claim it opened.
  document.addEventListener("claim-focus", function () {
    const card = currentCard();
    if (card) card.focus({ preventScroll: true });
  });

  // The report preview is drawn when opened, and again after each save while it is open.
  function drawReport() {
    const report = document.getElementById("report");
    const preview = document.getElementById("report-preview");
    if (report && report.open && preview && window.htmx) window.htmx.trigger(preview, "report-open");
  }
  document.addEventListener("toggle", function (event) {
    if (event.target && event.target.id === "report") drawReport();
  }, true);
  document.addEventListener("claim-saved", drawReport);

  // --- Making a selection of the article text a claim ----------------------------------------

  // Python counts characters in code points, JavaScript strings in UTF-16 units: count like Python.
  function codePoints(text) {
    let count = 0;
    for (const _ of text) count += 1;
    return count;
  }

  // The text of the article up to a boundary point, as the Text nodes hold it: the plain runs and
  // the highlights' words, in order. Range.toString() walks exactly those nodes; innerText would
  // apply CSS whitespace rules and selection.toString() would not say where the selection starts.
  function textBefore(container, node, offset) {
    const range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString();
  }

  // The selection within the article text: {start, end, words}, offsets in characters from the
  // start of the text, or null when nothing of the text is selected.
  function selectedPassage() {
    const container = document.getElementById("article-text");
    const selection = window.getSelection();
    if (!container || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0).cloneRange();
    if (!range.intersectsNode(container)) return null;
    // A selection that runs past the text panel is cut to the part inside it.
    if (!container.contains(range.startContainer)) range.setStart(container, 0);
    if (!container.contains(range.endContainer)) range.setEnd(container, container.childNodes.length);
    const words = range.toString();
    if (!words.trim()) return null;
    // The text shown is one part of the article: data-offset is where it starts.
    const start = Number(container.dataset.offset || 0) + codePoints(textBefore(container, range.startContainer, range.startOffset));
    return { start: start, end: start + codePoints(words), words: words.trim() };
  }

  function shorten(words) {
    const flat = words.replace(/\s+/g, " ");
    return flat.length > 160 ? flat.slice(0, 100) + " … " + flat.slice(-50) : flat;
  }

  function showSelectionBar(passage) {
    const form = document.getElementById("new-claim");
    if (!form) return;
    form.querySelector('input[name="start"]').value = passage.start;
    form.querySelector('input[name="end"]').value = passage.end;
    form.querySelector('textarea[name="passage"]').value = "";
    form.querySelector(".selection-words").textContent = shorten(passage.words);
    form.querySelector(".selection-bar").hidden = false;
  }

  function clearSelectionBar() {
    const form = document.getElementById("new-claim");
    const bar = form && form.querySelector(".selection-bar");
    if (!bar || bar.hidden) return;
    bar.hidden = true;
    form.querySelector('input[name="start"]').value = "";
    form.querySelector('input[name="end"]').value = "";
  }

  // Follow the selection as it changes (mouse or keyboard); a click into the text that leaves no
  // selection takes the bar away, while clicking the bar's own button keeps it.
  let pending = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      const passage = selectedPassage();
      if (passage) showSelectionBar(passage);
    }, 120);
  });
  document.addEventListener("mouseup", function (event) {
    if (!(event.target.closest && event.target.closest("#article-text"))) return;
    setTimeout(function () { if (!selectedPassage()) clearSelectionBar(); }, 0);
  });
})();
