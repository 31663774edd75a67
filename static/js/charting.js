// The needled sites of the chart form (templates/treatments/visit_chart.html): "Add a site"
// adds a row here rather than posting the form, and a muscle from the clinic's list offers the
// paraspinal sites at its spinal levels, one click each. Without this file the form still
// works: "Add a site" posts it back with one more row, and every field is typed or chosen.
(() => {
  "use strict";

  const block = document.querySelector("[data-needled-sites]");
  const data = document.getElementById("muscle-levels");
  if (!block || !data) {
    return;
  }
  const { paraspinal, muscles } = JSON.parse(data.textContent);
  const rows = block.querySelector("[data-site-rows]");
  const template = block.querySelector("[data-site-template]");
  const total = block.querySelector("input[name='sites-TOTAL_FORMS']");
  const addButton = block.querySelector("[data-add-site]");
  const limit = block.querySelector("[data-sites-limit]");
  // The page's words are in the template, with the rest of its text.
  const most = Number(block.dataset.mostSites);

  const field = (row, name) => row.querySelector(`[name$='-${name}']`);
  const choose = (select, value) => {
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  };

  function refreshAddButton() {
    const full = Number(total.value) >= most;
    addButton.disabled = full;
    limit.textContent = full ? block.dataset.fullText : block.dataset.roomText;
  }

  function addRow() {
    const index = Number(total.value);
    if (index >= most) {
      return null;
    }
    const html = template.innerHTML
      .replaceAll("__prefix__", String(index))
      .replaceAll("__number__", String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    refreshAddButton();
    const row = rows.lastElementChild;
    offerParaspinalSites(row);
    return row;
  }

  // The buttons under a row whose muscle is on the list: one per spinal level of the muscle.
  function offerParaspinalSites(row) {
    const offer = row.querySelector("[data-paraspinal-offer]");
    const muscle = muscles[field(row, "muscle").value.trim().toLowerCase()];
    const siteType = field(row, "site_type").value;
    // Rebuilt only when the row changed: a "change" fired as the muscle field loses focus to
    // one of these buttons must not replace the button being clicked.
    const key = [field(row, "muscle").value, field(row, "side").value, siteType].join("|");
    if (offer.dataset.key === key) {
      return;
    }
    offer.dataset.key = key;
    offer.replaceChildren();
    offer.hidden = true;
    if (!muscle || !paraspinal || !muscle.levels.length || siteType === "paraspinal") {
      return;
    }
    const taken = takenParaspinalLevels();
    offer.append(`${block.dataset.offerText} `);
    for (const level of muscle.levels) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-outline-secondary btn-sm me-1 mb-1";
      button.textContent = `${block.dataset.levelText} ${level}`;
      button.dataset.level = level;
      button.disabled = taken.has(`${field(row, "side").value}|${level}`);
      offer.append(button);
    }
    offer.hidden = false;
  }

  function takenParaspinalLevels() {
    const taken = new Set();
    for (const row of rows.querySelectorAll("[data-site-row]")) {
      if (field(row, "site_type").value === "paraspinal") {
        taken.add(`${field(row, "side").value}|${field(row, "spinal_segment").value}`);
      }
    }
    return taken;
  }

  function addParaspinalSite(fromRow, button) {
    const row = addRow();
    if (!row) {
      return;
    }
    field(row, "muscle").value = paraspinal;
    choose(field(row, "side"), field(fromRow, "side").value);
    choose(field(row, "site_type"), "paraspinal");
    choose(field(row, "spinal_segment"), button.dataset.level);
    button.disabled = true;
    field(row, "response").focus();
  }

  addButton.addEventListener("click", (event) => {
    event.preventDefault();
    const row = addRow();
    if (row) {
      field(row, "muscle").focus();
    }
  });

  rows.addEventListener("click", (event) => {
    const button = event.target.closest("[data-paraspinal-offer] button");
    if (button) {
      addParaspinalSite(button.closest("[data-site-row]"), button);
    }
  });

  // A removed row is greyed out, and still posted with its box ticked, so that the page's
  // numbering and a saved site's removal both stay as the server expects.
  rows.addEventListener("change", (event) => {
    const row = event.target.closest("[data-site-row]");
    if (!row) {
      return;
    }
    if (event.target.name.endsWith("-DELETE")) {
      row.classList.toggle("site-removed", event.target.checked);
    } else if (/-(muscle|side|site_type)$/.test(event.target.name)) {
      offerParaspinalSites(row);
    }
  });

  // A muscle picked from the list is an "input", not a "change", until the field is left.
  rows.addEventListener("input", (event) => {
    if (event.target.name && event.target.name.endsWith("-muscle")) {
      offerParaspinalSites(event.target.closest("[data-site-row]"));
    }
  });

  for (const row of rows.querySelectorAll("[data-site-row]")) {
    offerParaspinalSites(row);
    row.classList.toggle("site-removed", field(row, "DELETE").checked);
  }
  refreshAddButton();
})();
