// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";

  // --- Confirmation dialog -------------------------------------------------------------------------------
  // A form with data-confirm asks first (cancel an appointment, remove a slot, end a call), in the page's own
  // <dialog id="confirm-dialog"> (base.html): modal, keyboard-only friendly. The focus starts on the safe
  // answer; Tab and Shift+Tab stay inside; Escape or the safe answer closes it and gives the focus back to the
  // button that opened it; the other answer sends the form. Optional: data-confirm-title, data-confirm-yes,
  // data-confirm-no (the words of the title and the two buttons).
  var dialog = document.getElementById("confirm-dialog");
  var pendingForm = null;
  var opener = null;

  function ask(form, submitter) {
    var text = function (name, fallback) { return form.getAttribute(name) || fallback; };
    pendingForm = form;
    opener = submitter || document.activeElement;
    dialog.querySelector("[data-dialog-title]").textContent = text("data-confirm-title", "Are you sure?");
    dialog.querySelector("[data-dialog-text]").textContent = form.getAttribute("data-confirm");
    dialog.querySelector("[data-dialog-yes]").textContent = text("data-confirm-yes", "Yes");
    dialog.querySelector("[data-dialog-no]").textContent = text("data-confirm-no", "No, go back");
    dialog.returnValue = "";
    dialog.showModal();
    dialog.querySelector("[data-dialog-no]").focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question || form.getAttribute("data-confirmed") === "yes") return;
    if (!dialog || typeof dialog.showModal !== "function") {
      if (!window.confirm(question)) event.preventDefault();
      return;
    }
    event.preventDefault();
    ask(form, event.submitter);
  });

  if (dialog) {
    dialog.querySelector("[data-dialog-yes]").addEventListener("click", function () {
      var form = pendingForm;
      var button = opener;
      pendingForm = null;
      dialog.close("yes");
      if (!form) return;
      form.setAttribute("data-confirmed", "yes");
      if (typeof form.requestSubmit === "function" && button && button.form === form) form.requestSubmit(button);
      else form.submit();
    });
    dialog.querySelector("[data-dialog-no]").addEventListener("click", function () { dialog.close("no"); });
    // "close" comes a moment after the dialog closed: if it has been opened again since, leave it be.
    dialog.addEventListener("close", function () {
      if (dialog.open) return;
      if (dialog.returnValue !== "yes" && opener && typeof opener.focus === "function") opener.focus();
    });
  }

  // --- Form errors ----------------------------------------------------------------------------------------
  // A form sent back with errors: the focus goes to its error summary (role="alert"), which links to each
  // field; following a link puts the focus in that field.
  // (Again once loaded: a page opened at a #fragment, like the add-slot form, loses the focus to its scroll.)
  var summary = document.querySelector("[data-error-summary]");
  var focusSummary = function () {
    if (summary && (document.activeElement === document.body || !document.activeElement)) summary.focus();
  };
  if (summary) {
    summary.focus();
    window.addEventListener("load", function () { window.setTimeout(focusSummary, 0); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); }
  });
})();
