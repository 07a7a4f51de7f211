// Starts Swagger UI on /api/v1/docs from the settings in #swagger-ui's data-settings
// (a static file, because the Content-Security-Policy forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  var config = JSON.parse(root.dataset.settings);

  // Swagger UI's title is an h1 and its groups h3: a heading between them keeps the
  // outline without a gap (axe-core heading-order).
  // And the API's description gets a landmark of its own (axe-core region).
  function Landmarks() {
    return {
      wrapComponents: {
        InfoContainer: function (Original, system) {
          return function (props) {
            var h = system.React.createElement;
            return h("section", { "aria-label": root.dataset.infoLabel }, h(Original, props));
          };
        },
        operations: function (Original, system) {
          return function (props) {
            var h = system.React.createElement;
            return h("div", null,
              h("h2", { className: "almen-api-operations" }, root.dataset.operationsHeading),
              h(Original, props));
          };
        },
      },
    };
  }

  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  config.plugins = [Landmarks];
  config.layout = "BaseLayout";
  window.SwaggerUIBundle(config);
});
