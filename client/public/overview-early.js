// Opened at /overview: ask for the overview's figures while the console's code is still being
// downloaded and evaluated (~0.7 s of it), instead of after. Loaded from index.html with `async`,
// before the console's module script (the page's CSP allows scripts from this origin only, so it
// is a file, not inline). The console takes this answer for its first volume.overview query when it
// asks for the same input (client/features/volume/overview/early.ts); otherwise it is left unused.
// Kept to plain ES5-level JavaScript and to the ranges without dates: a custom range, or anything
// unexpected, leaves the first query to the console as before.
(function () {
  try {
    if (location.pathname !== "/overview" || typeof fetch !== "function") return;
    var p = new URLSearchParams(location.search);
    // The same defaults as overview/input.ts (overviewInputFromParams).
    var ranges = ["6h", "24h", "7d", "30d"];
    var raw = p.get("range");
    if (raw === "custom") return;
    var input = { range: ranges.indexOf(raw) >= 0 ? raw : "24h", chargeMeasure: p.get("charge") === "yen" ? "yen" : "count" };
    if (p.get("bank")) input.bank = p.get("bank");
    // The tRPC query's address as the console's link writes it, the input in superjson's shape ({ json }).
    var url = "/trpc/volume.overview?input=" + encodeURIComponent(JSON.stringify({ json: input }));
    window.__floodgateEarlyOverview = {
      input: input,
      response: fetch(url, { headers: { "x-floodgate-csrf": "1" }, credentials: "same-origin" }),
    };
  } catch (e) {
    // The console asks by itself.
  }
})();
