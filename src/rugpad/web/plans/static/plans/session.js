/* rugpad guided exercise session: today's exercises one by one, with a countdown for holds and rests, a
 * repetition and set counter, beeps and optional spoken cues, the screen kept awake, and each result posted as it
 * happens. Results wait in localStorage until the server has them, so a dropped request or an offline phone
 * loses nothing; every result carries its own key (UUID), so a retry never makes a duplicate.
 * The queue belongs to one login: its localStorage key and every entry carry the user's id (from the page's
 * #offline-status element), so on a shared phone one patient's results are never sent while another is logged in.
 * An entry leaves the queue only when the server stored it (200/201) or refused it for good (400 with JSON errors);
 * a redirect (expired login), 403 (stale CSRF token), 409 (another login) or any other answer keeps it.
 * The same script on the patient's other pages (My exercises, home) sends what is waiting and shows it.
 * Tests shorten the clock with ?timescale=0.02 or window.RUGPAD_TIMESCALE. No build step, no dependencies. */
(function () {
  "use strict";
  var root = document.getElementById("session");
  var dataNode = document.getElementById("session-exercises");
  var status = document.getElementById("offline-status");
  var LEGACY_KEY = "rugpad.session.queue"; // one queue for everyone, before 2025-06: nobody's, never sent
  var TRANSITION_SECONDS = 3; // pacing between holds: time to let go and get ready (not part of the dose)

  function json(id) { var node = document.getElementById(id); return node ? JSON.parse(node.textContent) : null; }
  function $(id) { return document.getElementById(id); }
  function show(id) { ["step-start", "step-exercise", "step-rate", "step-done"].forEach(function (s) { if ($(s)) $(s).hidden = s !== id; }); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function said(name) { return status ? status.getAttribute("data-" + name) || "" : ""; }

  var params = new URLSearchParams(window.location.search);
  var scale = parseFloat(params.get("timescale") || window.RUGPAD_TIMESCALE || "1");
  if (!(scale > 0)) scale = 1;
  var logUrl = status ? status.getAttribute("data-log-url") : null;
  var owner = status ? status.getAttribute("data-queue-owner") || "" : "";
  var queueKey = owner ? "rugpad.session.queue." + owner : null;

  /* ---- the queue of results waiting for the server, one per login ---- */
  try { localStorage.removeItem(LEGACY_KEY); } catch (e) { /* storage blocked: nothing to clean */ }
  function loadQueue() {
    if (!queueKey) return [];
    var queue;
    try { queue = JSON.parse(localStorage.getItem(queueKey) || "[]"); } catch (e) { return []; }
    // only this login's entries, whatever else may have been written under its key
    return Array.isArray(queue) ? queue.filter(function (e) { return e && String(e.owner) === owner; }) : [];
  }
  function saveQueue(queue) {
    if (!queueKey) return;
    if (queue.length) localStorage.setItem(queueKey, JSON.stringify(queue)); else localStorage.removeItem(queueKey);
  }
  function forget(key) { saveQueue(loadQueue().filter(function (e) { return e.key !== key; })); }
  var flushing = false, retryTimer = null, problem = "", refused = 0;
  var words = json("session-words") || {};

  function showQueue() {
    var waiting = loadQueue().length, parts = [];
    if (waiting) {
      parts.push(said("waiting") + " " + waiting + ".");
      parts.push(problem === "login" ? said("login") : said("later"));
    }
    if (refused) parts.push(said("refused") + " " + refused + ".");
    var text = parts.join(" ");
    if (status) status.textContent = text;
    if ($("queue-status")) $("queue-status").textContent = text || said("all-sent");
  }

  /* What became of one POST: "stored", "refused" (invalid for good), "login" (log in again first), "retry". */
  function outcome(response) {
    if (response.status === 200 || response.status === 201) return Promise.resolve("stored");
    if (response.status === 400 && (response.headers.get("Content-Type") || "").indexOf("application/json") === 0) {
      return response.json().then(
        function (body) { return body && body.errors ? "refused" : "retry"; },
        function () { return "retry"; }
      );
    }
    if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) return Promise.resolve("login");
    if (response.status === 403 || response.status === 409) return Promise.resolve("login");
    return Promise.resolve("retry");
  }

  function flush() {
    if (flushing || !logUrl || !queueKey) return Promise.resolve();
    var queue = loadQueue();
    if (!queue.length) { problem = ""; showQueue(); return Promise.resolve(); }
    flushing = true;
    var entry = queue[0];
    return fetch(logUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(entry)
    }).then(outcome, function () { return "retry"; }).then(function (result) {
      flushing = false;
      if (result === "stored" || result === "refused") {
        if (result === "refused") refused += 1;
        forget(entry.key);
        problem = "";
        return flush();
      }
      problem = result;
      showQueue();
      clearTimeout(retryTimer);
      // an expired login or a stale page does not mend itself: wait for the next page load (or "online")
      if (result === "retry") retryTimer = setTimeout(flush, Math.max(250, 4000 * Math.min(scale, 1)));
    });
  }

  function enqueue(entry) {
    var queue = loadQueue();
    queue.push(entry);
    saveQueue(queue);
    showQueue();
    return flush();
  }

  /* Logging out with results still waiting: one more try, then the patient decides; what leaves is deleted from
   * this device (so the next person on this phone never carries it), never sent as someone else. */
  var logoutUrl = status ? status.getAttribute("data-logout-url") : null;
  document.querySelectorAll("form").forEach(function (form) {
    if (!logoutUrl || form.getAttribute("action") !== logoutUrl) return;
    form.addEventListener("submit", function (event) {
      if (!loadQueue().length) return;
      event.preventDefault();
      flush().then(function () {
        if (loadQueue().length && !window.confirm(said("logout-confirm"))) return;
        saveQueue([]);
        form.submit();
      });
    });
  });

  window.addEventListener("online", flush);
  window.rugpadSession = { flush: flush, queue: loadQueue, key: queueKey };
  flush();

  if (!root || !dataNode) return;
  var exercises = json("session-exercises") || [];
  var svgs = json("session-svgs") || {};
  var speechLang = (root.getAttribute("data-lang") || "nl").indexOf("en") === 0 ? "en-GB" : "nl-NL";
  var sessionKey = uuid(), startedAt = new Date().toISOString(), settled = null;
  var index = 0, paused = false, cancel = null, done = { sets: 0, reps: 0 };

  /* ---- cues: beep, speech, wake lock ---- */
  var audio = null, wakeLock = null;
  function beep(freq, ms) {
    if (!$("opt-sound").checked || !audio) return;
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = freq || 880; gain.gain.value = 0.15;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + (ms || 150) / 1000);
  }
  function say(text) {
    if (!$("opt-speech").checked || !("speechSynthesis" in window)) return;
    var u = new SpeechSynthesisUtterance(text); u.lang = speechLang;
    speechSynthesis.cancel(); speechSynthesis.speak(u);
  }
  function keepAwake() {
    if (!("wakeLock" in navigator)) return;
    navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && wakeLock !== null) keepAwake();
  });

  /* ---- the clock: scaled, pausable, cancellable ---- */
  function Cancelled() {}
  function countdown(seconds, phase) {
    $("ex-phase").textContent = phase;
    var remaining = seconds * 1000 * scale;
    return new Promise(function (resolve, reject) {
      var last = Date.now();
      cancel = function () { clearInterval(timer); reject(new Cancelled()); };
      function paint() { $("ex-clock").textContent = Math.ceil(remaining / (1000 * scale)) + " s"; }
      paint();
      var timer = setInterval(function () {
        var now = Date.now();
        if (!paused) remaining -= now - last;
        last = now;
        if (remaining <= 0) { clearInterval(timer); cancel = null; $("ex-clock").textContent = "0 s"; resolve(); } else paint();
      }, Math.max(10, Math.min(100, 100 * scale)));
    });
  }
  function tapUntil(count, label) {
    var n = 0;
    $("btn-rep").hidden = false;
    $("ex-phase").textContent = label;
    $("ex-clock").textContent = "0 / " + count;
    return new Promise(function (resolve, reject) {
      cancel = function () { $("btn-rep").onclick = null; $("btn-rep").hidden = true; reject(new Cancelled()); };
      $("btn-rep").onclick = function () {
        n += 1; done.reps += 1; beep(660, 80);
        $("ex-clock").textContent = n + " / " + count;
        if (n >= count) { $("btn-rep").onclick = null; $("btn-rep").hidden = true; cancel = null; resolve(); }
      };
    });
  }
  function waitForGo(label) {
    var go = $("btn-go");
    go.textContent = label; go.hidden = false;
    return new Promise(function (resolve, reject) {
      cancel = function () { go.onclick = null; reject(new Cancelled()); };
      go.onclick = function () { go.onclick = null; go.hidden = true; cancel = null; resolve(); };
    });
  }

  /* ---- one exercise ---- */
  function render(ex) {
    $("ex-progress").textContent = (words.exercise || "") + " " + (index + 1) + " " + (words.of || "/") + " " + exercises.length;
    $("ex-name").textContent = ex.name;
    $("ex-illustration").innerHTML = svgs[ex.exercise_id] || "";
    $("ex-dose").textContent = ex.dose_text;
    $("ex-position").textContent = ex.position || "";
    var list = $("ex-steps"); list.innerHTML = "";
    ex.steps.forEach(function (step) { var li = document.createElement("li"); li.textContent = step; list.appendChild(li); });
    $("ex-phase").textContent = ""; $("ex-clock").textContent = ""; $("ex-count").textContent = "";
    $("btn-rep").hidden = true; $("btn-pause").hidden = true;
    paused = false; $("btn-pause").textContent = words.pause || "Pause";
    done = { sets: 0, reps: 0 };
  }

  async function perform(ex) {
    await waitForGo(words.go || "Go");
    $("btn-pause").hidden = false;
    say(ex.name + ". " + ex.dose_text);
    var sides = ex.per_side ? 2 : 1;
    for (var set = 1; set <= ex.sets; set++) {
      $("ex-count").textContent = (words.set || "Set") + " " + set + " " + (words.of || "/") + " " + ex.sets;
      if (ex.kind === "hold") {
        var reps = (ex.repetitions || 1) * sides;
        for (var rep = 1; rep <= reps; rep++) {
          beep(880, 150); say((words.hold || "Hold") + " " + rep);
          await countdown(ex.hold_seconds, (words.hold || "Hold") + " · " + (words.rep || "") + " " + rep + " " + (words.of || "/") + " " + reps);
          done.reps += 1;
          beep(440, 200);
          if (rep < reps) { say(words.relax || "Relax"); await countdown(TRANSITION_SECONDS, words.relax || "Relax"); }
        }
      } else if (ex.kind === "reps") {
        say(words.reps_todo || "");
        await tapUntil((ex.repetitions || 1) * sides, words.reps_todo || "");
      } else {
        beep(880, 150); say(words.move || "");
        await countdown((ex.minutes || 1) * 60, words.move || "");
        beep(440, 300);
      }
      done.sets = set;
      if (set < ex.sets) {
        if (ex.rest_seconds) { say(words.rest || "Rest"); await countdown(ex.rest_seconds, words.rest || "Rest"); beep(880, 150); }
        else await waitForGo(words.next_set || "Next");
      }
    }
  }

  function entry(ex, extra) {
    var base = {
      key: uuid(), session_key: sessionKey, item_id: ex.item_id, exercise_id: ex.exercise_id,
      sets_done: done.sets, reps_done: ex.kind === "duration" ? null : done.reps,
      hold_seconds: ex.kind === "hold" ? ex.hold_seconds : null,
      minutes: ex.kind === "duration" && done.sets ? ex.minutes : null,
      settled_since_last: settled, started_at: startedAt, done_at: new Date().toISOString(), owner: owner
    };
    return Object.assign(base, extra);
  }

  function next() {
    index += 1;
    if (index >= exercises.length) { show("step-done"); showQueue(); if (wakeLock) wakeLock.release().catch(function () {}); return; }
    start();
  }

  function start() {
    var ex = exercises[index];
    render(ex);
    show("step-exercise");
    $("ex-name").focus && $("ex-name").setAttribute("tabindex", "-1");
    perform(ex).then(function () {
      $("btn-pause").hidden = true;
      beep(990, 250);
      document.querySelectorAll("#step-rate input").forEach(function (i) { i.checked = false; });
      $("rate-error").hidden = true;
      show("step-rate");
      $("rate-h").setAttribute("tabindex", "-1"); $("rate-h").focus();
    }).catch(function (error) { if (!(error instanceof Cancelled)) throw error; });
  }

  $("btn-begin").addEventListener("click", function () {
    var choice = document.querySelector("input[name=settled]:checked");
    settled = choice && choice.value !== "" ? choice.value === "true" : null;
    try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    keepAwake();
    index = 0;
    start();
  });
  $("btn-pause").addEventListener("click", function () {
    paused = !paused;
    $("btn-pause").textContent = paused ? (words.resume || "Resume") : (words.pause || "Pause");
    if (paused) $("ex-phase").textContent = words.paused || "Paused";
  });
  $("btn-skip").addEventListener("click", function () {
    var ex = exercises[index];
    if (cancel) cancel();
    cancel = null;
    enqueue(entry(ex, { skipped: true, pain_during: null, effort: "" }));
    next();
  });
  $("btn-save").addEventListener("click", function () {
    var pain = document.querySelector("input[name=pain]:checked");
    if (!pain) { $("rate-error").hidden = false; return; }
    var effort = document.querySelector("input[name=effort]:checked");
    enqueue(entry(exercises[index], { skipped: false, pain_during: parseInt(pain.value, 10), effort: effort ? effort.value : "" }));
    next();
  });
})();
