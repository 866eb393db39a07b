// Storyline web UI: citation popovers and the upload form. No dependencies, no build step.
// Everything shown from server data is set with textContent, never as HTML.
"use strict";

(function () {
  const noHover = window.matchMedia("(hover: none)").matches;

  // --- citation popovers: CSS shows them on hover/focus; this keeps them on screen ---
  function place(wrap) {
    const pop = wrap.querySelector(".pop");
    if (!pop) return;
    pop.style.marginLeft = "";
    if (window.innerWidth <= 600) return; // a bottom sheet on phones (see app.css)
    const box = pop.getBoundingClientRect();
    const room = document.documentElement.clientWidth - 12;
    if (box.right > room) pop.style.marginLeft = (room - box.right) + "px";
    else if (box.left < 12) pop.style.marginLeft = (12 - box.left) + "px";
  }

  function closeAll(except) {
    document.querySelectorAll(".cite-wrap.open").forEach(function (w) {
      if (w !== except) w.classList.remove("open");
    });
  }

  document.querySelectorAll(".cite-wrap").forEach(function (wrap) {
    wrap.addEventListener("mouseenter", function () { place(wrap); });
    wrap.addEventListener("focusin", function () { place(wrap); });
    const link = wrap.querySelector("a.cite");
    // On touch screens the first tap shows the source sentence, the second follows it.
    link.addEventListener("click", function (event) {
      if (noHover && !wrap.classList.contains("open")) {
        event.preventDefault();
        closeAll(wrap);
        wrap.classList.add("open");
        place(wrap);
      }
    });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".cite-wrap")) closeAll(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      closeAll(null);
      const active = document.activeElement;
      if (active && active.classList.contains("cite")) active.blur();
    }
  });

  // --- upload: the token goes in the Authorization header, so the form posts by fetch ---
  const form = document.getElementById("upload-form");
  const out = document.getElementById("upload-result");
  if (!form || !out) return;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    const a = el("a", text);
    a.href = href;
    return a;
  }

  function showError(status, message) {
    out.replaceChildren();
    out.className = "card upload-result upload-error";
    out.appendChild(el("h2", "Upload refused (" + status + ")"));
    out.appendChild(el("p", message, "error-message"));
    if (status === 401) out.appendChild(el("p", "Check the write token and try again.", "hint"));
    out.hidden = false;
  }

  function showResult(data) {
    out.replaceChildren();
    out.className = "card upload-result upload-ok";
    const added = data.added || 0;
    out.appendChild(el("h2", "Stored " + added + (added === 1 ? " new article" : " new articles")));
    const facts = el("p", "");
    facts.textContent = (data.already_stored || 0) + " already stored, " +
      (data.quarantined || []).length + " quarantined.";
    out.appendChild(facts);
    if ((data.article_ids || []).length) {
      out.appendChild(el("h3", "Articles"));
      const list = el("ul", undefined, "result-list");
      data.article_ids.forEach(function (id) {
        const li = el("li");
        li.appendChild(link("/articles/" + encodeURIComponent(id), id));
        list.appendChild(li);
      });
      out.appendChild(list);
    }
    if ((data.story_ids || []).length) {
      out.appendChild(el("h3", "Stories"));
      const list = el("ul", undefined, "result-list");
      data.story_ids.forEach(function (id) {
        const li = el("li");
        li.appendChild(link("/stories/" + encodeURIComponent(id), "Story " + id));
        list.appendChild(li);
      });
      out.appendChild(list);
    }
    (data.quarantined || []).forEach(function (q) {
      out.appendChild(el("p", q.source + ": " + q.error, "warn-line"));
    });
    (data.warnings || []).forEach(function (w) { out.appendChild(el("p", w, "warn-line")); });
    const raw = el("details");
    raw.appendChild(el("summary", "JSON response"));
    raw.appendChild(el("pre", JSON.stringify({ data: data }, null, 2)));
    out.appendChild(raw);
    out.hidden = false;
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const button = document.getElementById("upload-button");
    const token = document.getElementById("upload-token").value.trim();
    const files = document.getElementById("upload-file").files;
    const body = new FormData();
    for (const file of files) body.append("file", file, file.name);
    const headers = token ? { Authorization: "Bearer " + token } : {};
    button.disabled = true;
    button.textContent = "Uploading…";
    try {
      const response = await fetch("/api/v1/ingest", { method: "POST", headers: headers, body: body });
      let payload = null;
      try { payload = await response.json(); } catch (e) { payload = null; }
      if (response.ok && payload && payload.data) showResult(payload.data);
      else {
        const message = payload && payload.error ? payload.error.message : response.statusText;
        showError(response.status, message || "the server refused the upload");
      }
    } catch (e) {
      showError("network", "could not reach the server: " + e.message);
    } finally {
      button.disabled = false;
      button.textContent = "Upload";
      out.scrollIntoView({ block: "nearest" });
    }
  });
})();
