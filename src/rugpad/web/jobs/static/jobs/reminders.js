/* Web Push for the reminder settings page: switches notifications on or off for this browser.
 *
 * The section #push carries the server's VAPID public key (data-push-key) and where the subscription goes
 * (data-push-url). "On" asks the browser to subscribe through the site's service worker (the browser asks the
 * person's permission) and sends the subscription as JSON; "off" unsubscribes and tells the server to forget it.
 * Every state is announced in #push-state with a text from its data-* attributes (never a raw error). */
(function () {
  "use strict";
  var section = document.getElementById("push");
  if (!section) return;
  var state = document.getElementById("push-state");
  var on = document.getElementById("push-on");
  var off = document.getElementById("push-off");

  function say(which) { state.textContent = state.getAttribute("data-" + which) || ""; }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? "on" : "off");
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function send(body) {
    return fetch(section.getAttribute("data-push-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) { if (!response.ok) throw new Error("refused"); return response; });
  }

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say("unsupported");
    return;
  }
  if (Notification.permission === "denied") { say("denied"); return; }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription().then(function (existing) {
      show(!!existing);
      on.addEventListener("click", function () {
        on.disabled = true;
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(section.getAttribute("data-push-key")) })
          .then(function (subscription) { return send(subscription.toJSON()); })
          .then(function () { show(true); })
          .catch(function () { say(Notification.permission === "denied" ? "denied" : "failed"); })
          .then(function () { on.disabled = false; });
      });
      off.addEventListener("click", function () {
        off.disabled = true;
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) return null;
          var endpoint = subscription.endpoint;
          return subscription.unsubscribe().then(function () { return send({ endpoint: endpoint, unsubscribe: true }); });
        }).then(function () { show(false); }, function () { say("failed"); }).then(function () { off.disabled = false; });
      });
    });
  }).catch(function () { say("unsupported"); });
})();
