// "Quay lại để sửa": back to the page of the form (pages are no-store, so it is loaded again, not restored).
(function () {
  "use strict";
  var link = document.querySelector("a[data-back]");
  if (link && history.length > 1) {
    link.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  }
})();
