// The export page's "Select all" box, attached here rather than by an inline onchange attribute,
// which the Content-Security-Policy refuses. onSelectToggleChange is django-import-export's own.
document.querySelectorAll(".select-toggle").forEach((toggle) => {
  toggle.addEventListener("change", onSelectToggleChange);
});
