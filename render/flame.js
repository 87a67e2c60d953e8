// loopdoctor flame graph: hover details, click to zoom, regex search.
// LDFLAME (defined just before this script) holds the frames in preorder:
// four integers each (function index, depth, value, flags); the <rect>s in
// #ld-frames are drawn from the same list in the same order.
(function () {
  'use strict';
  var D = LDFLAME;
  var NS = 'http://www.w3.org/2000/svg';
  var FLAG_EST = 1, FLAG_FINDING = 2;
  var n = D.frames.length / 4;
  var fn = new Int32Array(n), depth = new Int32Array(n), val = new Float64Array(n), flags = new Int32Array(n);
  var start = new Float64Array(n), end = new Int32Array(n), used = new Float64Array(n);
  var stack = [], i;
  for (i = 0; i < n; i++) {
    fn[i] = D.frames[4 * i];
    depth[i] = D.frames[4 * i + 1];
    val[i] = D.frames[4 * i + 2];
    flags[i] = D.frames[4 * i + 3];
    while (stack.length > depth[i]) end[stack.pop()] = i;
    if (stack.length) {
      var p = stack[stack.length - 1];
      start[i] = start[p] + used[p];
      used[p] += val[i];
    }
    stack.push(i);
  }
  while (stack.length) end[stack.pop()] = n;

  var $ = function (id) { return document.getElementById(id); };
  var svg = $('ldflame');
  var rects = $('ld-frames').getElementsByTagName('rect');
  var outlines = $('ld-outlines').getElementsByTagName('rect');
  var labels = $('ld-labels'), details = $('ld-details'), tip = $('ld-tip');
  var reset = $('ld-reset'), matchedText = $('ld-matched'), input = $('ld-search');
  for (i = 0; i < n; i++) rects[i].ldIndex = i;

  function sig3(v) {
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function count(v) {
    return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }
  // value formats a frame value as render.Value does in Go.
  function value(raw) {
    var v = raw / D.scale, a = Math.abs(v);
    if (D.unit === 'seconds') {
      if (a === 0) return '0 s';
      if (a >= 1) return sig3(v) + ' s';
      if (a >= 1e-3) return sig3(v * 1e3) + ' ms';
      if (a >= 1e-6) return sig3(v * 1e6) + ' µs';
      return sig3(v * 1e9) + ' ns';
    }
    if (D.unit === 'bytes') {
      var units = ['B', 'kB', 'MB', 'GB', 'TB'], k = 0;
      while (Math.abs(v) >= 1000 && k < units.length - 1) { v /= 1000; k++; }
      return k === 0 ? count(v) + ' B' : sig3(v) + ' ' + units[k];
    }
    return count(v);
  }
  function percent(part, whole) {
    return whole > 0 ? (100 * part / whole).toFixed(part / whole >= 0.1 ? 1 : 2) + '%' : '0%';
  }
  // The HTML report formats its numbers with the same two functions.
  D.value = value;
  D.percent = percent;
  // fitLabel mirrors fitFrame in flame.go.
  function fitLabel(name, w) {
    var fit = Math.floor((w - 6) / 6.6);
    if (fit < 3) return '';
    var chars = Array.from(name);
    return chars.length <= fit ? name : chars.slice(0, fit - 2).join('') + '..';
  }
  function y(d) {
    return D.inverted ? D.top + d * D.fh : D.top + (D.maxDepth - d) * D.fh;
  }

  var zoomed = 0;
  // layout places every frame for the current zoom: the zoomed frame's
  // subtree fills the width, its ancestors span it faded, the rest hide.
  function layout() {
    var base = start[zoomed], span = val[zoomed] || 1, k;
    var pos = new Float64Array(n), wid = new Float64Array(n);
    while (labels.firstChild) labels.removeChild(labels.firstChild);
    for (k = 0; k < n; k++) {
      var r = rects[k], x, w;
      if (k >= zoomed && k < end[zoomed]) {
        x = (start[k] - base) / span * D.plot;
        w = val[k] / span * D.plot;
        r.classList.remove('anc');
      } else if (k < zoomed && zoomed < end[k]) {
        x = 0;
        w = D.plot;
        r.classList.add('anc');
      } else {
        r.setAttribute('display', 'none');
        continue;
      }
      pos[k] = x;
      wid[k] = w;
      r.removeAttribute('display');
      r.setAttribute('x', (D.pad + x).toFixed(1));
      r.setAttribute('width', (w > 1 ? w - 0.5 : w).toFixed(1));
      var text = fitLabel(D.funcs[fn[k]][0], w);
      if (text) {
        var t = document.createElementNS(NS, 'text');
        t.setAttribute('x', (D.pad + x + 3).toFixed(1));
        t.setAttribute('y', y(depth[k]) + D.fh - 5);
        t.textContent = text;
        labels.appendChild(t);
      }
    }
    for (k = 0; k < outlines.length; k++) {
      var o = outlines[k], j = +o.getAttribute('data-i');
      if (rects[j].getAttribute('display') === 'none') {
        o.setAttribute('display', 'none');
      } else {
        o.removeAttribute('display');
        o.setAttribute('x', (D.pad + pos[j]).toFixed(1));
        o.setAttribute('width', (wid[j] > 1 ? wid[j] - 0.5 : wid[j]).toFixed(1));
      }
    }
    reset.classList.toggle('hidden', zoomed === 0);
  }
  function zoom(k) {
    zoomed = k;
    layout();
  }

  function describe(k) {
    var f = D.funcs[fn[k]], lines = [f[0]];
    if (f[1]) lines.push(f[1]);
    lines.push(value(val[k]) + ' · ' + percent(val[k], val[0]) + ' of total' +
      (zoomed > 0 && k !== zoomed ? ' · ' + percent(val[k], val[zoomed]) + ' of zoomed frame' : ''));
    if (D.diff) {
      var b = D.diff[2 * k], v = D.diff[2 * k + 1];
      lines.push('base ' + value(b) + ' → new ' + value(v) + ' · change ' + (v > b ? '+' : '') + value(v - b) +
        (b > 0 ? ' (' + (v > b ? '+' : '') + percent(v - b, b) + ')' : ' (new path)') + (v === 0 ? ' · vanished' : ''));
    }
    // Call counts are per function: cProfile does not record them per path.
    if (f[2]) lines.push('calls: ' + f[2] + ' (all paths)');
    if (flags[k] & FLAG_EST) lines.push('estimated: time split among callers in proportion to the recorded edges');
    if (f[3]) lines.push(f[3]);
    if (f[4]) lines.push(f[4]);
    return lines;
  }
  function showTip(k, evt) {
    var lines = describe(k), text = tip.getElementsByTagName('text')[0];
    while (text.firstChild) text.removeChild(text.firstChild);
    lines.forEach(function (line, j) {
      var span = document.createElementNS(NS, 'tspan');
      span.setAttribute('x', 8);
      span.setAttribute('dy', j === 0 ? 16 : 15);
      if (j === 0) span.setAttribute('font-weight', 'bold');
      span.textContent = line;
      text.appendChild(span);
    });
    tip.classList.remove('hidden');
    var box = text.getBBox(), bg = tip.getElementsByTagName('rect')[0];
    bg.setAttribute('width', box.width + 16);
    bg.setAttribute('height', box.height + 10);
    var pt = svg.createSVGPoint();
    pt.x = evt.clientX;
    pt.y = evt.clientY;
    var m = svg.getScreenCTM();
    if (m) pt = pt.matrixTransform(m.inverse());
    var W = D.plot + 2 * D.pad, tx = pt.x + 14, ty = pt.y + 14;
    if (tx + box.width + 16 > W) tx = Math.max(0, pt.x - box.width - 30);
    var H = +svg.getAttribute('height');
    if (ty + box.height + 10 > H) ty = Math.max(0, pt.y - box.height - 24);
    tip.setAttribute('transform', 'translate(' + tx.toFixed(0) + ',' + ty.toFixed(0) + ')');
    details.textContent = lines[0] + ' — ' + lines[lines.length > 2 ? 2 : 1];
  }

  var frames = $('ld-frames');
  frames.addEventListener('mousemove', function (evt) {
    if (evt.target.ldIndex !== undefined) showTip(evt.target.ldIndex, evt);
  });
  frames.addEventListener('mouseout', function () {
    tip.classList.add('hidden');
    details.textContent = ' ';
  });
  frames.addEventListener('click', function (evt) {
    var k = evt.target.ldIndex;
    if (k !== undefined) zoom(k === zoomed ? 0 : k);
  });
  reset.addEventListener('click', function () { zoom(0); });

  // search highlights frames whose name or location matches and shows the
  // share of the total they cover, each nested match counted once.
  function search(pattern) {
    var re = null, k;
    input.classList.remove('bad');
    if (pattern) {
      try { re = new RegExp(pattern); } catch (e) { input.classList.add('bad'); }
    }
    var hit = D.funcs.map(function (f) { return re !== null && (re.test(f[0]) || re.test(f[1])); });
    var matched = 0, until = 0;
    for (k = 0; k < n; k++) {
      var m = hit[fn[k]];
      rects[k].classList.toggle('m', m);
      if (m && k >= until) {
        matched += val[k];
        until = end[k];
      }
    }
    matchedText.textContent = re === null ? '' : 'Matched: ' + percent(matched, val[0]) + ' (' + value(matched) + ')';
  }
  input.addEventListener('input', function () { search(input.value); });
  // Keys typed into another input (the HTML report's filter) are left
  // alone, and inside a page the browser keeps Ctrl+F for itself.
  var standalone = document.documentElement === svg;
  document.addEventListener('keydown', function (evt) {
    if (evt.target !== input && evt.target instanceof HTMLInputElement) return;
    if (evt.key === 'Escape') {
      input.value = '';
      search('');
      zoom(0);
    } else if ((standalone && evt.key === 'f' && (evt.ctrlKey || evt.metaKey)) || (evt.key === '/' && evt.target !== input)) {
      evt.preventDefault();
      input.focus();
    }
  });
})();
