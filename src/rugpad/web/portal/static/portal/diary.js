/* The diary form: every save carries its own key (UUID), so a double tap or a resent form stores one entry; with
 * no connection the entry is saved on this phone (rugpad/pwa.js's diary queue) and sent as soon as there is one.
 * An alarm answer saved without a connection cannot reach the practice yet: the page says so at once and shows
 * whom to contact; when the queued entry is stored, the page opens it, with what the practice's rules say to do. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-diary-form]");
  if (!form) return;
  var keyInput = form.querySelector("input[name=key]");
  var notice = document.getElementById("diary-queued");
  var alarmBox = document.getElementById("diary-offline-alarm");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  if (keyInput && !keyInput.value) keyInput.value = uuid();

  function say(name) {
    if (!notice) return;
    notice.textContent = notice.getAttribute("data-" + name) || "";
    notice.hidden = false;
  }

  function fields() {
    var entry = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") return;
      if (name === "alarms") (entry.alarms = entry.alarms || []).push(String(value));
      else entry[name] = String(value);
    });
    entry.alarms = entry.alarms || [];
    return entry;
  }

  form.addEventListener("submit", function (event) {
    if (navigator.onLine !== false || !window.rugpadDiary || !window.rugpadDiary.owner) return; // online: a normal post
    if (!form.querySelector("input[name=pain_now]:checked")) return; // the server names what is missing
    event.preventDefault();
    var entry = fields();
    window.rugpadDiary.enqueue(entry);
    say("waiting");
    if (alarmBox) alarmBox.hidden = entry.alarms.length === 0;
    form.reset();
    if (keyInput) keyInput.value = uuid(); // the next entry is another entry
    window.scrollTo(0, 0);
  });

  document.addEventListener("rugpad:diary-sent", function (event) {
    var detail = event.detail || {};
    if (detail.result === "stored") {
      say("sent");
      if (detail.entry && detail.entry.alarms && detail.entry.alarms.length && detail.body && detail.body.url) {
        window.location.assign(detail.body.url); // what to do now, as the practice's rules say it
      }
    } else if (detail.result === "refused") {
      say("refused");
    }
  });
})();
