// Behaviour shared by every page, kept out of inline handlers so the Content-Security-Policy
// can forbid them: a <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
