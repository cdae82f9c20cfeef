// factcheck review page: keyboard review (j/k between claims, number keys pick a verdict,
// n marks a claim not check-worthy), making a selection of the article text a claim, and
// keeping the reviewer's place when htmx swaps a card or the claim list. Everything here is
// an enhancement: every form works without it. When a card is redrawn by anything but a
// successful save of its own review form (a comment, a source, a refused save), what the
// reviewer had typed into that form is put back, as long as the claim did not change meanwhile.
(function () {
  "use strict";

  let currentId = null;

  function cards() {
    return Array.from(document.querySelectorAll(".claim-card"));
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    const tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    return tag === "input" && !["radio", "checkbox", "button", "submit"].includes(target.type);
  }

  function currentCard() {
    const active = document.activeElement && document.activeElement.closest(".claim-card");
    if (active) return active;
    return currentId ? document.getElementById("claim-" + currentId) : null;
  }

  function select(card) {
    if (!card) return;
    document.querySelectorAll(".claim-card.current").forEach((c) => c.classList.remove("current"));
    document.querySelectorAll(".claim-mark.current").forEach((m) => m.classList.remove("current"));
    card.classList.add("current");
    currentId = card.dataset.claim;
    const mark = document.getElementById("hl-" + currentId);
    if (mark) mark.classList.add("current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function move(step) {
    const all = cards();
    if (!all.length) return;
    const index = all.indexOf(currentCard());
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, index + step));
    select(all[next]);
  }

  function pickVerdict(number) {
    const card = currentCard();
    if (!card) return;
    const options = card.querySelectorAll('input[name="verdict"]');
    const option = options[number - 1];
    if (!option || option.value === "") return;
    option.checked = true;
    option.closest("form").requestSubmit();
  }

  // The current claim is not check-worthy: say so (unless it is already marked) and go on.
  function markNotWorthy() {
    const card = currentCard();
    if (card) {
      const form = card.querySelector("form.worth-form");
      if (form && form.querySelector('input[name="worth_checking"][value="no"]')) form.requestSubmit();
    }
    move(1);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (event.key === "n") { markNotWorthy(); event.preventDefault(); }
    else if (/^[1-9]$/.test(event.key)) { pickVerdict(Number(event.key)); }
    else if (event.key === "Escape") { clearSelectionBar(); }
  });

  // Clicking a highlight (or a card's "show in text") makes that claim the current one.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".clear-selection")) {
      clearSelectionBar();
      return;
    }
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && event.target.closest && event.target.closest("#article-text")) {
      event.preventDefault(); // the reviewer was selecting words, not following a highlight
      return;
    }
    const mark = event.target.closest && event.target.closest(".claim-mark, .dismissed-mark");
    if (mark) {
      const card = document.getElementById("claim-" + mark.dataset.claim);
      if (card) { event.preventDefault(); select(card); history.replaceState(null, "", "#claim-" + mark.dataset.claim); }
      return;
    }
    const back = event.target.closest && event.target.closest(".to-text");
    if (back) {
      const card = back.closest(".claim-card");
      const target = document.getElementById("hl-" + card.dataset.claim);
      if (target) {
        event.preventDefault();
        select(card);
        target.scrollIntoView({ block: "center", behavior: "smooth" });
        target.focus({ preventScroll: true });
      }
    }
  });

  // A saved card is replaced by htmx: keep it current and focused so keys keep working.
  document.addEventListener("htmx:afterSettle", function (event) {
    const card = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".claim-card");
    if (card && card.dataset.claim === currentId) {
      card.classList.add("current");
      card.focus({ preventScroll: true });
    }
  });

  // Unsaved review fields, by card id, carried across a redraw of the card (see the top).
  const REVIEW_FIELDS = ["verdict", "status", "rationale", "conclusion", "reason"];
  const drafts = new Map();

  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("claim-card")) return;
    const form = target.querySelector("form.review-form");
    if (!form || !form.elements.version) return;
    const from = event.detail.requestConfig && event.detail.requestConfig.elt;
    const ownSave = from && from.closest && from.closest("form.review-form") === form;
    if (ownSave && event.detail.xhr.status < 300) return; // saved: the new card holds it
    const values = {};
    for (const name of REVIEW_FIELDS) {
      const field = form.elements[name];
      if (field) values[name] = field.value;
    }
    drafts.set(target.id, { version: form.elements.version.value, values: values });
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

  // After a split, merge, new claim, dismiss or restore the server names the claim to continue with.
  document.addEventListener("claim-focus", function (event) {
    const card = document.getElementById("claim-" + event.detail.claim);
    if (card) select(card);
  });

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
    const start = codePoints(textBefore(container, range.startContainer, range.startOffset));
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
