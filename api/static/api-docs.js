// /docs: starts Swagger UI (from /vendor/swagger-ui, the swagger-ui-dist npm package)
// on the server's OpenAPI document. A static file, so the page needs no inline script.
// The listing rendered on the server is hidden once Swagger UI has drawn the routes, and
// stays when it cannot (no script, or the document failed to load).
(function () {
  "use strict";
  var host = document.getElementById("swagger-ui");
  if (!host || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var listing = document.getElementById("api-docs-list");
  var loading = document.getElementById("swagger-ui-loading");
  window.nhskgApiDocs = window.SwaggerUIBundle({
    url: host.dataset.openapi,
    domNode: host,
    deepLinking: false, // its links sit inside the operation buttons (nested controls)
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    validatorUrl: null, // never ask validator.swagger.io (the page works offline)
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    onComplete: function () {
      if (loading) {
        loading.remove();
      }
      if (listing && host.querySelector(".opblock")) {
        listing.hidden = true;
      }
    },
  });
})();
