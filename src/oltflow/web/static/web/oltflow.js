// oltflow dashboard: refresh the live parts of a page without reloading it.
//
// An element with data-refresh-url="..." is replaced every data-refresh-seconds (default 5)
// by the HTML fragment that URL returns. Refreshing pauses while the tab is hidden and stops
// when the session has ended (the server answers with the sign-in page instead).
(function () {
  "use strict";

  function refresh(element) {
    var url = element.getAttribute("data-refresh-url");
    var seconds = parseFloat(element.getAttribute("data-refresh-seconds") || "5");
    var timer = null;

    function schedule() {
      timer = window.setTimeout(load, seconds * 1000);
    }

    function load() {
      if (document.hidden) {
        schedule();
        return;
      }
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          if (!response.ok || response.redirected) {
            element.setAttribute("data-refresh-stopped", String(response.status));
            return null;
          }
          return response.text();
        })
        .then(function (html) {
          if (html === null) {
            return;
          }
          element.innerHTML = html;
          element.setAttribute("data-refreshed-at", new Date().toISOString());
          schedule();
        })
        .catch(function () {
          // The server is restarting or the network dropped: try again later.
          schedule();
        });
    }

    schedule();
    return function () {
      window.clearTimeout(timer);
    };
  }

  function autosubmit(select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh-url]").forEach(refresh);
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
  });
})();
