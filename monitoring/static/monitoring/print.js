// The report's print button (no inline onclick: the Content-Security-Policy forbids it).
document.querySelectorAll("[data-lotse-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
