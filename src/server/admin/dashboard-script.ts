/**
 * The dashboard's script, served as a file (`/admin/assets/dashboard.js`) so the page's CSP
 * needs no inline script. Plain browser JavaScript, in a string so the proxy (Node or a
 * bundle of it) carries it without reading files. It fetches the summary JSON and builds
 * every table with textContent only: product ids come from shoppers' browsers and are never
 * parsed as HTML. Charts are uPlot's (loaded before it); each has a table alternative.
 */
export const DASHBOARD_SCRIPT = `'use strict';
(function () {
  var main = document.getElementById('dashboard');
  var status = document.getElementById('status');
  var daysSelect = document.getElementById('days');
  var exportLink = document.getElementById('export');
  var charts = [];
  var number = new Intl.NumberFormat('en');
  var percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
  var EVENT_LABELS = {
    exposure: 'Product page views', impression: 'Button seen', open: 'Try-on opened', consent: 'Consent given', photo: 'Photo chosen',
    submit: 'Try-ons started', result: 'Results shown', error: 'Errors', add_to_cart: 'Add-to-carts', order: 'Orders'
  };
  var FUNNEL = ['exposure', 'impression', 'open', 'consent', 'photo', 'submit', 'result', 'add_to_cart', 'order'];

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function table(caption, headers, rows) {
    var t = el('table');
    t.appendChild(el('caption', caption));
    var head = t.createTHead().insertRow();
    headers.forEach(function (h, i) { var th = el('th', h); th.scope = 'col'; if (i) th.className = 'num'; head.appendChild(th); });
    var body = t.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      row.forEach(function (cell, i) {
        var c = i ? el('td', cell, 'num') : el('th', cell);
        if (!i) c.scope = 'row';
        tr.appendChild(c);
      });
    });
    if (!rows.length) { var empty = body.insertRow().insertCell(); empty.colSpan = headers.length; empty.textContent = 'Nothing yet.'; }
    return t;
  }

  function fill(id) {
    var node = document.getElementById(id);
    var parts = Array.prototype.slice.call(arguments, 1);
    node.replaceChildren.apply(node, parts.map(function (part) { return typeof part === 'string' ? document.createTextNode(part) : part; }));
  }

  function ms(value) { return value === null ? '–' : (value / 1000).toFixed(1) + ' s'; }
  function points(value) { return (value >= 0 ? '+' : '−') + Math.abs(value * 100).toFixed(2) + ' pp'; }

  function liftBlock(title, lift) {
    var box = el('div', null, 'lift');
    box.appendChild(el('h3', title));
    var counts = 'Treatment: ' + number.format(lift.treatment.conversions) + ' of ' + number.format(lift.treatment.exposures) + ' views; holdout: ' +
      number.format(lift.holdout.conversions) + ' of ' + number.format(lift.holdout.exposures) + ' views.';
    if (!lift.enough) {
      box.appendChild(el('p', 'Not enough data yet. ' + lift.reason, 'verdict'));
      box.appendChild(el('p', counts, 'counts'));
      return box;
    }
    box.appendChild(el('p', points(lift.difference) + ' (95% confidence interval ' + points(lift.lower) + ' to ' + points(lift.upper) + ')', 'big'));
    box.appendChild(el('p', percent.format(lift.treatmentRate) + ' with try-on vs ' + percent.format(lift.holdoutRate) + ' without' +
      (lift.relative === null ? '' : ' (' + (lift.relative >= 0 ? '+' : '−') + percent.format(Math.abs(lift.relative)) + ' relative)') + '.'));
    box.appendChild(el('p', lift.significant ? (lift.difference > 0 ? 'Try-on raises this rate: the interval is above zero.' : 'Try-on lowers this rate: the interval is below zero.')
      : 'No clear effect yet: the interval includes zero.', 'verdict'));
    box.appendChild(el('p', counts, 'counts'));
    return box;
  }

  function chart(id, days, series) {
    var box = document.getElementById(id);
    box.replaceChildren();
    if (typeof uPlot !== 'function') return;
    var xs = days.map(function (d) { return Date.parse(d.day + 'T12:00:00Z') / 1000; });
    var opts = {
      width: Math.max(280, box.clientWidth), height: 220, tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      scales: { x: { time: true } }, axes: [{}, { size: 48 }],
      series: [{}].concat(series.map(function (s) { return { label: s.label, stroke: s.color, width: 2, points: { show: true } }; }))
    };
    var data = [xs].concat(series.map(function (s) { return days.map(function (d) { return d[s.key]; }); }));
    charts.push({ plot: new uPlot(opts, data, box), box: box });
  }

  function render(s) {
    charts.forEach(function (c) { c.plot.destroy(); });
    charts = [];
    var others = s.experiments.slice(1).map(function (e) { return e.experiment + ' (' + e.from + ' to ' + e.to + ')'; });
    fill('experiment', s.lift.experiment === null ? 'No product page views in this period yet.' :
      'Experiment ' + s.lift.experiment + ', ' + s.experiments[0].from + ' to ' + s.experiments[0].to + '.' +
      (others.length ? ' Not pooled with the earlier ' + (others.length > 1 ? 'experiments' : 'experiment') + ' of this period: ' + others.join(', ') + '.' : ''));
    fill('lift', liftBlock('Add-to-cart rate', s.lift.addToCart), liftBlock('Order rate', s.lift.order));
    var top = Math.max(1, s.funnel.exposure);
    fill('funnel', table('Events from ' + s.from + ' to ' + s.to + ', both groups', ['Step', 'Count', 'Of page views'], FUNNEL.map(function (name) {
      return [EVENT_LABELS[name], number.format(s.funnel[name]), percent.format(s.funnel[name] / top)];
    })));
    chart('per-day-chart', s.perDay, [
      { key: 'tryOns', label: 'Try-ons started', color: '#1d4ed8' }, { key: 'results', label: 'Results shown', color: '#047857' }, { key: 'errors', label: 'Errors', color: '#b91c1c' }
    ]);
    fill('per-day-table', table('Try-ons per day', ['Day (UTC)', 'Try-ons', 'Results', 'Errors'], s.perDay.map(function (d) { return [d.day, d.tryOns, d.results, d.errors]; })));
    fill('latency', table('From submit to the result shown', ['Provider', 'Results', 'Median (p50)', 'p95'], s.latency.map(function (l) { return [l.provider, number.format(l.results), ms(l.p50), ms(l.p95)]; })));
    fill('errors', table('Errors shown to shoppers, by code', ['Code', 'Count'], s.errors.map(function (e) { return [e.code, number.format(e.count)]; })));
    var ratio = s.credits.used + s.credits.saved ? s.credits.saved / (s.credits.used + s.credits.saved) : 0;
    fill('credits', el('p', number.format(s.credits.used) + ' provider runs used credits; ' + number.format(s.credits.saved) + ' try-ons reused a result (' + percent.format(ratio) + ' saved).'));
    chart('credits-chart', s.perDay, [
      { key: 'upstreamRuns', label: 'Credits used', color: '#7c2d12' }, { key: 'cachedRuns', label: 'Credits saved', color: '#0f766e' }
    ]);
    fill('credits-table', table('Provider runs per day', ['Day (UTC)', 'Credits used', 'Credits saved'], s.perDay.map(function (d) { return [d.day, d.upstreamRuns, d.cachedRuns]; })));
    fill('orders', el('p', number.format(s.attribution.ordersAfterTryOn) + ' orders and ' + number.format(s.attribution.addToCartsAfterTryOn) + ' add-to-carts came from shoppers who tried something on.'),
      table('Order value by currency', ['Currency', 'All orders', 'After a try-on'], s.attribution.orderValue.map(function (v) { return [v.currency, v.all.toFixed(2), v.afterTryOn.toFixed(2)]; })));
    fill('products', table('The products tried on most', ['Product', 'Views', 'Opened', 'Try-ons', 'Results', 'Add-to-carts'], s.topProducts.map(function (p) {
      return [p.productId, number.format(p.exposure), number.format(p.open), number.format(p.submit), number.format(p.result), number.format(p.add_to_cart)];
    })));
  }

  function load() {
    var days = daysSelect.value;
    exportLink.href = main.dataset.export + '?days=' + days;
    status.textContent = 'Loading…';
    main.setAttribute('aria-busy', 'true');
    fetch(main.dataset.summary + '?days=' + days, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (response) {
        if (response.status === 401) { location.reload(); throw new Error('signed out'); }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (summary) {
        render(summary);
        status.textContent = 'Showing ' + summary.from + ' to ' + summary.to + ' (UTC).';
      })
      .catch(function (error) { status.textContent = 'Could not load the numbers: ' + error.message; })
      .finally(function () { main.removeAttribute('aria-busy'); });
  }

  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { charts.forEach(function (c) { c.plot.setSize({ width: Math.max(280, c.box.clientWidth), height: 220 }); }); }, 150);
  });
  daysSelect.addEventListener('change', load);
  load();
})();
`;
