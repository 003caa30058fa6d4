import { escape } from 'html-escaper';

/**
 * Everything the pages need is inline (no CDN, no web font), so they work offline and behind
 * strict proxies. Colours come in light and dark sets; statuses are always also written out.
 */
const STYLE = `
:root { color-scheme: light dark;
  --bg: #f7f8fa; --card: #ffffff; --text: #1b1f24; --muted: #57606a; --line: #d8dee4;
  --ok: #1a7f37; --degraded: #b08800; --partial: #d1570f; --major: #cf222e; --none: #c4cbd3; --accent: #0969da;
  /* Words in a status colour need 4.5:1 on the page and cards (WCAG AA); the bars keep the brighter fills. */
  --degraded-text: #8a5a00; --partial-text: #b34700; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9da7b3; --line: #30363d;
  --ok: #3fb950; --degraded: #d29922; --partial: #f0883e; --major: #f85149; --none: #3b434c; --accent: #58a6ff;
  --degraded-text: var(--degraded); --partial-text: var(--partial); } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--text); }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; justify-content: space-between; gap: 8px; }
h1 { font-size: 1.45rem; margin: 8px 0; } h2 { font-size: 1.15rem; margin: 0; } h3 { font-size: 1rem; margin: 0; }
nav a { margin-right: 14px; color: var(--accent); } nav a[aria-current="page"] { font-weight: 600; color: var(--text); text-decoration: none; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin: 14px 0; }
.banner { display: flex; gap: 10px; align-items: center; font-weight: 600; font-size: 1.1rem; border-left: 6px solid var(--ok); }
.banner.bad { border-left-color: var(--major); } .banner.warn { border-left-color: var(--degraded); }
.badge { display: inline-flex; align-items: center; gap: 6px; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.badge::before { content: ""; width: 10px; height: 10px; border-radius: 50%; background: currentColor; }
.t-operational { color: var(--ok); } .t-degraded { color: var(--degraded-text); } .t-partial_outage { color: var(--partial-text); }
.t-major_outage { color: var(--major); } .t-no_data { color: var(--muted); }
.s-operational { fill: var(--ok); background: var(--ok); } .s-degraded { fill: var(--degraded); background: var(--degraded); }
.s-partial_outage { fill: var(--partial); background: var(--partial); } .s-major_outage { fill: var(--major); background: var(--major); }
.s-no_data { fill: var(--none); background: var(--none); }
.provider-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; flex-wrap: wrap; }
.model { border-top: 1px solid var(--line); padding: 10px 0 6px; margin-top: 10px; }
.model-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 4px 12px; align-items: baseline; }
.uptime { display: flex; gap: 14px; flex-wrap: wrap; font-size: .85rem; margin: 0; padding: 0; list-style: none; }
.uptime b { font-variant-numeric: tabular-nums; }
.strip { width: 100%; height: 34px; display: block; margin-top: 6px; }
.strip rect:focus { outline: none; stroke: var(--text); stroke-width: 1.5; }
.strip rect:hover { opacity: .75; }
.strip rect.routed { fill: var(--accent); pointer-events: none; } .legend i.routed { background: var(--accent); height: 4px; vertical-align: 2px; }
.routed-note::before { content: "▬ "; color: var(--accent); } .accuracy-words { margin: 6px 0 0; padding-left: 18px; }
.routed-words { font-size: .85rem; margin: 2px 0 0; padding: 0; list-style: none; } .routed-words li::before { content: "▬ "; color: var(--accent); }
.strip-axis { display: flex; justify-content: space-between; font-size: .75rem; color: var(--muted); }
.detail { min-height: 1.4em; font-size: .85rem; color: var(--muted); margin: 2px 0 0; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: .8rem; color: var(--muted); margin: 0; padding: 0; list-style: none; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th { white-space: nowrap; }
.scroll { overflow-x: auto; }
.chart { margin: 10px 0; } .chart figcaption { font-weight: 600; margin-bottom: 4px; }
.legend-inline { font-weight: 400; color: var(--muted); font-size: .8rem; }
.chart-rows { list-style: none; margin: 0; padding: 0; max-width: 680px; font-size: .85rem; }
.chart-rows li { display: grid; grid-template-columns: minmax(0, 200px) minmax(0, 1fr) 90px; gap: 2px 10px; align-items: center; padding: 2px 0; }
.chart-label { overflow-wrap: anywhere; } .chart-value { font-variant-numeric: tabular-nums; white-space: nowrap; }
.chart-track { width: 100%; height: 12px; display: block; }
.bar { fill: var(--accent); } .range { fill: var(--muted); } .p50 { fill: var(--text); } .p95 { fill: var(--accent); }
.more summary, .incident-detail summary { cursor: pointer; color: var(--accent); margin-top: 6px; }
.incident-detail ul { margin: 4px 0; padding-left: 18px; } .incident-detail p { margin: 4px 0; }
.due-soon { background: color-mix(in srgb, var(--major) 12%, transparent); } .due-soon th { box-shadow: inset 4px 0 0 var(--major); }
.soon { color: var(--major); font-weight: 600; }
table.claims tbody th { white-space: normal; overflow-wrap: anywhere; }
/* On a phone, each claim is a block of labelled lines rather than a row to scroll sideways. */
@media (max-width: 640px) {
  table.claims thead { display: none; }
  table.claims tr { display: block; padding: 6px 0; border-bottom: 1px solid var(--line); }
  table.claims th, table.claims td { display: block; border: 0; padding: 2px 8px; text-align: left; }
  table.claims td::before { content: attr(data-label) ": "; color: var(--muted); }
}
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
form.window { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
label { display: flex; flex-direction: column; font-size: .85rem; gap: 2px; }
input, button { font: inherit; padding: 5px 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--text); }
button { background: var(--accent); color: var(--card); font-weight: 600; border-color: var(--accent); cursor: pointer; }
a { color: var(--accent); }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.stale { color: var(--major); font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 600px) { main { padding: 10px; } .card { padding: 12px; } th, td { padding: 5px 6px; } .strip { height: 44px; }
  /* Incidents read as small blocks on a phone: every cell speaks for itself. */
  table.incidents thead { display: none; }
  table.incidents tr { display: block; padding: 8px 0; border-bottom: 1px solid var(--line); }
  table.incidents td { display: inline-block; border: 0; padding: 1px 10px 1px 0; text-align: left; }
  /* A chart row: the label on its own line, the mark and the figure under it. */
  .chart-rows li { grid-template-columns: minmax(0, 1fr) 80px; } .chart-label { grid-column: 1 / -1; }
  /* The key table fits a phone: rows stay in rank order without the rank column, a model's name
     goes under its provider's, headings wrap, figures do not. */
  table.key { font-size: .8rem; } table.key .rank { display: none; } table.accuracy { font-size: .75rem; }
  table.key tbody th { white-space: normal; overflow-wrap: break-word; } table.key .model-name { display: block; font-weight: 400; }
  table.key thead th, table.key td.words { white-space: normal; } table.key th, table.key td { padding: 5px 4px; } }
`;

/**
 * Day strips: hover or focus shows the day's words; arrow keys move between days (one tab stop
 * per strip); a tap shows them too. The live overview listens to /status/live (server-sent
 * events): on a status change, and every minute, it fetches the page again and swaps its content
 * in, and it says when it last heard from the service.
 */
const SCRIPT = `
const narrow = matchMedia('(max-width: 600px)');
const STEP = 5;
const PHONE_DAYS = 30;
function bindStrips(root) {
  for (const strip of root.querySelectorAll('svg.strip')) {
    const detail = document.getElementById(strip.dataset.detailFor);
    const bars = [...strip.querySelectorAll('rect[data-day]')];
    const show = (bar) => { if (detail) detail.textContent = bar.dataset.detail; };
    const moveTo = (to) => { for (const b of bars) b.tabIndex = -1; bars[to].tabIndex = 0; bars[to].focus(); };
    let first = 0;
    const showDays = () => {
      first = narrow.matches ? Math.max(0, bars.length - PHONE_DAYS) : 0;
      strip.setAttribute('viewBox', (first * STEP) + ' 0 ' + ((bars.length - first) * STEP - 1) + ' 32');
      const axis = strip.parentElement.querySelector('.strip-axis span');
      if (axis && bars[first]) axis.textContent = bars[first].dataset.day;
    };
    showDays();
    narrow.addEventListener('change', showDays);
    bars.forEach((bar, i) => {
      bar.addEventListener('mouseenter', () => show(bar));
      bar.addEventListener('focus', () => show(bar));
      bar.addEventListener('keydown', (e) => {
        const to = { ArrowLeft: i - 1, ArrowRight: i + 1, Home: first, End: bars.length - 1 }[e.key];
        if (to === undefined || !bars[to]) return;
        e.preventDefault();
        moveTo(to);
      });
    });
    // A tap (or click) anywhere on the strip: the day under it, however thin its bar.
    strip.addEventListener('click', (e) => {
      const box = strip.getBoundingClientRect();
      const index = first + Math.floor(((e.clientX - box.left) / box.width) * (bars.length - first));
      if (bars[index]) { moveTo(index); show(bars[index]); }
    });
  }
}
bindStrips(document);
const login = document.getElementById('login');
if (login) login.addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = new FormData(login).get('key');
  const response = await fetch(login.action, { method: 'POST', headers: { authorization: 'Bearer ' + key } });
  if (response.ok) location.reload();
  else document.getElementById('login-error').textContent = (await response.json()).message;
});
if (document.getElementById('live')) {
  const clock = (ms) => new Date(ms).toISOString().slice(11, 19) + ' UTC';
  let heard = null;
  let lost = null;
  const say = () => {
    const line = document.getElementById('live');
    if (!line) return;
    line.textContent = lost !== null ? 'Connection to the service lost at ' + clock(lost) + '; retrying. The figures below may be out of date.'
      : heard === null ? 'Live: connecting…' : 'Live: last heard from the service at ' + clock(heard) + '.';
    line.classList.toggle('stale', lost !== null);
  };
  let refreshing = false;
  const refresh = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store' });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').querySelector('main');
      const current = document.querySelector('main');
      if (!fresh || !current) return;
      // Open folds stay open.
      const open = new Set([...current.querySelectorAll('details[open][id]')].map((d) => d.id));
      for (const d of fresh.querySelectorAll('details[id]')) if (open.has(d.id)) d.open = true;
      current.replaceWith(fresh);
      bindStrips(fresh);
      say();
    } catch { /* the next change or minute tries again */ } finally { refreshing = false; }
  };
  const source = new EventSource(document.getElementById('live').dataset.stream);
  const hear = () => { heard = Date.now(); lost = null; say(); };
  source.addEventListener('open', hear);
  source.addEventListener('heartbeat', hear);
  source.addEventListener('status', () => { hear(); void refresh(); });
  source.addEventListener('error', () => { if (lost === null) lost = Date.now(); say(); });
  setInterval(refresh, 60000);
  say();
}
`;

export interface PageOptions {
  title: string;
  /** Which nav entry is current. */
  current: 'overview' | 'compare' | 'claims' | null;
  nonce: string;
  body: string;
  /** What the figures are (the status pages': provider-wide). */
  footer?: string;
}

const PROVIDER_WIDE = 'SLA Ledger — figures derived from the outcome events platforms report; every provider and model over all platforms.';

export function page({ title, current, nonce, body, footer = PROVIDER_WIDE }: PageOptions): string {
  const nav = (href: string, name: string, id: PageOptions['current']) =>
    `<a href="${href}"${current === id ? ' aria-current="page"' : ''}>${name}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escape(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<header class="top"><h1>${escape(title)}</h1><nav aria-label="Status pages">${nav('/status', 'Status', 'overview')}${nav('/status/compare', 'Compare vendors', 'compare')}${nav('/claims', 'Claims', 'claims')}</nav></header>
${body}
<p class="muted small">${escape(footer)}</p>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

/** The key form shown when the page is protected and no valid read key came with the request. */
export function loginPage(nonce: string, reason: string, title = 'SLA Ledger status'): string {
  return page({
    title,
    current: null,
    nonce,
    body: `<section class="card" aria-labelledby="login-title"><h2 id="login-title">Sign in with a read key</h2>
<p class="muted">${escape(reason)} The key is kept in an HTTP-only cookie for this browser; it is checked on every request.</p>
<form id="login" action="/status/session" method="post"><label>API key with the read scope<input name="key" type="password" autocomplete="off" required></label>
<button type="submit">Show the status</button></form><p id="login-error" role="alert" class="muted"></p></section>`,
  });
}
