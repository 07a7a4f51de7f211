// Starts Swagger UI on /api/v1/docs from the settings in #swagger-ui's data-settings
// (a static file, because the Content-Security-Policy forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  var config = JSON.parse(root.dataset.settings);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  config.layout = "BaseLayout";
  window.SwaggerUIBundle(config);
});
