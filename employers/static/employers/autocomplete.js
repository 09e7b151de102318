// ESCO autocomplete: a click (or Enter) on a suggestion writes its URI into the hidden field
// next to the search box and tells HTMX that the field changed.
document.addEventListener("click", pick);
document.addEventListener("keydown", (event) => { if (event.key === "Enter" && event.target.closest("[data-uri]")) pick(event); });

function pick(event) {
  const option = event.target.closest("[data-uri]");
  if (!option) return;
  event.preventDefault();
  const box = option.closest("[data-autocomplete]");
  if (!box) return;
  const hidden = box.querySelector("input[type=hidden]");
  const search = box.querySelector("input[type=text]");
  if (box.dataset.autocomplete === "multi") {
    const list = box.querySelector("[data-chosen]");
    if (!list.querySelector(`input[value="${CSS.escape(option.dataset.uri)}"]`)) {
      const item = document.createElement("li");
      item.textContent = option.dataset.label + " ";
      const input = document.createElement("input");
      Object.assign(input, { type: "hidden", name: box.dataset.name, value: option.dataset.uri });
      item.appendChild(input);
      list.appendChild(item);
    }
    search.value = "";
  } else {
    hidden.value = option.dataset.uri;
    search.value = option.dataset.label;
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }
  option.closest("ul").remove();
}
