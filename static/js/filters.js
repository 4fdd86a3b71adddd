// On a screen wide enough to show the filters beside the results, unfold them. Without this
// script they stay folded under their heading on every screen, one click away.
(function () {
  "use strict";
  if (window.matchMedia("(min-width: 56rem)").matches) {
    document.querySelectorAll("details.filter-toggle").forEach(function (details) {
      details.open = true;
    });
  }
})();
