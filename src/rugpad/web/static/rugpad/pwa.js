/* rugpad as an installable app that works without a connection (see sw.js for what the worker keeps).
 *
 * Loaded on every page by base.html; its own <script> tag says what this page is:
 *   data-sw="/sw.js"             the service worker to register (scope: the whole site)
 *   data-offline="<id>"          only on a signed-in patient's pages: keep this patient's pages (the id is a keyed
 *                                hash of the session; a new sign-in has a new id). Without it the page asks the
 *                                worker to delete every kept page: the login page, the logged-out page and every
 *                                clinician page do, so nobody's pages stay for the next person.
 *   data-owner="<user id>"       the login the diary queue belongs to
 *   data-diary-queue="<url>"     where queued diary entries are sent (portal's diary_queue view)
 *
 * The diary queue: an entry saved without a connection (portal/diary.js) waits in localStorage under
 * "rugpad.diary.queue.<owner>", each with its own key (UUID), and is sent as soon as there is a connection, from
 * whatever page of rugpad is open. The server stores a key once (the same key again answers 200 and stores
 * nothing), so a retry never makes a second entry. An entry leaves the queue when the server stored it (200/201)
 * or refused it for good (400 with JSON errors); an expired login (redirect), a stale page (403) or another login
 * (409) keep it for the next page load. Each answer is announced as a "rugpad:diary-sent" event on document. */
(function () {
  "use strict";
  var tag = document.currentScript || document.querySelector("script[data-sw]");
  if (!tag) return;
  var offlineId = tag.getAttribute("data-offline") || "";
  var owner = tag.getAttribute("data-owner") || "";
  var queueUrl = tag.getAttribute("data-diary-queue") || "";
  var queueKey = owner ? "rugpad.diary.queue." + owner : null;

  /* ---- the service worker ---- */
  if ("serviceWorker" in navigator && tag.getAttribute("data-sw")) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type) document.documentElement.setAttribute("data-offline-state", data.type); // "kept" | "cleared"
    });
    navigator.serviceWorker.register(tag.getAttribute("data-sw"), { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) registration.active.postMessage(offlineId ? { type: "keep", id: offlineId } : { type: "clear" });
    }).catch(function () { /* no worker (private window, old browser): the site works online as before */ });
  }

  /* ---- the diary queue ---- */
  function load() {
    if (!queueKey) return [];
    var queue;
    try { queue = JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
    return Array.isArray(queue) ? queue.filter(function (e) { return e && e.key && String(e.owner) === owner; }) : [];
  }
  function save(queue) {
    if (!queueKey) return;
    try {
      if (queue.length) localStorage.setItem(queueKey, JSON.stringify(queue)); else localStorage.removeItem(queueKey);
    } catch (e) { /* storage full or blocked: nothing more to do here */ }
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function announce(detail) { document.dispatchEvent(new CustomEvent("rugpad:diary-sent", { detail: detail })); }

  function outcome(response) {
    if (response.status === 200 || response.status === 201) return response.json().then(function (body) { return { result: "stored", body: body }; });
    if (response.status === 400 && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0) {
      return response.json().then(
        function (body) { return { result: body && body.errors ? "refused" : "retry", body: body }; },
        function () { return { result: "retry" }; }
      );
    }
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) return { result: "login" };
    if (response.status === 403 || response.status === 409) return { result: "login" };
    return { result: "retry" };
  }

  var flushing = false, retryTimer = null;
  function flush() {
    if (flushing || !queueUrl || !queueKey || navigator.onLine === false) return Promise.resolve();
    var queue = load();
    if (!queue.length) return Promise.resolve();
    flushing = true;
    var entry = queue[0];
    return fetch(queueUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(entry)
    }).then(outcome, function () { return { result: "retry" }; }).then(function (answer) {
      flushing = false;
      if (answer.result === "stored" || answer.result === "refused") {
        save(load().filter(function (e) { return e.key !== entry.key; }));
        announce({ entry: entry, result: answer.result, body: answer.body || {}, waiting: load().length });
        return flush();
      }
      announce({ entry: entry, result: answer.result, body: {}, waiting: load().length });
      clearTimeout(retryTimer);
      if (answer.result === "retry") retryTimer = setTimeout(flush, 5000);
    });
  }
  function enqueue(entry) {
    entry.owner = owner;
    var queue = load();
    queue.push(entry);
    save(queue);
    return flush();
  }

  window.rugpadDiary = { enqueue: enqueue, flush: flush, queue: load, owner: owner };
  window.addEventListener("online", flush);
  flush();
})();
