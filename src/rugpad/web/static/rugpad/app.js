/* rugpad: the few behaviours of the pages that are not htmx. The Content-Security-Policy allows no inline script
   and no on…="…" attributes, so markup names the behaviour with a data attribute and this file attaches it:
     <select data-autosubmit>            submits its form when a choice is made (the language switch)
     <button data-print>                 opens the browser's print dialogue
     <input data-select-on-focus>        selects its whole text when focused (a link to copy)
     <button data-copy="ID">             copies the value of the element with that id to the clipboard
   Listeners sit on the document, so markup swapped in by htmx behaves the same. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    var copy = event.target.closest("[data-copy]");
    var source = copy && document.getElementById(copy.getAttribute("data-copy"));
    if (source && navigator.clipboard) navigator.clipboard.writeText(source.value);
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) event.target.select();
  });
})();
