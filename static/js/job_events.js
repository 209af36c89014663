// Live job status for the posts page: one websocket per page, reconnecting with the last
// event id it saw so nothing is missed (the server replays stored events after that id).
(function () {
  "use strict";
  var table = document.getElementById("posts");
  if (!table) return;
  var brand = table.dataset.brand;
  var lastEvent = parseInt(table.dataset.lastEvent || "0", 10);
  var state = document.getElementById("live-state");
  var delay = 1000;

  function apply(event) {
    var row = document.querySelector('[data-job-id="' + event.job_id + '"]');
    if (!row) return; // a post created after the page loaded: shown on the next load
    row.querySelector(".job-status").textContent = event.status;
    var link = row.querySelector(".job-permalink");
    if (event.permalink) { link.href = event.permalink; link.hidden = false; }
    row.querySelector(".job-error").textContent = event.error ? event.error.message : "";
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(
      scheme + location.host + "/ws/brands/" + brand + "/jobs/?last_event_id=" + lastEvent
    );
    socket.onopen = function () { state.textContent = "connected"; delay = 1000; };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.event_id <= lastEvent) return;
      lastEvent = event.event_id;
      apply(event);
    };
    socket.onclose = function () {
      state.textContent = "reconnecting…";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }
  connect();
})();
