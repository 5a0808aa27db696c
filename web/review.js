/*
 * kotae review console for FAQ editors: log in with a staff token (kept for this
 * tab only), see what members asked that kotae could not answer, grouped, with the
 * entries offered and their feedback, and add a member's phrasing as an alternate
 * of the right entry. Member text is inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var KEY = "kotae-staff-token";
  var login = document.getElementById("login");
  var tokenInput = document.getElementById("token");
  var status = document.getElementById("status");
  var who = document.getElementById("who");
  var review = document.getElementById("review");
  var groupsList = document.getElementById("groups");
  var editsList = document.getElementById("edits");
  var entries = [];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function call(path, options) {
    options = options || {};
    options.headers = options.headers || {};
    options.headers.Authorization = "Bearer " + sessionStorage.getItem(KEY);
    return fetch(path, options).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var error = new Error(body && body.error ? body.error.message : "HTTP " + response.status);
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function questionOf(id) {
    for (var i = 0; i < entries.length; i++) { if (entries[i].id === id) { return entries[i].question; } }
    return id;
  }

  function entryPicker(group) {
    var select = el("select", "review-entry");
    var offered = group.candidates.map(function (c) { return c[0]; });
    var ordered = offered.concat(entries.map(function (e) { return e.id; }).filter(function (id) {
      return offered.indexOf(id) < 0;
    }));
    ordered.forEach(function (id) {
      var option = el("option", null, questionOf(id));
      option.value = id;
      select.appendChild(option);
    });
    return select;
  }

  function addAlternate(entryId, phrasing, button) {
    button.disabled = true;
    status.textContent = "追加しています…";
    call("/api/staff/alternates", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ entry_id: entryId, phrasing: phrasing })
    }).then(function () {
      status.textContent = "「" + phrasing + "」を「" + questionOf(entryId) + "」の別の聞き方として追加し、FAQを再読み込みしました。";
      load();
    }, function (error) {
      status.textContent = "追加できませんでした: " + error.message;
      button.disabled = false;
    });
  }

  function showGroup(group, index) {
    var item = el("li", "review-group");
    item.appendChild(el("h2", "review-count", group.count + "回"));
    var votes = Object.keys(group.feedback).map(function (id) {
      var v = group.feedback[id];
      return questionOf(id) + " 👍" + v[0] + " 👎" + v[1];
    });
    if (votes.length) { item.appendChild(el("p", "review-votes", "提示した候補: " + votes.join(" / "))); }
    var examples = el("ul", "review-examples");
    group.examples.forEach(function (example, j) {
      var row = el("li", "review-example");
      var text = el("span", "review-text", example);
      var label = el("label", "visually-hidden", "追加先の質問");
      var select = entryPicker(group);
      select.id = "entry-" + index + "-" + j;
      label.htmlFor = select.id;
      var add = el("button", "review-add", "別の聞き方として追加");
      add.type = "button";
      add.addEventListener("click", function () { addAlternate(select.value, example, add); });
      row.appendChild(text);
      row.appendChild(label);
      row.appendChild(select);
      row.appendChild(add);
      examples.appendChild(row);
    });
    item.appendChild(examples);
    return item;
  }

  function load() {
    return call("/api/staff/review").then(function (body) {
      login.hidden = true;
      review.hidden = false;
      who.textContent = "ログイン中: " + body.staff;
      groupsList.textContent = "";
      body.groups.forEach(function (group, i) { groupsList.appendChild(showGroup(group, i)); });
      if (!body.groups.length) { groupsList.appendChild(el("li", null, "回答できなかった質問はありません。")); }
      call("/api/staff/dashboard").then(showDashboard, function (error) {
        status.textContent = "ダッシュボードを読み込めませんでした: " + error.message;
      });
      editsList.textContent = "";
      body.edits.forEach(function (edit) {
        editsList.appendChild(el("li", null, edit.at + " " + edit.who + ": 「" + edit.phrasing + "」→ " + questionOf(edit.entry_id)));
      });
    }, function (error) {
      if (error.status === 401) {
        sessionStorage.removeItem(KEY);
        login.hidden = false;
        review.hidden = true;
        status.textContent = "トークンが正しくありません。";
      } else {
        status.textContent = "読み込めませんでした: " + error.message;
      }
    });
  }

  /* The dashboard: charts drawn as SVG elements (no library, no markup strings). */
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = { answer: "#0b6e4f", clarify: "#f59e0b", fallback: "#d64545", smalltalk: "#9aa5b1" };
  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (k) { node.setAttribute(k, attributes[k]); });
    return node;
  }
  function text(x, y, content, anchor) {
    var node = svg("text", { x: x, y: y, "font-size": 12, "text-anchor": anchor || "start" });
    node.textContent = content;
    return node;
  }
  function dayChart(days) {
    var width = 640, height = 220, left = 40, bottom = 30, top = 10;
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": days.map(function (d) {
        return d.day + ": 回答" + d.answer + " 候補" + d.clarify + " 窓口" + d.fallback + " あいさつ" + d.smalltalk;
      }).join("、") || "データなし" });
    var max = Math.max.apply(null, [1].concat(days.map(function (d) { return d.answer + d.clarify + d.fallback + d.smalltalk; })));
    var band = (width - left) / Math.max(days.length, 1);
    chart.appendChild(text(left - 6, top + 10, String(max), "end"));
    ["answer", "clarify", "fallback", "smalltalk"].forEach(function (k, i) {
      chart.appendChild(svg("rect", { x: width - 110, y: top + i * 16, width: 10, height: 10, fill: COLORS[k] }));
      chart.appendChild(text(width - 95, top + i * 16 + 9, { answer: "回答", clarify: "候補提示", fallback: "窓口案内", smalltalk: "あいさつ" }[k]));
    });
    chart.appendChild(text(left - 6, height - bottom, "0", "end"));
    days.forEach(function (d, i) {
      var y = height - bottom;
      ["answer", "clarify", "fallback", "smalltalk"].forEach(function (k) {
        var h = (height - bottom - top) * d[k] / max;
        y -= h;
        var w = Math.min(band * 0.7, 48);
        chart.appendChild(svg("rect", { x: left + i * band + (band - w) / 2, y: y, width: w, height: h, fill: COLORS[k] }));
      });
      chart.appendChild(text(left + i * band + band / 2, height - 10, d.day.slice(5), "middle"));
    });
    return chart;
  }
  function unansweredChart(groups) {
    var row = 24, width = 640, height = Math.max(row * groups.length, row);
    var chart = svg("svg", { viewBox: "0 0 " + width + " " + height, role: "img",
      "aria-label": groups.map(function (g) { return g[1] + " " + g[0] + "回"; }).join("、") || "なし" });
    var max = Math.max.apply(null, [1].concat(groups.map(function (g) { return g[0]; })));
    groups.forEach(function (g, i) {
      chart.appendChild(svg("rect", { x: 0, y: i * row + 4, width: 200 * g[0] / max, height: row - 8, fill: COLORS.fallback }));
      chart.appendChild(text(208, i * row + 16, g[0] + "回 " + g[1]));
    });
    return chart;
  }
  function showDashboard(body) {
    var days = document.getElementById("chart-days");
    days.textContent = "";
    days.appendChild(dayChart(body.days));
    var unanswered = document.getElementById("chart-unanswered");
    unanswered.textContent = "";
    unanswered.appendChild(unansweredChart(body.top_unanswered));
    var votes = document.getElementById("votes");
    Array.prototype.slice.call(votes.querySelectorAll("tr")).forEach(function (r) { r.remove(); });
    var head = el("tr");
    ["質問", "👍", "👎", "👎の割合"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    votes.appendChild(head);
    body.entries.slice().sort(function (a, b) { return b.not_helpful_rate - a.not_helpful_rate; }).forEach(function (e) {
      var r = el("tr");
      r.appendChild(el("td", null, e.question));
      r.appendChild(el("td", null, String(e.helpful)));
      r.appendChild(el("td", null, String(e.not_helpful)));
      r.appendChild(el("td", null, Math.round(e.not_helpful_rate * 100) + "%"));
      votes.appendChild(r);
    });
  }

  login.addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem(KEY, tokenInput.value.trim());
    tokenInput.value = "";
    status.textContent = "";
    load();
  });
  document.getElementById("logout").addEventListener("click", function () {
    sessionStorage.removeItem(KEY);
    review.hidden = true;
    login.hidden = false;
    who.textContent = "";
    status.textContent = "ログアウトしました。";
  });

  /* "Try a question": kotae's decision for a question, explained in words. */
  var DECISIONS = { answer: "回答する", clarify: "候補を示す", fallback: "窓口を案内する", smalltalk: "あいさつ" };
  var tryResult = document.getElementById("try-result");
  function showExplain(reply) {
    tryResult.textContent = "";
    var summary = el("p", "try-summary",
      "判定: " + (DECISIONS[reply.decision] || reply.decision) + "（確信度 " + reply.confidence.toFixed(2) + "）");
    tryResult.appendChild(summary);
    if (!reply.explain) { return; }
    tryResult.appendChild(el("p", "try-rule",
      "決めたルール: " + (reply.explain.rule || "なし（最有力の候補に回答）")));
    tryResult.appendChild(el("p", "try-reason", "理由: " + reply.explain.reason));
    var words = reply.explain.concepts.map(function (c) { return c.text + "（重み " + c.weight.toFixed(2) + "）"; });
    tryResult.appendChild(el("p", "try-words", "質問の語: " + (words.join("、") || "なし")));
    var table = el("table", "try-candidates");
    var head = el("tr");
    ["候補", "一致した語", "網羅率", "共有概念"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(head);
    reply.explain.candidates.forEach(function (c) {
      var row = el("tr");
      row.appendChild(el("td", null, questionOf(c.id)));
      row.appendChild(el("td", "try-matched", c.matched.join("、")));
      row.appendChild(el("td", null, c.evidence.coverage.toFixed(2)));
      row.appendChild(el("td", null, c.evidence.shared.toFixed(1)));
      table.appendChild(row);
    });
    tryResult.appendChild(table);
  }
  document.getElementById("try").addEventListener("submit", function (event) {
    event.preventDefault();
    var question = document.getElementById("try-question").value.trim();
    if (!question) { return; }
    fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question, explain: true })
    }).then(function (r) { return r.json(); }).then(showExplain, function () {
      tryResult.textContent = "判定を取得できませんでした。";
    });
  });

  fetch("/api/faq").then(function (r) { return r.json(); }).then(function (faq) {
    entries = faq.entries;
    if (sessionStorage.getItem(KEY)) { load(); }
  });
})();
