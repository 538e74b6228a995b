// New-case page: import a saved email by dropping it on the box or choosing it; the form then opens prefilled.
(function () {
  var box = document.getElementById("eml-import");
  if (!box) return;
  var input = document.getElementById("eml");
  input.addEventListener("change", function () {
    if (input.files.length) box.submit();
  });
  ["dragenter", "dragover"].forEach(function (name) {
    box.addEventListener(name, function (event) {
      event.preventDefault();
      box.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    box.addEventListener(name, function () { box.classList.remove("over"); });
  });
  box.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    box.submit();
  });
})();
