// "Sao chép đường dẫn": copy the field named by data-copy; without the clipboard, select it for Ctrl+C.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById("copy-status");
  var say = function (text) { if (status) status.textContent = text; };
  var fallback = function () { field.focus(); field.select(); say("Đã chọn đường dẫn: nhấn Ctrl+C (hoặc giữ để sao chép trên điện thoại)."); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(function () { say("Đã sao chép đường dẫn lịch."); }, fallback);
  } else {
    fallback();
  }
});
