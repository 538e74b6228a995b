// Checklist lines on the case page: "not applicable" needs a reason, so ask for it before the round trip.
// Without JavaScript the server says the same (progressive enhancement).
document.addEventListener("click", function (event) {
  var button = event.target.closest("form.tick-form button[value=na]");
  if (!button) return;
  var form = button.form, note = form.querySelector("input.tick-note");
  if (note && !note.value.trim()) {
    event.preventDefault();
    form.classList.add("needs-note");
    note.placeholder = form.dataset.reasonPrompt || note.placeholder;
    note.focus();
  }
});
