// loopdoctor HTML report: the function table (sort, filter, pages) and the
// function view (callers and callees edge by edge, frames highlighted in
// the flame graph). The JSON in #ld-report holds every function and edge
// column by column (JSON.parse reads megabytes of it faster than a script
// evaluates the same as a literal); LDFLAME, the flame graph's data,
// lends its number formatting. Names are set with textContent only.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('ld-report').textContent), F = LDFLAME;
  var value = F.value, percent = F.percent;
  var n = D.label.length, i;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function count(v) {
    return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  // calls prints call counts as pstats does: "n" or "n/primitive".
  function calls(c, p) {
    if (c < 0) return '-';
    return p >= 0 && p !== c ? count(c) + '/' + count(p) : count(c);
  }
  function fnLink(id) {
    var a = el('a', null, 'fn');
    a.href = '#fn-' + id;
    a.appendChild(el('code', D.label[id]));
    return a;
  }

  // Edges by function, built once.
  var ins = [], outs = [], est = new Uint8Array(D.caller.length);
  for (i = 0; i < n; i++) { ins.push([]); outs.push([]); }
  for (i = 0; i < D.caller.length; i++) {
    outs[D.caller[i]].push(i);
    ins[D.callee[i]].push(i);
  }
  D.est.forEach(function (e) { est[e] = 1; });
  var finding = new Int32Array(n).fill(-1);
  for (i = D.findingFunc.length - 1; i >= 0; i--) finding[D.findingFunc[i]] = i;

  // The function table. Each column has a sort key and a cell.
  var perCall = function (v, c) { return c > 0 ? v / c : 0; };
  var columns = [
    {title: 'own', key: function (k) { return D.own[k]; }, cell: function (k) { return value(D.own[k]); }},
    {title: 'own %', key: function (k) { return D.own[k]; }, cell: function (k) { return percent(D.own[k], D.total); }},
    {title: 'cum', key: function (k) { return D.cum[k]; }, cell: function (k) { return value(D.cum[k]); }},
    {title: 'cum %', key: function (k) { return D.cum[k]; }, cell: function (k) { return percent(D.cum[k], D.total); }}
  ];
  if (D.hasCalls) {
    columns.push(
      {title: 'calls', key: function (k) { return D.calls[k]; }, cell: function (k) { return calls(D.calls[k], D.prim[k]); }},
      {title: 'own/call', key: function (k) { return perCall(D.own[k], D.calls[k]); }, cell: function (k) { return value(perCall(D.own[k], D.calls[k])); }},
      {title: 'cum/call', key: function (k) { return perCall(D.cum[k], D.prim[k]); }, cell: function (k) { return value(perCall(D.cum[k], D.prim[k])); }});
  }
  columns.push({title: 'function', text: true, key: function (k) { return D.label[k]; }, cell: fnLink});

  // keys are what the filter matches, as --focus does: file:line(name).
  var keys = new Array(n);
  for (i = 0; i < n; i++) keys[i] = D.files[D.file[i]] + ':' + D.line[i] + '(' + D.name[i] + ')';

  var PAGE = 100;
  // The table starts sorted as the report was (--sort), by cum when the
  // profile has no such column.
  var sortCol = columns.findIndex(function (c) { return c.title === D.sort; });
  if (sortCol < 0) sortCol = 2;
  var shown = [], page = 0, descending = !columns[sortCol].text;
  var table = $('fn-table'), body = table.tBodies[0], head = table.tHead.rows[0];
  var filter = $('fn-filter');

  columns.forEach(function (c, k) {
    var th = el('th', c.title);
    th.setAttribute('data-col', k);
    th.title = 'sort by ' + c.title;
    if (!c.text) th.className = 'num';
    head.appendChild(th);
  });
  head.addEventListener('click', function (evt) {
    var k = evt.target.getAttribute('data-col');
    if (k === null) return;
    k = +k;
    descending = k === sortCol ? !descending : !columns[k].text;
    sortCol = k;
    sortRows();
  });

  function sortRows() {
    var key = columns[sortCol].key, sign = descending ? -1 : 1;
    var vals = new Array(n);
    shown.forEach(function (k) { vals[k] = key(k); });
    shown.sort(function (a, b) {
      var x = vals[a], y = vals[b];
      if (x < y) return -sign;
      if (x > y) return sign;
      return a - b;
    });
    for (var k = 0; k < head.cells.length; k++) {
      head.cells[k].classList.toggle('sorted', k === sortCol);
      head.cells[k].classList.toggle('asc', k === sortCol && !descending);
    }
    page = 0;
    draw();
  }

  function applyFilter() {
    var re = null;
    filter.classList.remove('bad');
    if (filter.value) {
      try { re = new RegExp(filter.value); } catch (e) { filter.classList.add('bad'); }
    }
    shown = [];
    for (var k = 0; k < n; k++) if (re === null || re.test(keys[k])) shown.push(k);
    sortRows();
  }
  filter.addEventListener('input', applyFilter);

  function draw() {
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    page = Math.min(Math.max(page, 0), pages - 1);
    var rows = document.createDocumentFragment();
    shown.slice(page * PAGE, (page + 1) * PAGE).forEach(function (k) {
      var tr = el('tr');
      tr.style.borderLeftColor = D.originColors[D.origin[k]];
      tr.title = D.originNames[D.origin[k]];
      columns.forEach(function (c) {
        var td = el('td', null, c.text ? '' : 'num'), v = c.cell(k);
        if (typeof v === 'string') td.textContent = v; else td.appendChild(v);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    body.textContent = '';
    body.appendChild(rows);
    $('fn-count').textContent = shown.length === n ? count(n) + ' functions' : count(shown.length) + ' of ' + count(n) + ' functions';
    $('fn-page').textContent = 'page ' + (page + 1) + ' of ' + pages;
    $('fn-prev').disabled = page === 0;
    $('fn-next').disabled = page >= pages - 1;
  }
  $('fn-prev').addEventListener('click', function () { page--; draw(); });
  $('fn-next').addEventListener('click', function () { page++; draw(); });

  var legend = $('fn-legend');
  D.originNames.forEach(function (name, k) {
    var sw = el('span', null, 'swatch');
    sw.style.background = D.originColors[k];
    legend.appendChild(sw);
    legend.appendChild(document.createTextNode(name + ' '));
  });

  // The function view.
  var frames = document.querySelectorAll('#ld-frames rect');
  var current = -1;

  function edgeTable(role, edges, other, whole) {
    var wrap = el('div');
    wrap.appendChild(el('h3', (role === 'caller' ? 'Callers' : 'Callees') + ' (' + edges.length + ')'));
    if (!edges.length) {
      wrap.appendChild(el('p', 'No ' + role + 's recorded.', 'hint'));
      return wrap;
    }
    var t = el('table', null, role + 's'), tr = el('tr');
    // The share is of this function's cum: how much of it came through
    // each caller, or went to each callee.
    var titles = ['cum', '% of cum', 'own'];
    if (D.hasCalls) titles.push('calls');
    titles.push(role);
    titles.forEach(function (h, k) { tr.appendChild(el('th', h, k < titles.length - 1 ? 'num' : '')); });
    t.appendChild(el('thead')).appendChild(tr);
    var tb = t.appendChild(el('tbody'));
    edges.slice().sort(function (a, b) { return D.ecum[b] - D.ecum[a] || a - b; }).forEach(function (e) {
      var row = el('tr');
      row.appendChild(el('td', value(D.ecum[e]), 'num'));
      row.appendChild(el('td', percent(D.ecum[e], whole), 'num'));
      row.appendChild(el('td', value(D.eown[e]), 'num'));
      if (D.hasCalls) row.appendChild(el('td', calls(D.ecalls[e], D.eprim[e]), 'num'));
      var td = el('td');
      td.appendChild(fnLink(other[e]));
      if (est[e]) td.appendChild(el('span', ' (estimated)', 'hint'));
      row.appendChild(td);
      tb.appendChild(row);
    });
    wrap.appendChild(t);
    return wrap;
  }

  // openFunction shows function id in the view and highlights its frames.
  function openFunction(id) {
    if (!(id >= 0 && id < n) || id === current) return;
    current = id;
    var view = $('fn-view');
    view.textContent = '';
    view.appendChild(el('h3', D.label[id], 'fn-title'));
    view.appendChild(el('p', keys[id], 'hint'));
    var facts = 'own ' + value(D.own[id]) + ' (' + percent(D.own[id], D.total) + ') · cum ' + value(D.cum[id]) +
      ' (' + percent(D.cum[id], D.total) + ')';
    if (D.hasCalls) facts += ' · calls ' + calls(D.calls[id], D.prim[id]);
    var lit = 0;
    for (var k = 0; k < frames.length; k++) {
      var on = D.frameFunc[k] === id;
      frames[k].classList.toggle('sel', on);
      if (on) lit++;
    }
    facts += ' · ' + lit + ' frame' + (lit === 1 ? '' : 's') + ' highlighted in the flame graph';
    view.appendChild(el('p', facts, 'facts'));
    if (finding[id] >= 0) {
      var p = el('p', null, 'finding-ref'), a = el('a', 'finding ' + (finding[id] + 1) + ': ' + D.findingTitle[finding[id]]);
      a.href = '#finding-' + finding[id];
      p.appendChild(a);
      view.appendChild(p);
    }
    var cols = el('div', null, 'edges');
    cols.appendChild(edgeTable('caller', ins[id], D.caller, D.cum[id]));
    cols.appendChild(edgeTable('callee', outs[id], D.callee, D.cum[id]));
    view.appendChild(cols);
  }

  function fromHash() {
    var m = /^#fn-(\d+)$/.exec(location.hash);
    if (m) {
      openFunction(+m[1]);
      $('function').scrollIntoView();
    }
  }
  // Links open the view at once; the hash keeps the browser's back button.
  document.addEventListener('click', function (evt) {
    var a = evt.target.closest && evt.target.closest('a.fn');
    if (a) {
      openFunction(+a.getAttribute('href').slice(4));
      return;
    }
    var k = evt.target.ldIndex;
    if (k !== undefined && D.frameFunc[k] >= 0) openFunction(D.frameFunc[k]);
  });
  window.addEventListener('hashchange', fromHash);

  applyFilter();
  fromHash();
  window.LDREADY = performance.now();
})();
