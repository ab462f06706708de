/*
 * The moderation queue's keys: j/k or the arrows move between comments, a
 * approves, s marks as spam, d trashes, r replies as staff, o opens the
 * commenter's history, x selects the comment for the bulk actions, u undoes the
 * last decision, ? shows the keys. Each key presses a button or a link that the
 * page has without this script (row forms, the undo form); it only adds the
 * keyboard. Keys typed into a field are left to the field.
 */
"use strict";

(function () {
  const TYPING = [
    "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit])",
    "textarea",
    "select",
    "[contenteditable]",
  ].join(", ");
  // After a decision the page reloads: the same place in the list is kept.
  const PLACE = "comment-queue-row:" + window.location.pathname;
  let current = 0;

  function rows() {
    return Array.from(document.querySelectorAll("#result_list tbody tr"));
  }

  function show(index) {
    const list = rows();
    if (!list.length) {
      return null;
    }
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach((row, i) => row.classList.toggle("queue-current", i === current));
    const row = list[current];
    row.scrollIntoView({ block: "nearest" });
    return row;
  }

  function press(selector) {
    const row = rows()[current];
    const target = row && row.querySelector(selector);
    if (!target) {
      return false;
    }
    if (target.form || target.getAttribute("form")) {
      window.sessionStorage.setItem(PLACE, String(current));
    }
    target.click();
    return true;
  }

  function toggleHelp(open) {
    const help = document.getElementById("queue-keys");
    if (!help) {
      return false;
    }
    help.hidden = open === undefined ? !help.hidden : !open;
    if (!help.hidden) {
      help.focus();
    }
    return true;
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    const target = event.target;
    if (target instanceof Element && target.closest(TYPING)) {
      return;
    }
    let done = true;
    switch (event.key) {
      case "j":
      case "ArrowDown":
        show(current + 1);
        break;
      case "k":
      case "ArrowUp":
        show(current - 1);
        break;
      case "a":
      case "s":
      case "d":
      case "r":
      case "o":
        done = press("[data-key='" + event.key + "']");
        break;
      case "x":
        done = press("input.action-select");
        break;
      case "u": {
        const undo = document.querySelector("#comment-undo-form [data-key='u']");
        done = Boolean(undo);
        if (undo) {
          window.sessionStorage.setItem(PLACE, String(current));
          undo.click();
        }
        break;
      }
      case "?":
        done = toggleHelp();
        break;
      case "Escape":
        done = toggleHelp(false);
        break;
      default:
        done = false;
    }
    if (done) {
      event.preventDefault();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!document.getElementById("comment-row-form")) {
      return;  // staff who do not moderate: no decisions to press
    }
    const saved = window.sessionStorage.getItem(PLACE);
    window.sessionStorage.removeItem(PLACE);
    show(saved === null ? 0 : Number(saved) || 0);
    const help = document.getElementById("queue-keys");
    if (help) {
      help.tabIndex = -1;
    }
    document.addEventListener("keydown", onKey);
  });
})();
