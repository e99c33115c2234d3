// Behaviour shared by every page, kept out of inline handlers so the Content-Security-Policy
// can forbid them. Delegated from the document, so it also works in fragments htmx swaps in:
// - <select data-autosubmit> submits its form when changed;
// - <select data-clears="NAME"> empties its form's field NAME when changed (pick one of two filters);
// - <select data-shows="ID" data-shows-when="VALUE"> shows element ID only while VALUE is chosen.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches("select")) {
    return;
  }
  if (select.matches("[data-autosubmit]")) {
    select.form.submit();
  }
  if (select.dataset.clears) {
    select.form.elements[select.dataset.clears].value = "";
  }
  if (select.dataset.shows) {
    document.getElementById(select.dataset.shows).hidden = select.value !== select.dataset.showsWhen;
  }
});
