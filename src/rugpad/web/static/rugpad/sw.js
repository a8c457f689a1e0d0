/* rugpad's service worker: the patient's pages open without a connection.
 *
 * Served from /sw.js by portal/pwa.py, which writes the first line: self.RUGPAD = {assets, pages, follow, static,
 * logout, login} — the hashed static files of the shell, the patient's pages to keep, the path prefixes of linked
 * pages to keep too (the education modules), the static URL prefix and the logout/login paths.
 *
 * Two kinds of cache:
 *   rugpad-static-<hash>  static files (hashed names never change); shared by everyone, holds no patient data.
 *   rugpad-pages-<id>     one signed-in patient's pages. <id> is the keyed hash of the session that only a patient's
 *                         page carries (pwa.js sends it as {type: "keep", id}). There is at most one such cache:
 *                         a new id deletes every other, {type: "clear"} (sent by every page that is not a
 *                         signed-in patient's: the login page, the logged-out page, every clinician page) and a
 *                         logout deletes them all. So one person's pages are never shown to another, and a
 *                         clinician's page is never kept (only the patient paths of RUGPAD.pages are stored, and
 *                         only while a patient's id is current).
 *
 * Fetches: static files from the cache first (hashed) or the network first (unhashed, in development); page
 * navigations from the network first, and from the page cache when there is no connection. Nothing else (POSTs,
 * htmx, the JSON API) is touched: the result and diary queues in localStorage send those when back online. */
/* global RUGPAD */
"use strict";

var CONFIG = self.RUGPAD || { assets: [], pages: [], follow: [], static: "/static/", logout: "/logout/", login: "/login/" };
var PAGES = "rugpad-pages-";
var STATIC = "rugpad-static-" + hash(JSON.stringify(CONFIG.assets));
var KEPT_ON = "X-Rugpad-Kept-On"; // the local day a page was fetched: older copies are fetched again
var HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/; // WhiteNoise's manifest names: name.0123456789ab.js
var current = null; // the id of the patient whose pages are kept, as the latest page said (none after a restart)
var work = Promise.resolve(); // messages are handled one after the other

function hash(text) {
  var h = 5381;
  for (var i = 0; i < text.length; i++) h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
  return h.toString(16);
}
function today() {
  var d = new Date();
  return d.getFullYear() + "-" + (d.getMonth() + 1) + "-" + d.getDate();
}
function pageCaches() {
  return caches.keys().then(function (names) { return names.filter(function (n) { return n.indexOf(PAGES) === 0; }); });
}
function clearPages(except) {
  return pageCaches().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== except; }).map(function (n) { return caches.delete(n); }));
  });
}
function isKeptPath(path) {
  if (CONFIG.pages.indexOf(path) >= 0) return true;
  return CONFIG.follow.some(function (prefix) { return path.indexOf(prefix) === 0; });
}
function sameOrigin(url) { return url.origin === self.location.origin; }

/* A copy of a patient's page, stamped with the day it was fetched; null when the answer is not that page (a
 * redirect to the login page, an error, anything but HTML). */
function stamped(response) {
  var type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || response.type !== "basic" || type.indexOf("text/html") !== 0) return Promise.resolve(null);
  return response.clone().blob().then(function (body) {
    var headers = new Headers(response.headers);
    headers.set(KEPT_ON, today());
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

/* The static files and kept links a page names, e.g. src="/static/plans/session.3f2a….js". */
function linksIn(html) {
  var found = { assets: [], pages: [] }, re = /(?:src|href)="([^"#]+)"/g, match;
  while ((match = re.exec(html)) !== null) {
    var url = new URL(match[1].replace(/&amp;/g, "&"), self.location.origin);
    if (!sameOrigin(url)) continue;
    if (url.pathname.indexOf(CONFIG.static) === 0) found.assets.push(url.pathname);
    else if (isKeptPath(url.pathname + url.search) && CONFIG.pages.indexOf(url.pathname + url.search) < 0) {
      found.pages.push(url.pathname + url.search);
    }
  }
  return found;
}

function keepAsset(path) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(path).then(function (hit) {
      if (hit) return;
      return fetch(path, { credentials: "same-origin" }).then(function (response) {
        if (response.ok) return cache.put(path, response);
      });
    });
  }).catch(function () { /* offline or gone: the page still works online */ });
}

/* Fetches one page for the patient `id` unless today's copy is kept; returns the links it names. */
function keepPage(id, path) {
  var name = PAGES + id, none = { assets: [], pages: [] };
  if (current !== id) return Promise.resolve(none);
  return caches.open(name).then(function (cache) {
    return cache.match(path).then(function (hit) {
      if (hit && hit.headers.get(KEPT_ON) === today()) return hit.text().then(linksIn);
      return fetch(path, { credentials: "same-origin", redirect: "follow" }).then(stamped).then(function (copy) {
        if (!copy || current !== id) return none;
        return cache.put(path, copy.clone()).then(function () { return copy.text(); }).then(linksIn);
      });
    });
  }).catch(function () { return none; });
}

function keep(id) {
  if (!/^[0-9a-f]{32}$/.test(id || "")) return clear();
  current = id;
  var seen = {};
  function walk(paths) {
    var fresh = paths.filter(function (p) { if (seen[p]) return false; seen[p] = true; return true; });
    return Promise.all(fresh.map(function (p) { return keepPage(id, p); })).then(function (found) {
      var assets = [], pages = [];
      found.forEach(function (f) { assets = assets.concat(f.assets); pages = pages.concat(f.pages); });
      return Promise.all(assets.filter(function (a, i) { return assets.indexOf(a) === i; }).map(keepAsset)).then(function () {
        return pages.length ? walk(pages) : null; // the modules linked from the kept pages, one level deeper
      });
    });
  }
  return clearPages(PAGES + id).then(function () { return walk(CONFIG.pages); }).then(function () {
    if (current === id) return true;
    return caches.delete(PAGES + id).then(function () { return false; }); // signed out meanwhile: keep nothing
  });
}

function clear() {
  current = null;
  return clearPages(null).then(function () { return false; });
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC).then(function (cache) {
      return Promise.all(CONFIG.assets.map(function (a) { return cache.add(a).catch(function () {}); }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("rugpad-static-") === 0 && n !== STATIC; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var source = event.source;
  work = work.then(function () {
    return data.type === "keep" ? keep(String(data.id || "")) : clear();
  }).then(function (kept) {
    if (source) source.postMessage({ type: kept ? "kept" : "cleared" });
  }).catch(function () {});
  event.waitUntil(work);
});

function fromStatic(request) {
  var url = new URL(request.url);
  if (HASHED.test(url.pathname)) {
    return caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) { var copy = response.clone(); caches.open(STATIC).then(function (c) { c.put(request, copy); }); }
        return response;
      });
    });
  }
  return fetch(request).then(function (response) {
    if (response.ok) { var copy = response.clone(); caches.open(STATIC).then(function (c) { c.put(request, copy); }); }
    return response;
  }, function () {
    return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
  });
}

function navigate(event) {
  var request = event.request, url = new URL(request.url), path = url.pathname + url.search;
  return fetch(request).then(function (response) {
    if (isKeptPath(path)) {
      // the page the patient opens is kept as it arrives (no second request), while their id is current
      var id = current;
      if (id) {
        event.waitUntil(stamped(response).then(function (copy) {
          if (copy && current === id) return caches.open(PAGES + id).then(function (c) { return c.put(path, copy); });
        }));
      }
    }
    return response;
  }, function () {
    return pageCaches().then(function (names) {
      if (names.length !== 1) return Response.error();
      return caches.open(names[0]).then(function (cache) {
        return cache.match(path).then(function (hit) {
          return hit || cache.match(url.pathname, { ignoreSearch: true });
        });
      }).then(function (hit) { return hit || Response.error(); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (!sameOrigin(url)) return;
  if (request.method === "POST" && url.pathname === CONFIG.logout) {
    // signing out: nothing of this person stays on the device, whatever the answer
    event.respondWith(clear().then(function () { return fetch(request); }));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf(CONFIG.static) === 0) { event.respondWith(fromStatic(request)); return; }
  if (request.mode === "navigate") event.respondWith(navigate(event));
});

// A reminder pushed by rugpad (`jobs/notify.py`): its text says only that there is something in rugpad; tapping it
// opens the patient's home.
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  event.waitUntil(
    self.registration.showNotification(data.title || "rugpad", { body: data.body || "", tag: "rugpad-reminder" })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(self.clients.openWindow("/me/"));
});
