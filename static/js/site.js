// Buttons marked data-print open the browser's print dialog (aftercare handouts).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
