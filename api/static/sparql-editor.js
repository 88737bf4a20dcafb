// The SPARQL editor: CodeMirror 5 with its SPARQL mode over the page's textarea (the
// form still submits the textarea, which CodeMirror keeps up to date). Ctrl+Enter (or
// Cmd+Enter) runs the query.
(function () {
  "use strict";
  var area = document.getElementById("sparql-text");
  if (!area || typeof window.CodeMirror !== "function") return;
  var form = area.form;
  var run = function () {
    editor.save();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  };
  var editor = window.CodeMirror.fromTextArea(area, {
    mode: "application/sparql-query",
    lineNumbers: true,
    matchBrackets: true,
    indentUnit: 2,
    lineWrapping: false,
    viewportMargin: Infinity,
    screenReaderLabel: "SPARQL query",
    extraKeys: { "Ctrl-Enter": run, "Cmd-Enter": run, Tab: false, "Shift-Tab": false }
  });
  document.querySelector('label[for="sparql-text"]').addEventListener("click", function () {
    editor.focus();
  });
  // "Examples" opens the list it jumps to (closed under an answer).
  var examples = document.getElementById("examples");
  var jump = document.querySelector("a.to-examples");
  if (examples && jump) jump.addEventListener("click", function () { examples.open = true; });
  window.nhskgEditor = editor;
})();
