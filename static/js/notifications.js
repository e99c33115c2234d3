// The bell (templates/base.html, notifications/_bell.html): htmx reloads it every few seconds.
// Each time, follow-up reminders it carries (data-due) are raised as desktop notifications at
// their due time, once per reminder and browser, when the user allowed it and is not in quiet hours.
(function () {
  "use strict";
  var timers = {};
  var SHOWN = "notify-shown";

  function shown() {
    try { return JSON.parse(localStorage.getItem(SHOWN) || "[]"); } catch (e) { return []; }
  }
  function remember(id) {
    var ids = shown().concat([id]).slice(-200);
    try { localStorage.setItem(SHOWN, JSON.stringify(ids)); } catch (e) { /* private mode */ }
  }
  function pop(item) {
    if (shown().indexOf(item.id) !== -1) return;
    remember(item.id);
    var n = new Notification(item.text, { tag: "notification-" + item.id });
    n.onclick = function () { window.focus(); window.location.href = "/notifications/" + item.id + "/"; };
  }
  function schedule(bell) {
    if (!bell || !("Notification" in window) || Notification.permission !== "granted") return;
    if (bell.hasAttribute("data-quiet")) return;
    var items;
    try { items = JSON.parse(bell.getAttribute("data-due") || "[]"); } catch (e) { return; }
    items.forEach(function (item) {
      if (timers[item.id] || shown().indexOf(item.id) !== -1) return;
      var wait = item.due ? Math.max(0, new Date(item.due).getTime() - Date.now()) : 0;
      timers[item.id] = window.setTimeout(function () { pop(item); }, Math.min(wait, 2147483647));
    });
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "bell") schedule(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var allow = document.getElementById("desktop-allow");
    if (allow && "Notification" in window && Notification.permission === "default") {
      allow.hidden = false;
      allow.addEventListener("click", function () {
        Notification.requestPermission().then(function () { allow.hidden = true; schedule(document.getElementById("bell")); });
      });
    }
  });
})();
