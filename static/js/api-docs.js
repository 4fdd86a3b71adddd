// What Swagger UI leaves out for assistive technology (WCAG 2.1 AA, checked with axe): a name for
// the list boxes of a parameter's values, and keyboard access to its scrollable code blocks. Swagger
// UI redraws as it is used, so every redraw is patched.
"use strict";
(function () {
  const patch = (root) => {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach((select) => {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    root.querySelectorAll("pre.microlight:not([tabindex]), .example pre:not([tabindex])").forEach((block) => {
      block.setAttribute("tabindex", "0");
    });
  };
  const root = document.getElementById("swagger-ui");
  new MutationObserver(() => patch(root)).observe(root, { childList: true, subtree: true });
})();
