/**
 * The dashboard's HTML pages and stylesheet. No inline script or style (the CSP forbids
 * both); everything dynamic is done by dashboard-script.ts from the summary JSON.
 */

/** The admin pages' Content-Security-Policy: own scripts, styles, fetches and form posts only. */
export const ADMIN_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function shell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body>
${body}
</body>
</html>
`;
}

/** The sign-in form (a failed attempt shows why, announced to screen readers). */
export function loginPage({ base, assets, failed }: { base: string; assets: string; failed?: string }): string {
  return shell(
    'Sign in — Fitting Room dashboard',
    `<link rel="stylesheet" href="${escapeHtml(assets)}/dashboard.css">`,
    `<main class="login">
<h1>Fitting Room dashboard</h1>
<form method="post" action="${escapeHtml(base)}/admin/login">
${failed ? `<p class="problem" role="alert">${escapeHtml(failed)}</p>` : ''}
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false"${failed ? ' aria-invalid="true"' : ''}>
<p class="hint">The value of FITTING_ROOM_ADMIN_TOKEN on the proxy.</p>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

/** The dashboard; its numbers arrive from `{base}/admin/api/summary`. */
export function dashboardPage({ base, assets, uplot }: { base: string; assets: string; uplot: string }): string {
  const b = escapeHtml(base);
  const a = escapeHtml(assets);
  const section = (id: string, title: string, inner: string) => `<section aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>${inner}</section>`;
  const chartWithTable = (id: string, label: string) =>
    `<div id="${id}-chart" class="chart" role="img" aria-label="${label} (chart; the same numbers are in the table below)"></div><details><summary>${label} as a table</summary><div id="${id}-table"></div></details>`;
  return shell(
    'Try-on analytics — Fitting Room',
    `<link rel="stylesheet" href="${a}/${uplot}.min.css">
<link rel="stylesheet" href="${a}/dashboard.css">
<script src="${a}/${uplot}.min.js" defer></script>
<script src="${a}/dashboard.js" defer></script>`,
    `<header>
<h1>Try-on analytics</h1>
<form method="post" action="${b}/admin/logout"><button type="submit">Sign out</button></form>
</header>
<main id="dashboard" data-summary="${b}/admin/api/summary" data-export="${b}/admin/export.csv">
<div class="controls">
<label for="days">Period</label>
<select id="days"><option value="7">Last 7 days</option><option value="30" selected>Last 30 days</option><option value="90">Last 90 days</option></select>
<a id="export" href="${b}/admin/export.csv?days=30" download>Download the counts (CSV)</a>
</div>
<p id="status" role="status">Loading…</p>
${section('lift', 'Lift from try-on', '<p class="hint">A random share of browsers (the holdout) never sees the button. Comparing the two groups per product page view measures what try-on adds, not who chooses to use it. Differences are in percentage points (pp).</p><p id="experiment"></p><div id="lift" class="lifts"></div>')}
${section('funnel', 'Funnel', '<div id="funnel"></div>')}
${section('per-day', 'Try-ons per day', chartWithTable('per-day', 'Try-ons per day'))}
${section('latency', 'Time to result', '<div id="latency"></div>')}
${section('errors', 'Errors by code', '<div id="errors"></div>')}
${section('credits', 'Provider credits', `<div id="credits"></div>${chartWithTable('credits', 'Provider runs per day')}`)}
${section('orders', 'Orders after a try-on', '<div id="orders"></div>')}
${section('products', 'Top products', '<div id="products" class="scroll" tabindex="0" role="region" aria-label="Top products (scrolls sideways on narrow screens)"></div>')}
</main>`,
  );
}

export const DASHBOARD_CSS = `:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #d0d0d0; --accent: #1d4ed8; font-family: system-ui, sans-serif; color: var(--ink); background: #fff; }
body { margin: 0; line-height: 1.45; }
header { display: flex; flex-wrap: wrap; gap: 0.5rem; justify-content: space-between; align-items: center; padding: 0.75rem 1rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
h3 { font-size: 1rem; margin: 0 0 0.25rem; }
main { padding: 1rem; max-width: 72rem; margin: 0 auto; display: grid; gap: 1.25rem; }
section { border: 1px solid var(--line); border-radius: 8px; padding: 1rem; min-width: 0; }
.controls { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
.hint, .counts { color: var(--muted); font-size: 0.9rem; }
.lifts { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.big { font-size: 1.25rem; font-weight: 600; margin: 0.25rem 0; }
.verdict { font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: start; color: var(--muted); font-size: 0.9rem; padding-bottom: 0.25rem; }
th, td { text-align: start; padding: 0.3rem 0.5rem; border-bottom: 1px solid var(--line); }
th[scope=row] { font-weight: normal; overflow-wrap: anywhere; }
.num { text-align: end; }
td.num { white-space: nowrap; }
.scroll { overflow-x: auto; }
.chart { min-height: 1rem; overflow: hidden; }
details { margin-top: 0.5rem; }
button, select, input { font: inherit; padding: 0.45rem 0.8rem; border: 1px solid #6b6b6b; border-radius: 6px; background: #fff; color: var(--ink); min-height: 44px; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.login { max-width: 24rem; margin-top: 10vh; }
.login form { display: grid; gap: 0.5rem; }
.problem { color: #b91c1c; font-weight: 600; }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
`;
