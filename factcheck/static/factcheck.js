// factcheck review page: keyboard review (j/k between claims, number keys pick a verdict)
// and keeping the reviewer's place when htmx swaps a card. Everything here is an
// enhancement: every form works without it.
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

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    if (event.key === "j") { move(1); event.preventDefault(); }
    else if (event.key === "k") { move(-1); event.preventDefault(); }
    else if (/^[1-9]$/.test(event.key)) { pickVerdict(Number(event.key)); }
  });

  // Clicking a highlight (or a card's "show in text") makes that claim the current one.
  document.addEventListener("click", function (event) {
    const mark = event.target.closest && event.target.closest(".claim-mark");
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
})();
