// "Quay lại để sửa": go back in history, where the browser keeps what was typed in the form.
(function () {
  "use strict";
  var link = document.querySelector("a[data-back]");
  if (link && history.length > 1) {
    link.addEventListener("click", function (event) { event.preventDefault(); history.back(); });
  }
})();
