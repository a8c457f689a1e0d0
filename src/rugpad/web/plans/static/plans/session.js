/* rugpad guided exercise session: today's exercises one by one, with a countdown for holds and rests, one tap per
 * set (an optional paced count beeps or speaks each repetition and ends the set by itself), beeps and optional
 * spoken cues, the screen kept awake, and after each exercise one tap: the pain during it (done), too painful
 * (then the pain) or skip. Each result is posted as it happens. Results wait in localStorage until the server has them, so a dropped request or an offline phone
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
  // A group participant's session (groups app) asks no pain: a finished exercise is saved as done at once.
  var asksPain = root.getAttribute("data-ask-pain") !== "false";
  var variants = json("session-variants") || {};
  var svgs = json("session-svgs") || {};
  /* The cues are spoken in the page's language (the words come from the page's catalogue), so the voice follows
   * <html lang>: a French page must not be read by a Dutch voice. Each language names its preferred region. */
  var pageLang = (document.documentElement.lang || root.getAttribute("data-lang") || "nl").toLowerCase().split("-")[0];
  var speechLang = { nl: "nl-NL", en: "en-GB", fr: "fr-BE" }[pageLang] || pageLang;
  var PACE_SECONDS = 3; // the paced count: one repetition every 3 s (rugpad's counting tempo, not part of the dose)
  var sessionKey = uuid(), startedAt = new Date().toISOString(), settled = null;
  var index = 0, paused = false, cancel = null, done = { sets: 0, reps: 0 }, rateMode = "done", running = false;

  function fill(template, n) { return (template || "").replace("%(n)s", n); }
  function option(id) { var box = $(id); return !!(box && box.checked); }

  /* ---- cues: beep, speech, wake lock ---- */
  var audio = null, wakeLock = null;
  function beep(freq, ms) {
    if (!option("opt-sound") || !audio) return;
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = freq || 880; gain.gain.value = 0.15;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + (ms || 150) / 1000);
  }
  function say(text) {
    if (!option("opt-speech") || !("speechSynthesis" in window)) return;
    var u = new SpeechSynthesisUtterance(text); u.lang = speechLang;
    var voice = speechVoice(); if (voice) u.voice = voice;
    speechSynthesis.cancel(); speechSynthesis.speak(u);
  }
  /* A phone rarely has a voice for every region (fr-BE, say): take the exact one, else any voice of the language,
   * else leave the choice to the browser with the language set. */
  function speechVoice() {
    var voices = speechSynthesis.getVoices() || [], tag = speechLang.toLowerCase(), same = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = (voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === tag) return voices[i];
      if (!same && lang.split("-")[0] === pageLang) same = voices[i];
    }
    return same;
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
  function wait(seconds, paint) {
    var remaining = seconds * 1000 * scale;
    return new Promise(function (resolve, reject) {
      var last = Date.now();
      cancel = function () { clearInterval(timer); reject(new Cancelled()); };
      if (paint) paint(remaining);
      var timer = setInterval(function () {
        var now = Date.now();
        if (!paused) remaining -= now - last;
        last = now;
        if (remaining <= 0) { clearInterval(timer); cancel = null; if (paint) paint(0); resolve(); } else if (paint) paint(remaining);
      }, Math.max(10, Math.min(100, 100 * scale)));
    });
  }
  function timed(promise) {
    $("btn-go").hidden = true; $("btn-pause").hidden = false;
    return promise.then(function (value) { $("btn-pause").hidden = true; return value; });
  }
  function countdown(seconds, phase) {
    $("ex-phase").textContent = phase;
    return timed(wait(seconds, function (ms) { $("ex-clock").textContent = Math.ceil(ms / (1000 * scale)) + " s"; }));
  }
  async function pacedCount(total) {
    $("ex-phase").textContent = words.reps_paced || "";
    $("btn-go").hidden = true; $("btn-pause").hidden = false;
    for (var n = 1; n <= total; n++) {
      $("ex-clock").textContent = n + " / " + total;
      beep(660, 90); say(String(n));
      await wait(PACE_SECONDS);
      done.reps += 1;
    }
    $("btn-pause").hidden = true;
  }
  function waitForGo(label) {
    var go = $("btn-go");
    go.textContent = label; go.hidden = false; $("btn-pause").hidden = true;
    return new Promise(function (resolve, reject) {
      cancel = function () { go.onclick = null; reject(new Cancelled()); };
      go.onclick = function () { go.onclick = null; go.hidden = true; cancel = null; resolve(); };
    });
  }
  function stop() { if (cancel) cancel(); cancel = null; paused = false; running = false; }

  /* ---- one exercise ---- */
  function progress(set, sets) {
    var text = (words.exercise || "") + " " + (index + 1) + " " + (words.of || "/") + " " + exercises.length;
    if (set) text += " · " + (words.set || "") + " " + set + " " + (words.of || "/") + " " + sets;
    $("ex-progress").textContent = text;
  }
  function render(ex, offered) {
    progress(0, ex.sets);
    $("ex-name").textContent = ex.name;
    $("ex-illustration").innerHTML = svgs[ex.exercise_id] || "";
    $("ex-dose").textContent = ex.dose_text;
    $("ex-position").textContent = ex.position || "";
    var list = $("ex-steps"); list.innerHTML = "";
    ex.steps.forEach(function (step) { var li = document.createElement("li"); li.textContent = step; list.appendChild(li); });
    $("ex-phase").textContent = ""; $("ex-clock").textContent = ""; $("ex-count").textContent = "";
    $("btn-pause").hidden = true; paused = false; $("btn-pause").textContent = words.pause || "Pause";
    document.querySelectorAll("[data-offer-for]").forEach(function (node) {
      node.hidden = !offered || node.getAttribute("data-offer-for") !== String(ex.item_id);
    });
    done = { sets: 0, reps: 0 };
  }
  function hideOffers() { document.querySelectorAll("[data-offer-for]").forEach(function (node) { node.hidden = true; }); }

  async function perform(ex) {
    running = true;
    say(ex.name + ". " + ex.dose_text);
    var sides = ex.per_side ? 2 : 1;
    for (var set = 1; set <= ex.sets; set++) {
      progress(set, ex.sets);
      var many = ex.sets > 1;
      if (ex.kind === "hold") {
        $("ex-phase").textContent = words.get_ready || "";
        $("ex-clock").textContent = ex.hold_seconds + " s";
        await waitForGo(many ? fill(words.start_set, set) : (words.go || "Start"));
        hideOffers();
        var reps = (ex.repetitions || 1) * sides;
        for (var rep = 1; rep <= reps; rep++) {
          beep(880, 150); say((words.hold || "Hold") + " " + rep);
          $("ex-count").textContent = (words.rep || "") + " " + rep + " " + (words.of || "/") + " " + reps;
          await countdown(ex.hold_seconds, words.hold || "Hold");
          done.reps += 1;
          beep(440, 200);
          if (rep < reps) { say(words.relax || "Relax"); await countdown(TRANSITION_SECONDS, words.relax || "Relax"); }
        }
      } else if (ex.kind === "reps") {
        var total = (ex.repetitions || 1) * sides;
        $("ex-count").textContent = "";
        if (option("opt-pace")) {
          $("ex-phase").textContent = words.get_ready || "";
          $("ex-clock").textContent = "0 / " + total;
          await waitForGo(many ? fill(words.start_set, set) : (words.go || "Start"));
          hideOffers();
          await pacedCount(total);
        } else {
          $("ex-phase").textContent = fill(words.reps_todo, total);
          $("ex-clock").textContent = total + " ×";
          say(fill(words.reps_todo, total));
          await waitForGo(fill(words.set_done, set));
          hideOffers();
          done.reps += total;
        }
      } else {
        $("ex-phase").textContent = words.get_ready || "";
        $("ex-clock").textContent = (ex.minutes || 1) + " min";
        await waitForGo(words.go || "Start");
        hideOffers();
        beep(880, 150); say(words.move || "");
        await countdown((ex.minutes || 1) * 60, words.move || "");
        beep(440, 300);
      }
      done.sets = set;
      $("ex-count").textContent = "";
      if (set < ex.sets && ex.rest_seconds) {
        say(words.rest || "Rest");
        await countdown(ex.rest_seconds, words.rest || "Rest");
        beep(880, 150);
      }
    }
    running = false;
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
    if (index >= exercises.length) {
      root.classList.remove("running");
      show("step-done"); showQueue();
      if (wakeLock) wakeLock.release().catch(function () {});
      return;
    }
    start(true);
  }

  function rate(mode) {
    rateMode = mode;
    $("rate-legend").textContent = mode === "painful" ? (words.rate_painful || "") : (words.rate_done || "");
    $("btn-rate-painful").hidden = mode === "painful";
    $("rate-name").textContent = exercises[index].name;
    show("step-rate");
    window.scrollTo(0, 0);
    $("rate-h").setAttribute("tabindex", "-1"); $("rate-h").focus({ preventScroll: true });
  }

  function start(offered) {
    var ex = exercises[index];
    render(ex, offered);
    show("step-exercise");
    window.scrollTo(0, 0); // the clock, the count and the main button in sight from the top of the page
    $("ex-name").setAttribute("tabindex", "-1"); $("ex-name").focus({ preventScroll: true });
    perform(ex).then(function () {
      beep(990, 250);
      if (asksPain) { rate("done"); return; }
      enqueue(entry(ex, { skipped: false, pain_during: null, effort: "" }));
      next();
    })
      .catch(function (error) { if (!(error instanceof Cancelled)) throw error; });
  }

  $("btn-begin").addEventListener("click", function () {
    var choice = document.querySelector("input[name=settled]:checked");
    settled = choice && choice.value !== "" ? choice.value === "true" : null;
    try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
    keepAwake();
    root.classList.add("running");
    index = 0;
    start(true);
  });
  $("btn-pause").addEventListener("click", function () {
    paused = !paused;
    $("btn-pause").textContent = paused ? (words.resume || "Resume") : (words.pause || "Pause");
    if (paused) $("ex-phase").textContent = words.paused || "Paused";
  });
  $("btn-skip").addEventListener("click", function () {
    var ex = exercises[index];
    stop();
    enqueue(entry(ex, { skipped: true, pain_during: null, effort: "" }));
    next();
  });
  $("btn-painful").addEventListener("click", function () { stop(); rate("painful"); });
  document.querySelectorAll("[data-variant]").forEach(function (button) {
    button.addEventListener("click", function () {
      var variant = variants[button.getAttribute("data-variant")];
      if (!variant) return;
      stop();
      exercises[index] = variant; // the same plan item, the offered rung: its own exercise id and starting dose
      start(false);
    });
  });
  document.querySelectorAll(".pain-choice").forEach(function (button) {
    button.addEventListener("click", function () {
      var pain = parseInt(button.getAttribute("data-pain"), 10);
      // "done" and "too painful" both report the pain during the exercise (the progression advice reads it)
      enqueue(entry(exercises[index], { skipped: false, pain_during: pain, effort: "" }));
      next();
    });
  });
  $("btn-rate-painful").addEventListener("click", function () { rate("painful"); });
  $("btn-rate-skip").addEventListener("click", function () {
    enqueue(entry(exercises[index], { skipped: true, pain_during: null, effort: "" }));
    next();
  });
})();
