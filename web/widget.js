/*
 * kotae chat widget. Embed with one tag:
 *   <script src="https://kotae.example/widget.js" data-api="https://kotae.example"
 *           data-title="よくあるご質問" defer></script>
 * data-api:   where the kotae API is (default: where this script came from)
 * data-title: the panel's title
 * data-open:  "true" to start with the panel open
 * Answers are official text: they are always inserted as text, never as HTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var api = (script.getAttribute("data-api") || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var title = script.getAttribute("data-title") || "よくあるご質問";
  var startOpen = script.getAttribute("data-open") === "true";
  var uid = "kotae-" + Math.random().toString(36).slice(2, 8);

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = api + "/widget.css";
  document.head.appendChild(css);

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  var root = el("div", "kotae");
  var launcher = el("button", "kotae-launcher", "質問する");
  launcher.type = "button";
  launcher.setAttribute("aria-controls", uid + "-panel");
  launcher.setAttribute("aria-expanded", "false");

  var panel = el("section", "kotae-panel");
  panel.id = uid + "-panel";
  panel.setAttribute("aria-labelledby", uid + "-title");
  panel.hidden = true;

  var header = el("div", "kotae-header");
  var heading = el("h2", "kotae-title", title);
  heading.id = uid + "-title";
  var close = el("button", "kotae-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", "チャットを閉じる");
  header.appendChild(heading);
  header.appendChild(close);

  var log = el("div", "kotae-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", "会話");
  log.tabIndex = 0;

  var form = el("form", "kotae-form");
  var label = el("label", "kotae-visually-hidden", "ご質問");
  label.htmlFor = uid + "-input";
  var input = el("textarea", "kotae-input");
  input.id = uid + "-input";
  input.rows = 2;
  input.maxLength = 1000;
  input.placeholder = "ご質問を入力してください（Enterで送信、Shift+Enterで改行）";
  var send = el("button", "kotae-send", "送信");
  send.type = "submit";
  // Official questions matching what is typed, as a listbox the input controls.
  var suggestions = el("ul", "kotae-suggestions");
  suggestions.id = uid + "-suggestions";
  suggestions.setAttribute("role", "listbox");
  suggestions.setAttribute("aria-label", "よくある質問の候補");
  suggestions.hidden = true;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", suggestions.id);
  input.setAttribute("aria-expanded", "false");
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(suggestions);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { input.focus(); } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(true); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { setOpen(false); }
  });

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(who, text) {
    var node = el("div", "kotae-msg kotae-" + who);
    if (text !== undefined) { node.appendChild(el("p", "kotae-text", text)); }
    log.appendChild(node);
    scrollDown();
    return node;
  }

  function request(path, options) {
    return fetch(api + path, options).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var message = body && body.error ? body.error.message : "HTTP " + response.status;
          throw new Error(message);
        }
        return body;
      });
    });
  }

  function feedbackRow(id, question) {
    var row = el("div", "kotae-feedback");
    var prompt = el("span", "kotae-feedback-prompt", "役に立ちましたか？");
    var yes = el("button", "kotae-vote", "👍");
    var no = el("button", "kotae-vote", "👎");
    yes.type = no.type = "button";
    yes.setAttribute("aria-label", "役に立った");
    no.setAttribute("aria-label", "役に立たなかった");
    function vote(helpful) {
      yes.disabled = no.disabled = true;
      request("/api/feedback", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ id: id, helpful: helpful, question: question })
      }).then(function () {
        prompt.textContent = "ご回答ありがとうございました。";
      }, function () {
        prompt.textContent = "送信できませんでした。";
        yes.disabled = no.disabled = false;
      });
    }
    yes.addEventListener("click", function () { vote(true); });
    no.addEventListener("click", function () { vote(false); });
    row.appendChild(prompt);
    row.appendChild(yes);
    row.appendChild(no);
    return row;
  }

  function showAnswer(entry, question) {
    var node = bubble("bot");
    node.classList.add("kotae-answer");
    node.appendChild(el("p", "kotae-question", "Q. " + entry.question));
    node.appendChild(el("p", "kotae-text", entry.answer));
    node.appendChild(feedbackRow(entry.id, question));
    scrollDown();
  }

  function showFallback(fallback) {
    var node = bubble("bot", fallback.message);
    node.classList.add("kotae-fallback");
    if (fallback.phone) {
      var line = el("p", "kotae-hotline");
      line.appendChild(document.createTextNode("お問い合わせ窓口（フリーコール）: "));
      var link = el("a", "kotae-tel", fallback.phone);
      link.href = "tel:" + fallback.phone.replace(/[^0-9+]/g, "");
      line.appendChild(link);
      node.appendChild(line);
    }
    if (fallback.hours) { node.appendChild(el("p", "kotae-hours", "受付時間: " + fallback.hours)); }
    scrollDown();
  }

  function showClarify(reply, question) {
    var node = bubble("bot", reply.message || "次のどれでしょうか。");
    node.classList.add("kotae-clarify");
    var list = el("div", "kotae-choices");
    list.setAttribute("role", "group");
    list.setAttribute("aria-label", "候補の質問");
    reply.candidates.forEach(function (candidate) {
      var choice = el("button", "kotae-choice", candidate.question);
      choice.type = "button";
      choice.addEventListener("click", function () {
        Array.prototype.forEach.call(list.querySelectorAll("button"), function (b) { b.disabled = true; });
        choice.classList.add("kotae-chosen");
        bubble("user", candidate.question);
        request("/api/faq/" + encodeURIComponent(candidate.id)).then(function (entry) {
          showAnswer(entry, question);
        }, function () { showError(null); });
      });
      list.appendChild(choice);
    });
    node.appendChild(list);
    scrollDown();
  }

  function showError(question) {
    var node = bubble("bot", "通信に失敗しました。時間をおいてもう一度お試しください。");
    node.classList.add("kotae-error");
    if (question !== null) {
      var retry = el("button", "kotae-retry", "もう一度送信");
      retry.type = "button";
      retry.addEventListener("click", function () {
        retry.disabled = true;
        ask(question, false);
      });
      node.appendChild(retry);
    }
  }

  var busy = false;
  function ask(question, echo) {
    if (busy) { return; }
    busy = true;
    send.disabled = true;
    if (echo) { bubble("user", question); }
    var typing = el("div", "kotae-msg kotae-bot kotae-typing");
    typing.setAttribute("role", "status");
    typing.setAttribute("aria-label", "回答を準備しています");
    typing.appendChild(el("span", "kotae-dot"));
    typing.appendChild(el("span", "kotae-dot"));
    typing.appendChild(el("span", "kotae-dot"));
    log.appendChild(typing);
    scrollDown();
    request("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question: question })
    }).then(function (reply) {
      typing.remove();
      if (reply.decision === "answer" && reply.answer) {
        showAnswer(reply.answer, question);
      } else if (reply.decision === "clarify" && reply.candidates.length) {
        showClarify(reply, question);
      } else if (reply.decision === "smalltalk") {
        bubble("bot", reply.message);
      } else if (reply.fallback) {
        showFallback(reply.fallback);
      } else {
        bubble("bot", reply.message || "");
      }
    }, function () {
      typing.remove();
      showError(question);
    }).then(function () {
      busy = false;
      send.disabled = false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = input.value.trim();
    if (!question) { return; }
    input.value = "";
    cancelSuggestions();
    ask(question, true);
  });

  // Suggestions: fetched after the member pauses typing, never while an IME is
  // composing (the text is not what they mean yet), and only the latest answer is
  // shown. Arrow keys move through them, Enter or a click asks the chosen one.
  var active = -1;
  var latest = 0;
  var timer = null;
  function options() { return suggestions.querySelectorAll("[role=option]"); }
  function hideSuggestions() {
    suggestions.hidden = true;
    suggestions.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function highlight(index) {
    var items = options();
    if (!items.length) { return; }
    active = (index + items.length) % items.length;
    Array.prototype.forEach.call(items, function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", items[active].id);
  }
  function cancelSuggestions() {
    clearTimeout(timer);
    latest++;
    hideSuggestions();
  }
  function choose(question) {
    input.value = "";
    cancelSuggestions();
    ask(question, true);
  }
  function showSuggestions(list) {
    hideSuggestions();
    if (!list.length) { return; }
    list.forEach(function (suggestion, i) {
      var item = el("li", "kotae-suggestion", suggestion.question);
      item.id = uid + "-suggestion-" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      // mousedown, not click: it fires before the input loses focus.
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(suggestion.question);
      });
      suggestions.appendChild(item);
    });
    suggestions.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function fetchSuggestions() {
    var text = input.value.trim();
    var ticket = ++latest;
    if (!text) { hideSuggestions(); return; }
    request("/api/suggest?q=" + encodeURIComponent(text)).then(function (body) {
      if (ticket === latest && !composing) { showSuggestions(body.suggestions || []); }
    }, function () { if (ticket === latest) { hideSuggestions(); } });
  }
  function suggestSoon() {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  }

  // Enter sends, but never while an IME is composing Japanese text: the Enter that
  // confirms a conversion must not send a half-typed question.
  var composing = false;
  input.addEventListener("compositionstart", function () { composing = true; clearTimeout(timer); });
  input.addEventListener("compositionend", function () { composing = false; suggestSoon(); });
  input.addEventListener("input", function (event) {
    if (event.isComposing || composing) { return; }
    suggestSoon();
  });
  input.addEventListener("blur", function () { setTimeout(hideSuggestions, 150); });
  input.addEventListener("keydown", function (event) {
    if (event.isComposing || event.keyCode === 229 || composing) { return; }
    var open = !suggestions.hidden;
    if (open && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      return;
    }
    if (open && event.key === "Escape") {
      event.stopPropagation();
      hideSuggestions();
      return;
    }
    if (event.key !== "Enter" || event.shiftKey) { return; }
    event.preventDefault();
    if (open && active >= 0) {
      choose(options()[active].textContent);
      return;
    }
    if (typeof form.requestSubmit === "function") { form.requestSubmit(); } else { send.click(); }
  });

  function mount() {
    document.body.appendChild(root);
    bubble("bot", "ご質問をどうぞ。お知らせの内容について、公式の回答をお探しします。");
    if (startOpen) { setOpen(true); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
