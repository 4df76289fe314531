// Adds a "Copy" button to every share box (progressive enhancement: without JavaScript the
// whole link is still there to select). Loaded with `defer` from 'self', as the CSP requires.
(function () {
  "use strict";
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var done = document.execCommand("copy");
      document.body.removeChild(area);
      if (done) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }
  document.querySelectorAll("[data-share-link]").forEach(function (box) {
    var link = box.querySelector(".share-link");
    var status = box.querySelector(".share-status");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary share-copy";
    button.textContent = box.getAttribute("data-copy-label");
    button.addEventListener("click", function () {
      copy(link.textContent.trim()).then(function () {
        status.textContent = box.getAttribute("data-copied-label");
      }, function () {
        status.textContent = box.getAttribute("data-failed-label");
      });
    });
    box.querySelector(".share-actions").prepend(button);
  });
})();
