/*
 * kotae staff console: search as you type over /api/search, keyboard navigation,
 * the full official answer with a copy button, the hotline always visible.
 * Snippets arrive as server-escaped HTML whose only markup is <mark>; they are
 * checked for exactly that before being shown, and shown as text otherwise.
 */
(function () {
  "use strict";
  var q = document.getElementById("q");
  var category = document.getElementById("category");
  var results = document.getElementById("results");
  var status = document.getElementById("status");
  var detail = document.getElementById("detail");
  var copy = document.getElementById("copy");
  var copyStatus = document.getElementById("copy-status");
  var hits = [];
  var selected = -1;
  var timer = null;
  var generation = 0;

  function getJson(url) {
    return fetch(url).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error(body && body.error ? body.error.message : "HTTP " + response.status); }
        return body;
      });
    });
  }

  getJson("/api/faq").then(function (faq) {
    var hotline = document.getElementById("hotline");
    if (faq.hotline) {
      hotline.textContent = "お問い合わせ窓口: " + faq.hotline.phone + "（" + faq.hotline.hours + "）";
    } else {
      hotline.textContent = "";
    }
    var seen = {};
    faq.entries.forEach(function (entry) {
      if (entry.category && !seen[entry.category]) {
        seen[entry.category] = true;
        var option = document.createElement("option");
        option.value = option.textContent = entry.category;
        category.appendChild(option);
      }
    });
  }, function () {
    document.getElementById("hotline").textContent = "FAQを読み込めませんでした。";
  });

  /* Server snippets: escaped text plus <mark>. Anything else is shown as text. */
  function setSnippet(node, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var safe = Array.prototype.every.call(template.content.childNodes, function (child) {
      return child.nodeType === Node.TEXT_NODE ||
        (child.nodeName === "MARK" && child.childNodes.length <= 1 &&
         Array.prototype.every.call(child.childNodes, function (c) { return c.nodeType === Node.TEXT_NODE; }));
    });
    if (safe) {
      node.appendChild(template.content);
    } else {
      node.textContent = template.content.textContent;
    }
  }

  function select(index) {
    var items = results.children;
    if (!items.length) { selected = -1; return; }
    selected = (index + items.length) % items.length;
    Array.prototype.forEach.call(items, function (item, i) {
      item.setAttribute("aria-selected", i === selected ? "true" : "false");
      item.classList.toggle("selected", i === selected);
    });
    q.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function open(index) {
    var hit = hits[index];
    if (!hit) { return; }
    select(index);
    document.getElementById("detail-category").textContent = hit.category;
    document.getElementById("detail-question").textContent = hit.question;
    document.getElementById("detail-answer").textContent = hit.answer;
    copyStatus.textContent = "";
    detail.hidden = false;
  }

  function render(list) {
    hits = list;
    selected = -1;
    results.textContent = "";
    q.removeAttribute("aria-activedescendant");
    list.forEach(function (hit, i) {
      var item = document.createElement("li");
      item.id = "result-" + i;
      item.className = "result";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var question = document.createElement("span");
      question.className = "result-question";
      question.textContent = hit.question;
      var badge = document.createElement("span");
      badge.className = "result-category";
      badge.textContent = hit.category;
      var snippet = document.createElement("span");
      snippet.className = "result-snippet";
      setSnippet(snippet, hit.snippet);
      item.appendChild(question);
      item.appendChild(badge);
      item.appendChild(snippet);
      item.addEventListener("click", function () { open(i); });
      results.appendChild(item);
    });
    status.textContent = list.length ? list.length + "件" : "該当する回答はありません";
    if (list.length) { select(0); }
  }

  function search() {
    var text = q.value.trim();
    var mine = ++generation;
    if (!text) { render([]); status.textContent = ""; return; }
    var url = "/api/search?limit=20&q=" + encodeURIComponent(text) +
      (category.value ? "&category=" + encodeURIComponent(category.value) : "");
    getJson(url).then(function (body) {
      if (mine === generation) { render(body.results); }
    }, function (error) {
      if (mine === generation) { status.textContent = "検索できませんでした: " + error.message; }
    });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  }

  q.addEventListener("input", later);
  category.addEventListener("change", search);
  q.addEventListener("keydown", function (event) {
    if (event.isComposing || event.keyCode === 229) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); select(selected + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); select(selected - 1); }
    else if (event.key === "Enter") { event.preventDefault(); if (selected >= 0) { open(selected); } }
  });

  copy.addEventListener("click", function () {
    var text = document.getElementById("detail-answer").textContent;
    var done = function () { copyStatus.textContent = "コピーしました"; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { copyStatus.textContent = "コピーできませんでした"; });
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
  });
})();
