// The one behaviour htmx does not cover: a lab result's unit suggestions follow its test.
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-lab-test")) return;
  const row = select.closest("fieldset");
  const unit = row && row.querySelector('input[list^="units-"]');
  if (unit) unit.setAttribute("list", "units-" + select.value);
});
