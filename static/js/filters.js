/* On a phone the filters start folded (the first screen shows entries); a form with
 * errors stays open. Without this script the filters are simply open. */
(function () {
  "use strict";
  if (!window.matchMedia("(max-width: 40rem)").matches) { return; }
  document.querySelectorAll("details[data-collapse-narrow]").forEach(function (box) {
    if (!box.querySelector("[aria-invalid=true]")) { box.open = false; }
  });
})();
