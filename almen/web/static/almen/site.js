// Starts Det Fælles Designsystem's components once the page has loaded, and adds the
// little Almen needs around them (no inline scripts: the CSP allows our own files only).
(function () {
  "use strict";

  // Tables scroll inside their own container instead of widening the page. A container
  // that really scrolls is keyboard-reachable and named after its table, so a keyboard
  // user can scroll it and a screen reader says what it is.
  function wrapTables(root) {
    var tables = (root || document).querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var wrap = table.parentElement;
      if (!wrap.classList.contains("almen-table-wrap")) {
        wrap = document.createElement("div");
        wrap.className = "almen-table-wrap";
        table.parentNode.insertBefore(wrap, table);
        wrap.appendChild(table);
      }
      var caption = table.querySelector("caption");
      var label = wrap.getAttribute("data-label") || (caption && caption.textContent.trim()) || document.title;
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label);
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  // DKFDS opens the mobile drawer by a class on <body>; the menu button says whether
  // its drawer is open (aria-expanded), as a disclosure button should.
  function followDrawer() {
    var opener = document.querySelector(".js-menu-open");
    if (!opener || !window.MutationObserver) {
      return;
    }
    new MutationObserver(function () {
      var open = document.body.classList.contains("mobile-nav-active");
      opener.setAttribute("aria-expanded", open ? "true" : "false");
    }).observe(document.body, { attributes: true, attributeFilter: ["class"] });
  }

  // A form marked data-submit-once is sent once: the second submit of a double click is
  // dropped (a vote's receipt is shown only in the answer to the first, and the server
  // refuses the twin). Not by disabling the button, whose name and value must be sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.getAttribute("data-submitted") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "true");
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    var sent = document.querySelectorAll("form[data-submitted]");
    for (var i = 0; i < sent.length; i++) {
      sent[i].removeAttribute("data-submitted");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (window.DKFDS && typeof window.DKFDS.init === "function") {
      window.DKFDS.init();
    }
    // DKFDS writes its overflow menu's button as "Mere" whatever the language.
    var more = document.querySelector(".more-button span");
    if (more && document.body.getAttribute("data-more-label")) {
      more.textContent = document.body.getAttribute("data-more-label");
    }
    followDrawer();
    wrapTables();
    var resizing;
    window.addEventListener("resize", function () {
      clearTimeout(resizing);
      resizing = setTimeout(function () { wrapTables(); }, 100);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      wrapTables(event.target);
    });
  });
})();
