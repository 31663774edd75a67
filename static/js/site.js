// Buttons marked data-print open the browser's print dialog (aftercare handouts).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// A box marked data-discloses="ID" shows the part of the form with that id only while ticked
// (a screening's precaution opens its decision and note). Without script every part shows;
// a part marked data-keep-open (something written in it, or an error) stays open.
for (const box of document.querySelectorAll("[data-discloses]")) {
  const part = document.getElementById(box.dataset.discloses);
  if (part) {
    const update = () => {
      part.hidden = !box.checked && !part.hasAttribute("data-keep-open");
    };
    box.addEventListener("change", update);
    update();
  }
}
