// Connection wizard: open the platform's consent page in a popup (falling back to a full-page
// redirect when the browser blocks popups) and refresh when the popup reports back.
(function () {
  "use strict";
  var form = document.querySelector("form[data-oauth-popup]");
  if (form) {
    var listUrl = form.getAttribute("data-list-url");
    form.addEventListener("submit", function () {
      var popup = window.open("", "brandpost_oauth", "width=600,height=720");
      if (popup) {
        form.target = "brandpost_oauth";
        form.querySelector("input[name=popup]").value = "1";
        document.getElementById("popup-status").hidden = false;
      } else {
        form.target = "_self";  // blocked: go there in this page instead
        form.querySelector("input[name=popup]").value = "0";
      }
    });
    window.addEventListener("message", function (event) {
      // Only our own callback page may talk to us.
      if (event.origin !== window.location.origin) return;
      if (!event.data || event.data.type !== "brandpost:oauth") return;
      var url = new URL(listUrl, window.location.origin);
      url.searchParams.set("oauth", event.data.outcome);
      window.location.assign(url.toString());
    });
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
})();
