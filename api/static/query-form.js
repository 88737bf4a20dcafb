// The query pages: named query forms leave empty inputs out of the address on submit,
// so an answer's address holds only what was asked (/query/partners?organisation=RC1),
// short to share; an answer table wider than its box says it scrolls sideways.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("query-form")) return;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && !field.disabled) {
        field.disabled = true;
        // Back on this page (bfcache) the field must work again.
        window.setTimeout(function () { field.disabled = false; }, 0);
      }
    });
  });
  var cue = document.querySelector(".scroll-cue");
  var box = document.querySelector(".results");
  if (!cue || !box) return;
  var show = function () { cue.hidden = box.scrollWidth <= box.clientWidth + 1; };
  show();
  window.addEventListener("resize", show);
})();
