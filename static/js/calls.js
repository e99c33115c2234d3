// Keyboard-first call logging (the call form on the lead page and on the work queue) and the
// call timer. Delegated from the document, so it keeps working in fragments htmx swaps in.
// - a key per outcome (data-hotkey on the outcome radios, shown on the buttons);
// - N note, G grade, F follow-up, D dial, S skip, P pause, R resume (data-hotkey elsewhere);
// - Enter saves from any field (the outcome control too), Esc cancels;
// - money fields show (and are sent) only for the outcomes that need them (data-money);
// - dialling (the phone link, or D) starts the timer, which fills the talk time until edited.
(function () {
  "use strict";
  if (window.telesalesCallKeys) {
    return;
  }
  window.telesalesCallKeys = true;
  var FIELDS = { n: "notes", g: "new_grade", f: "next_follow_up_at" };
  var started = null;

  function callForm() {
    return document.querySelector("[data-call-form]");
  }

  function isTyping(el) {
    if (!el || !el.tagName) {
      return false;
    }
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") {
      return true;
    }
    return el.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset)$/.test(el.type);
  }

  function focusOutcome(form) {
    var el = form.querySelector("input[name=disposition]:checked") || form.querySelector("[data-autofocus]");
    if (el) {
      el.focus();
    }
  }

  function showMoney(form) {
    var radio = form.querySelector("input[name=disposition]:checked");
    var need = radio ? radio.dataset.money : "";
    form.querySelectorAll("[data-money-for]").forEach(function (box) {
      var on = Boolean(need) && box.dataset.moneyFor === need;
      box.hidden = !on;
      box.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    });
    return need;
  }

  function mmss(seconds) {
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var form = callForm();
    if (!form || started === null) {
      return;
    }
    var text = mmss(Math.max(0, Math.round((Date.now() - started) / 1000)));
    var clock = form.querySelector("[data-call-timer]");
    if (clock) {
      clock.textContent = text;
    }
    var duration = form.elements.duration;
    if (duration && !duration.dataset.edited) {
      duration.value = text;
    }
  }

  function startTimer() {
    started = Date.now();
    var form = callForm();
    if (form) {
      form.classList.add("dialling");
    }
    tick();
  }

  function stopTimer() {
    started = null;
  }

  function ready(root) {
    var form = callForm();
    if (form) {
      showMoney(form);
      focusOutcome(form);
      return;
    }
    var first = (root || document).querySelector("[data-autofocus]");
    if (first) {
      first.focus();
    }
  }

  function cancel(form) {
    form.reset();
    stopTimer();
    if (form.elements.duration) {
      delete form.elements.duration.dataset.edited;
    }
    var clock = form.querySelector("[data-call-timer]");
    if (clock) {
      clock.textContent = "0:00";
    }
    setTimeout(function () { showMoney(form); focusOutcome(form); }, 0);
  }

  function openSkip() {
    var skip = document.querySelector("[data-skip-form]");
    if (skip) {
      skip.hidden = false;
      skip.querySelector("select, input").focus();
    }
  }

  function hotkey(key, event) {
    var form = callForm();
    if (form && FIELDS[key] && form.elements[FIELDS[key]]) {
      event.preventDefault();
      form.elements[FIELDS[key]].focus();
      return;
    }
    var scope = document.getElementById("queue-item");
    if (!scope && !form) {
      return;
    }
    scope = scope || document;
    var el = scope.querySelector('[data-hotkey="' + key + '"]') || document.querySelector('[data-hotkey="' + key + '"]');
    if (!el) {
      return;
    }
    event.preventDefault();
    if (el.type === "radio") {
      el.checked = true;
      el.focus();
      el.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      el.click();
    }
  }

  function onEnter(event, form) {
    var t = event.target;
    if (t.tagName === "TEXTAREA" || t.tagName === "BUTTON" || t.tagName === "A") {
      return;
    }
    var owner = t.form || null;
    var skip = document.querySelector("[data-skip-form]:not([hidden])");
    if (skip && owner === skip) {
      event.preventDefault();
      skip.requestSubmit();
    } else if (form && (owner === form || t === document.body)) {
      event.preventDefault();
      form.requestSubmit();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      return;
    }
    var form = callForm();
    if (event.key === "Escape") {
      var skip = document.querySelector("[data-skip-form]:not([hidden])");
      if (skip) {
        skip.hidden = true;
        if (form) { focusOutcome(form); }
      } else if (form) {
        cancel(form);
      }
      return;
    }
    if (event.key === "Enter") {
      onEnter(event, form);
      return;
    }
    if (isTyping(event.target) || event.key.length !== 1) {
      return;
    }
    hotkey(event.key.toLowerCase(), event);
  });

  document.addEventListener("change", function (event) {
    var t = event.target;
    if (t.name === "disposition" && t.form && t.form.matches("[data-call-form]")) {
      if (showMoney(t.form)) {
        var money = t.form.querySelector("[data-money-for]:not([hidden]) input");
        if (money) { money.focus(); }
      }
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target.name === "duration" && event.isTrusted) {
      event.target.dataset.edited = "1";
    }
  });

  document.addEventListener("click", function (event) {
    var t = event.target.closest ? event.target.closest("[data-dial], [data-skip-open], [data-cancel], [data-fill-follow-up]") : null;
    if (!t) {
      return;
    }
    if (t.matches("[data-fill-follow-up]")) {
      // The customer's best time to call (calls/best_time.py) into the follow-up field.
      var field = t.form && t.form.querySelector("[name=next_follow_up_at]");
      if (field) { field.value = t.dataset.fillFollowUp; field.focus(); }
    } else if (t.matches("[data-dial]")) {
      startTimer();
    } else if (t.matches("[data-skip-open]")) {
      openSkip();
    } else if (t.form && t.form.matches("[data-skip-form]")) {
      t.form.hidden = true;
      var form = callForm();
      if (form) { focusOutcome(form); }
    } else if (t.form) {
      event.preventDefault();
      cancel(t.form);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.elt && event.detail.elt.querySelector && (event.detail.elt.querySelector("[data-call-form]")
        || event.detail.elt.querySelector("[data-autofocus]") || event.detail.elt.id === "queue-item")) {
      stopTimer();
      ready(event.detail.elt);
    }
  });
  setInterval(tick, 1000);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { ready(document); });
  } else {
    ready(document);
  }
}());
