// The post composer, live: while the user types, ask the validate API (session + CSRF) for each
// selected platform's count (X weighted, as the server counts it) and the findings; apply an
// auto-fix in place; show the Google fields only with a Google target; read an upload's pixel
// size. Without this script the page still works: Check re-renders it with the findings.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) return;
  var validateUrl = form.dataset.validateUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var text = document.getElementById("id_text");
  var counts = document.getElementById("counts");
  var live = document.getElementById("live-findings");
  var google = document.getElementById("google");
  var names = {};
  var timer = null;
  var sequence = 0;

  form.querySelectorAll(".platform-group").forEach(function (group) {
    names[group.dataset.platform] = group.querySelector("legend").textContent;
  });

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function platforms() {
    var found = [];
    form.querySelectorAll("input[name=targets]:checked").forEach(function (box) {
      if (found.indexOf(box.dataset.platform) < 0) found.push(box.dataset.platform);
    });
    return found;
  }

  function overrides() {
    var found = {};
    form.querySelectorAll("textarea[data-platform]").forEach(function (box) {
      if (box.value.trim()) found[box.dataset.platform] = box.value.trim();
    });
    return found;
  }

  function media() {
    var found = [];
    form.querySelectorAll("#attached li").forEach(function (item) {
      if (!item.querySelector("input[name=media]").checked) return;
      var d = item.dataset;
      var number = function (v) { return v ? Number(v) : null; };
      found.push({
        type: d.mime === "image/gif" ? "gif" : d.kind,
        mime: d.mime, width: number(d.width), height: number(d.height),
        size_bytes: number(d.size), duration_s: number(d.duration)
      });
    });
    return found;
  }

  function payload(only, autofix) {
    var link = form.querySelector("input[name=link]").value.trim();
    // Trimmed as the form and the API store it, so the count is that of what goes out.
    return {
      text: text.value.trim(),
      platforms: only || platforms(),
      media: media(),
      link: /^https?:\/\/\S+\.\S+/.test(link) ? link : null,
      text_overrides: overrides(),
      thread: form.querySelector("input[name=x_thread]").checked,
      autofix: !!autofix
    };
  }

  function ask(body) {
    return fetch(validateUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("validate answered " + response.status);
      return response.json();
    });
  }

  function showCounts(report) {
    counts.textContent = "";
    Object.keys(report.platforms).forEach(function (slug) {
      var r = report.platforms[slug];
      var over = r.findings.some(function (f) {
        return f.rule === "text_length" && f.severity === "error";
      });
      var chip = el("span", "count" + (over ? " over" : ""));
      chip.dataset.platform = slug;
      chip.appendChild(document.createTextNode((names[slug] || slug) + " "));
      chip.appendChild(el("strong", "", String(r.length)));
      chip.appendChild(document.createTextNode("/" + r.max_length));
      counts.appendChild(chip);
    });
  }

  function showFindings(report) {
    // Live findings replace the ones the server rendered for the last Check.
    form.querySelectorAll(".server-findings, #autofix-buttons").forEach(function (node) {
      node.hidden = true;
    });
    live.textContent = "";
    var merged = {};
    var order = [];
    var fixable = [];
    Object.keys(report.platforms).forEach(function (slug) {
      var r = report.platforms[slug];
      if (!r.ok || r.findings.some(function (f) { return f.severity !== "warning"; })) {
        fixable.push(slug);
      }
      r.findings.forEach(function (f) {
        var key = [f.rule, f.severity, f.message, f.field].join("|");
        if (!merged[key]) { merged[key] = { finding: f, platforms: [] }; order.push(key); }
        merged[key].platforms.push(names[slug] || slug);
      });
    });
    if (order.length) {
      var list = el("ul", "findings live");
      order.forEach(function (key) {
        var f = merged[key].finding;
        var item = el("li", "finding " + f.severity);
        item.dataset.rule = f.rule;
        var badge = f.severity === "error" ? "err" : f.severity === "review" ? "warn" : "";
        item.appendChild(el("span", "badge " + badge, f.severity));
        var where = f.field === "text" ? "" : " [" + f.field + "]";
        item.appendChild(document.createTextNode(" " + f.message + where + " "));
        if (f.suggestion) item.appendChild(el("span", "muted", "— " + f.suggestion + " "));
        item.appendChild(el("span", "muted small", "(" + merged[key].platforms.join(", ") + ")"));
        list.appendChild(item);
      });
      live.appendChild(list);
    }
    if (fixable.length) {
      var buttons = el("p", "autofix", "Auto-fix: ");
      fixable.forEach(function (slug) {
        var button = el("button", "secondary small-btn", "Fix for " + (names[slug] || slug));
        button.type = "button";
        button.dataset.autofix = slug;
        buttons.appendChild(button);
      });
      live.appendChild(buttons);
    }
  }

  function check() {
    var chosen = platforms();
    if (!chosen.length) {
      counts.textContent = "";
      counts.appendChild(el("span", "muted small", "Pick accounts to see each platform's count."));
      live.textContent = "";
      return;
    }
    var mine = ++sequence;
    ask(payload(chosen, false)).then(function (report) {
      if (mine !== sequence) return;  // an older answer arriving late
      showCounts(report);
      showFindings(report);
    }).catch(function () { /* the Check button still works */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  }

  function autofix(slug) {
    ask(payload([slug], true)).then(function (report) {
      var fixed = report.platforms[slug].fixed_text;
      if (fixed === null || fixed === undefined) return;
      var own = form.querySelector('textarea[data-platform="' + slug + '"]');
      var box = own && own.value.trim() ? own : text;
      box.value = fixed;
      check();
    }).catch(function () {});
  }

  function toggleGoogle() {
    // Kept visible while it shows an error, so nothing refused is out of sight.
    var on = platforms().indexOf("google_business") >= 0 || !!google.querySelector(".errorlist");
    google.hidden = !on;
    var kind = form.querySelector("select[name=google_post_type]").value;
    google.querySelector(".google-event").hidden = kind === "STANDARD";
    google.querySelector(".google-offer").hidden = kind !== "OFFER";
    google.querySelector(".google-cta").hidden = kind === "OFFER";
  }

  function readSize(input) {
    var file = input.files && input.files[0];
    var width = form.querySelector("input[name=width]");
    var height = form.querySelector("input[name=height]");
    var duration = form.querySelector("input[name=duration_s]");
    var preview = document.getElementById("upload-preview");
    width.value = height.value = duration.value = "";
    preview.hidden = true;
    if (!file) return;
    var url = URL.createObjectURL(file);
    if (file.type.indexOf("image/") === 0) {
      preview.onload = function () {
        width.value = preview.naturalWidth;
        height.value = preview.naturalHeight;
      };
      preview.src = url;
      preview.hidden = false;
    } else if (file.type.indexOf("video/") === 0) {
      var video = document.createElement("video");
      video.preload = "metadata";
      video.onloadedmetadata = function () {
        width.value = video.videoWidth || "";
        height.value = video.videoHeight || "";
        duration.value = isFinite(video.duration) ? video.duration : "";
      };
      video.src = url;
    }
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("textarea, input[name=link]")) later();
  });
  form.addEventListener("change", function (event) {
    var t = event.target;
    if (t.name === "targets") { toggleGoogle(); later(); }
    else if (t.name === "x_thread" || t.name === "media") later();
    else if (t.name === "google_post_type") toggleGoogle();
    else if (t.name === "upload") readSize(t);
  });
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-autofix]");
    if (!button) return;
    event.preventDefault();
    autofix(button.dataset.autofix);
  });

  toggleGoogle();
  if (platforms().length && !counts.querySelector(".count")) check();
})();
