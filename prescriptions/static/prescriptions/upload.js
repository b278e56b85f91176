// Prescription upload forms: say "too large" before sending a file the server would refuse (413).
// The server still checks everything; this only saves the doctor a long wait.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var max = Number(form.getAttribute("data-max-bytes"));
  var input = form.querySelector('input[type="file"]');
  if (!max || !input || !input.files || !input.files[0] || input.files[0].size <= max) return;
  event.preventDefault();
  var note = form.querySelector("[data-size-error]");
  if (note) { note.hidden = false; note.focus(); }
});
