// Progressive enhancement only: every page works without JavaScript.
// Forms with data-confirm ask before submitting (cancel an appointment, remove a slot).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
