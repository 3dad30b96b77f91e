/**
 * @internal The dashboard's script, inlined in the page (allowed by its hash in the page's
 * Content-Security-Policy, which also enforces Trusted Types: no HTML is ever parsed from data).
 *
 * It reads `tick` and `transition` events from `events` (EventSource, relative to the page, so the
 * handler may sit under any path), keeps the last minutes of each card's figures for its charts, and
 * sends control commands with the token the operator gives once (kept in sessionStorage). Every name,
 * key and message reaches the page through `textContent` or an attribute, never as markup.
 */
// biome-ignore lint/complexity/noUselessStringRaw: backslashes in it must reach the browser as written.
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('bw-config').textContent);
  var base = location.pathname.endsWith('/') ? location.pathname : location.pathname + '/';
  var TOKEN_KEY = 'breakwater:token:' + location.origin + base;
  var HISTORY = 300;
  var MIN_SPAN = 60;
  var SEVERITY = { closed: 0, forced_closed: 1, half_open: 2, open: 3, forced_open: 4 };
  var LABEL = { closed: 'CLOSED', open: 'OPEN', half_open: 'HALF-OPEN', forced_open: 'FORCED OPEN', forced_closed: 'FORCED CLOSED' };
  var STATES = ['forced_open', 'open', 'half_open', 'forced_closed', 'closed'];
  var SVG = 'http://www.w3.org/2000/svg';
  var COLOURS = { rate: '#a5d6ff', err: '#ff7b72', p50: '#58a6ff', p99: '#f0883e' };
  /** The health mark of a breaker that refuses calls, or tests recovery: never the error-rate green. */
  var MARK = { open: '#f85149', forced_open: '#e8743b', half_open: '#d29922' };
  /** Why a breaker opened (metrics().openReason), as an operator reads it. */
  var WHY = {
    failure_threshold: 'too many failures in a row',
    failure_rate: 'failure rate over its threshold',
    slow_call_rate: 'slow-call rate over its threshold',
    trial_failed: 'a trial call failed',
    half_open_timeout: 'its trial calls timed out',
    manual_open: 'opened by hand',
    force_open: 'forced open by an operator',
    remote: 'followed the fleet',
    restored: 'restored open from a saved state'
  };
  var cards = new Map();
  var order = [];
  var interval = 1000;
  var lastErrors = new Map();
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    return node;
  }
  function fixed(value, digits) {
    return value === null || value === undefined ? '—' : value.toFixed(digits);
  }
  function rate(value) {
    if (value === null || value === undefined) return '—';
    if (value >= 1000) return (value / 1000).toFixed(1) + 'k';
    return value >= 100 ? value.toFixed(0) : value.toFixed(1);
  }
  function percent(value) {
    if (value === null || value === undefined) return '—';
    var p = value * 100;
    return (p === 0 || p >= 10 ? p.toFixed(0) : p.toFixed(1)) + '%';
  }
  function ms(value) {
    if (value === null || value === undefined) return '—';
    if (value >= 10000) return (value / 1000).toFixed(0) + ' s';
    if (value >= 1000) return (value / 1000).toFixed(1) + ' s';
    return (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)) + ' ms';
  }
  function duration(value) {
    var s = Math.max(0, value) / 1000;
    if (s < 60) return s.toFixed(1) + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + Math.floor(s % 60) + ' s';
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  /** The reasons that are figures crossing a rule (the others are a person's, or the fleet's, decision). */
  var TRIPS = { failure_threshold: 1, failure_rate: 1, slow_call_rate: 1, trial_failed: 1, half_open_timeout: 1 };
  function refuses(state) { return state === 'open' || state === 'forced_open'; }
  function plural(n, one, many) { return n + ' ' + (n === 1 ? one : many); }
  /** A stat's value, its unit smaller ('42.1 ms' → 42.1 and ms), so that the number has the room. */
  function setStat(node, text) {
    var at = text.indexOf(' ');
    if (at === -1) { node.replaceChildren(document.createTextNode(text)); return; }
    node.replaceChildren(document.createTextNode(text.slice(0, at)), el('span', 'unit', text.slice(at)));
  }
  function clock(at) {
    var d = new Date(at);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map(function (n) { return String(n).padStart(2, '0'); }).join(':');
  }
  /** Green at 0 % errors, through amber, to red from 50 %. */
  function health(errorRate) {
    var e = Math.min(1, Math.max(0, (errorRate || 0) / 0.5));
    return 'hsl(' + Math.round(130 * (1 - e)) + ', 68%, ' + (48 + 4 * e) + '%)';
  }

  // ---- token and control ----------------------------------------------------------------------
  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function setToken(value) {
    try { if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY); } catch (e) {}
    $('token-button').textContent = value ? 'Forget token' : 'Set token';
    if (!value) { lastErrors.clear(); cards.forEach(function (card) { showLastError(card); }); }
    else pollErrors();
  }
  var pendingToken = null;
  function askToken() {
    return new Promise(function (resolve) {
      pendingToken = resolve;
      $('token-input').value = '';
      $('token-dialog').showModal();
      $('token-input').focus();
    });
  }
  function answerToken(value) {
    var resolve = pendingToken;
    pendingToken = null;
    $('token-dialog').close();
    if (value) setToken(value);
    if (resolve) resolve(value || null);
  }
  function toast(text, error) {
    var node = el('div', 'toast' + (error ? ' error' : ''), text);
    $('toasts').append(node);
    setTimeout(function () { node.remove(); }, error ? 7000 : 3500);
  }
  function control(name, command, button) {
    var given = token();
    (given ? Promise.resolve(given) : askToken()).then(function (value) {
      if (!value) return;
      if (button) button.disabled = true;
      return fetch(base + 'breakers/' + encodeURIComponent(name) + '/' + command, {
        method: 'POST', headers: { authorization: 'Bearer ' + value }, cache: 'no-store'
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) {
            toast(name + ': ' + command.replace('-', ' ') + ' done');
            if (body && body.breaker && body.breaker.state) setState(name, body.breaker.state);
            return;
          }
          if (response.status === 401) { setToken(null); toast('The token was refused: give it again', true); return; }
          toast(name + ': ' + ((body && body.message) || ('HTTP ' + response.status)), true);
        });
      }).catch(function () { toast(name + ': the server could not be reached', true); })
        .finally(function () { if (button) button.disabled = false; });
    });
  }
  function pollErrors() {
    var value = token();
    if (!value || config.scope !== 'instance') return;
    fetch(base + 'breakers', { headers: { authorization: 'Bearer ' + value }, cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return;
        lastErrors.clear();
        body.breakers.forEach(function (b) { if (b.metrics && b.metrics.lastError) lastErrors.set(b.name, b.metrics.lastError); });
        cards.forEach(function (card) { showLastError(card); });
      })
      .catch(function () {});
  }

  // ---- cards -----------------------------------------------------------------------------------
  function chart(caption, wide, legend) {
    var figure = el('figure', 'chart' + (wide ? ' wide' : ''));
    var cap = el('figcaption');
    cap.append(el('span', '', caption));
    var right = el('span', 'legend');
    var max = el('span', 'max');
    right.append(max);
    (legend || []).forEach(function (entry) { var s = el('span', 'key', entry[0]); s.style.color = entry[1]; right.append(s); });
    cap.append(right);
    var box = svg('svg', { viewBox: '0 0 300 40', preserveAspectRatio: 'none', role: 'img', 'aria-label': caption });
    figure.append(cap, box);
    return { figure: figure, svg: box, max: max };
  }
  function stat(label) {
    var box = el('div');
    var value = el('dd', '', '—');
    box.append(el('dt', '', label), value);
    return { box: box, value: value };
  }
  function button(text, kind, title, onClick) {
    var node = el('button', kind, text);
    node.type = 'button';
    node.title = title;
    node.addEventListener('click', function () { onClick(node); });
    return node;
  }

  function createCard(item) {
    var card = { name: item.name, kind: item.kind, history: [], item: item, retryAt: null };
    var root = el('article', 'card');
    root.dataset.name = item.name;
    var head = el('div', 'head');
    var bubble = svg('svg', { class: 'bubble', viewBox: '0 0 64 64', 'aria-hidden': 'true' });
    card.halo = svg('circle', { cx: 32, cy: 32, r: 12, opacity: 0.18 });
    card.dot = svg('circle', { cx: 32, cy: 32, r: 8, opacity: 0.9 });
    // A refusing breaker's mark is a no-entry sign: the bar shows only then.
    card.bar = svg('rect', { x: 26, y: 30, width: 12, height: 4, rx: 1.5, fill: '#fff', opacity: 0 });
    bubble.append(card.halo, card.dot, card.bar);
    card.bubble = bubble;
    var ident = el('div', 'ident');
    card.title = el('h3', 'name', item.name);
    card.title.title = item.name;
    card.meta = el('div', 'meta');
    ident.append(card.title, card.meta);
    card.pill = el('span', 'pill');
    head.append(bubble, ident, card.pill);
    var line = el('div', 'line');
    card.retry = el('span', 'retry');
    card.reason = el('span', 'reason');
    line.append(card.retry, card.reason);
    card.why = el('div', 'why');
    card.whyHead = el('div', 'why-head');
    card.whyFigures = el('div', 'why-figures');
    card.why.append(card.whyHead, card.whyFigures);
    card.why.hidden = true;
    var stats = el('dl', 'stats');
    var fleet = config.scope === 'fleet';
    card.stats = fleet
      ? [stat('window'), stat('failures'), stat('instances'), stat('state for')]
      : [stat('calls/s'), stat('failures'), stat('p50'), stat('p99')];
    card.stats.forEach(function (s) { stats.append(s.box); });
    var charts = el('div', 'charts');
    card.rateChart = chart(fleet ? 'calls in window' : 'calls/s', false);
    card.errChart = chart('failure %', false);
    charts.append(card.rateChart.figure, card.errChart.figure);
    if (!fleet) {
      card.latChart = chart('latency', true, [['p50', COLOURS.p50], ['p99', COLOURS.p99]]);
      charts.append(card.latChart.figure);
    }
    card.span = el('div', 'span');
    root.append(head, line, card.why, stats, charts, card.span);
    if (item.kind === 'group') {
      card.states = el('div', 'states');
      card.keys = el('ul', 'keys');
      card.more = el('p', 'more');
      root.append(card.states, card.keys, card.more);
    }
    card.error = el('p', 'last-error');
    card.error.hidden = true;
    root.append(card.error);
    if (config.control) {
      var actions = el('div', 'actions');
      var name = item.name;
      if (item.kind === 'group') {
        actions.append(button('Reset group', 'safe', 'Reset every breaker of this group', function (b) { control(name, 'reset', b); }));
      } else {
        actions.append(
          button('Open', 'danger', 'Open now; trial calls after its open period', function (b) { control(name, 'open', b); }),
          button('Force open', 'warn', 'Refuse every call until reset', function (b) { control(name, 'force-open', b); }),
          button('Force close', 'info', 'Admit every call, never trip, until reset', function (b) { control(name, 'force-close', b); }),
          button('Reset', 'safe', 'Closed, counts cleared', function (b) { control(name, 'reset', b); })
        );
      }
      root.append(actions);
    }
    card.root = root;
    return card;
  }

  function setState(name, state) {
    var card = cards.get(name);
    if (!card) return;
    card.state = state;
    card.root.className = 'card s-' + state + (card.root.classList.contains('flash') ? ' flash' : '');
    card.pill.className = 'pill s-' + state;
    card.pill.textContent = pillText(card, state);
    if (state !== 'open') card.retryAt = null;
    showRetry(card);
  }

  /** A breaker's state in words; a keyed group's share of keys in its worst state ('3 of 20 open'). */
  function pillText(card, state) {
    var item = card.item;
    if (card.kind !== 'group' || !item.states) return LABEL[state] || state;
    var keys = item.keys;
    if (refuses(state)) return item.open + ' of ' + keys + ' open';
    if (state === 'half_open') return item.states.half_open + ' of ' + keys + ' half-open';
    if (state === 'forced_closed') return item.states.forced_closed + ' of ' + keys + ' forced closed';
    return LABEL[state] || state;
  }

  /**
   * The health mark: its size follows the call rate; its colour the error rate while calls pass, but
   * a breaker that refuses calls is red (orange when forced) with a no-entry bar, and a half-open one
   * an amber ring: never the green of a healthy breaker.
   */
  function paintMark(card, state, errorRate, r) {
    var look = refuses(state) ? 'refusing' : state === 'half_open' ? 'trial' : 'rate';
    var colour = look === 'rate' ? health(errorRate) : MARK[state];
    card.bubble.setAttribute('data-look', look);
    card.bubble.setAttribute('data-colour', colour);
    card.dot.setAttribute('r', r.toFixed(1));
    card.halo.setAttribute('r', (r + 3).toFixed(1));
    card.halo.setAttribute('fill', colour);
    if (look === 'trial') {
      card.dot.setAttribute('fill', 'none');
      card.dot.setAttribute('stroke', colour);
      card.dot.setAttribute('stroke-width', Math.max(2.5, r * 0.35).toFixed(1));
    } else {
      card.dot.setAttribute('fill', colour);
      card.dot.removeAttribute('stroke');
    }
    var w = r * 1.25, h = Math.max(3, r * 0.32);
    card.bar.setAttribute('x', (32 - w / 2).toFixed(1));
    card.bar.setAttribute('y', (32 - h / 2).toFixed(1));
    card.bar.setAttribute('width', w.toFixed(1));
    card.bar.setAttribute('height', h.toFixed(1));
    card.bar.setAttribute('opacity', look === 'refusing' ? '0.95' : '0');
  }

  /** The figures of a window: what tripped a breaker while it is open. */
  function windowFigures(item, reason) {
    if (item.windowCalls === 0) return 'no calls counted in its window';
    var text = percent(item.failureRate) + ' failures (' + item.failures + ' of ' + plural(item.windowCalls, 'call', 'calls') + ')';
    if (reason === 'failure_threshold' && item.consecutiveFailures) text += ' · ' + item.consecutiveFailures + ' in a row';
    if (item.slowCallRate > 0) text += ' · ' + percent(item.slowCallRate) + ' slow';
    return text;
  }

  /** Why a breaker refuses calls or tests recovery, and the figures that tripped it; hidden otherwise. */
  function showWhy(card, item, state) {
    if (refuses(state) && item.openReason) { card.openReason = item.openReason; card.openedBy = item.openedBy; }
    if (state === 'closed' || state === 'forced_closed') card.openReason = null;
    var head;
    if (card.kind === 'group') {
      if (!(item.open > 0) && state !== 'half_open') { card.why.hidden = true; return; }
      var half = item.states.half_open;
      head = item.open > 0
        ? plural(item.open, 'key refuses', 'keys refuse') + ' calls' + (half > 0 ? ', ' + half + ' more testing recovery' : '')
        : plural(half, 'key is', 'keys are') + ' testing recovery';
      card.whyHead.textContent = head;
      card.whyFigures.textContent = 'keys’ windows: ' + windowFigures(item, null);
      card.why.hidden = false;
      return;
    }
    if (!refuses(state) && state !== 'half_open') { card.why.hidden = true; return; }
    var reason = refuses(state) ? item.openReason : card.openReason;
    var by = refuses(state) ? item.openedBy : card.openedBy;
    var why = reason ? (WHY[reason] || String(reason).replace(/_/g, ' ')) : null;
    if (state === 'half_open') head = 'testing recovery with trial calls' + (why ? ' · opened: ' + why : '');
    else head = (state === 'forced_open' ? 'refusing every call' : 'refusing calls') + (why ? ': ' + why : '');
    if (by) head += ' (decided by ' + by + ')';
    card.whyHead.textContent = head;
    // What this breaker counted: what tripped it, unless another instance decided for the fleet.
    var label = reason === 'remote' ? 'this instance’s window: '
      : reason && !TRIPS[reason] ? 'its window when opened: '
      : state === 'half_open' ? 'last trip: ' : 'tripped at: ';
    card.whyFigures.textContent = label + windowFigures(item, reason);
    card.why.hidden = false;
  }

  function showRetry(card) {
    var item = card.item;
    if (card.state === 'open' && card.retryAt !== null) card.retry.textContent = 'retry in ' + duration(card.retryAt - Date.now());
    else if (card.state === 'forced_open') card.retry.textContent = 'refusing calls until reset';
    else if (card.state === 'forced_closed') card.retry.textContent = 'admitting every call until reset';
    else if (card.state === 'half_open') card.retry.textContent = 'trial calls';
    else if (item.kind === 'group' && item.notClosedCount > 0) card.retry.textContent = item.notClosedCount + ' not closed';
    else card.retry.textContent = '';
  }

  function showLastError(card) {
    var message = lastErrors.get(card.name);
    var show = message && card.state !== 'closed';
    card.error.hidden = !show;
    card.error.textContent = show ? 'last error: ' + message : '';
  }

  function updateCard(card, item, maxRate, receivedAt) {
    card.item = item;
    setState(item.name, item.state);
    card.retryAt = item.retryIn === null ? null : receivedAt + item.retryIn;
    showRetry(card);
    card.meta.replaceChildren();
    if (item.kind === 'group') card.meta.append(el('span', 'badge', 'keyed · ' + item.keys + (item.keys === 1 ? ' key' : ' keys')));
    if (item.instances !== undefined) card.meta.append(el('span', 'badge', item.instances + (item.instances === 1 ? ' instance' : ' instances')));
    if (item.critical) card.meta.append(el('span', 'badge crit', 'critical'));
    if (item.reason) card.lastReason = item.reason;
    card.reason.textContent = item.rejected > 0 && item.rate !== null
      ? 'refusing ' + rate(item.rejected / (interval / 1000)) + '/s'
      : card.lastReason && card.why.hidden ? card.lastReason.replace(/_/g, ' ') : '';

    var errorRate = item.errorRate === null ? item.failureRate : item.errorRate;
    var known = item.rate !== null ? item.rate : item.windowCalls;
    var share = maxRate > 0 ? Math.sqrt(Math.min(known, maxRate) / maxRate) : 0;
    paintMark(card, card.state, errorRate, 7 + 21 * share);
    showWhy(card, item, card.state);

    var s = card.stats;
    if (config.scope === 'fleet') {
      setStat(s[0].value, String(item.windowCalls));
      setStat(s[1].value, percent(item.failureRate));
      setStat(s[2].value, String(item.instances === undefined ? '—' : item.instances));
      if (card.state !== card.since) { card.since = card.state; card.sinceAt = receivedAt; }
      setStat(s[3].value, duration(receivedAt - card.sinceAt));
    } else {
      setStat(s[0].value, rate(item.rate));
      setStat(s[1].value, percent(item.failureRate));
      setStat(s[2].value, ms(item.p50));
      setStat(s[3].value, ms(item.p99));
    }
    s[1].value.className = item.failureRate >= 0.2 ? 'bad' : '';

    card.history.push({
      rate: config.scope === 'fleet' ? item.windowCalls : item.rate,
      err: config.scope === 'fleet' ? item.failureRate : item.errorRate,
      p50: item.p50, p99: item.p99
    });
    if (card.history.length > HISTORY) card.history.shift();
    drawCharts(card);

    if (item.kind === 'group') updateGroup(card, item);
    showLastError(card);
  }

  function updateGroup(card, item) {
    card.states.replaceChildren();
    STATES.forEach(function (state) {
      var n = item.states[state];
      if (!n && state !== 'closed') return;
      var chip = el('span', 'chip s-' + state);
      chip.append(el('i'), el('b', '', n), document.createTextNode(' ' + LABEL[state].toLowerCase()));
      card.states.append(chip);
    });
    card.keys.replaceChildren();
    item.notClosed.forEach(function (member) {
      var li = el('li');
      var prefix = item.name + ':';
      var key = member.name.indexOf(prefix) === 0 ? member.name.slice(prefix.length) : member.name;
      var label = el('span', 'key', key);
      label.title = member.name;
      var pill = el('span', 'pill small s-' + member.state, LABEL[member.state] || member.state);
      li.append(label, pill);
      if (config.control) li.append(button('reset', '', 'Reset ' + member.name, function (b) { control(member.name, 'reset', b); }));
      card.keys.append(li);
    });
    card.keys.hidden = item.notClosed.length === 0;
    var rest = item.notClosedCount - item.notClosed.length;
    card.more.hidden = rest <= 0;
    card.more.textContent = rest > 0 ? '+ ' + rest + ' more not closed' : '';
  }

  function series(history, key, scale) {
    var span = Math.max(MIN_SPAN, history.length) - 1;
    var offset = Math.max(MIN_SPAN, history.length) - history.length;
    var segments = [];
    var current = [];
    history.forEach(function (point, i) {
      var v = point[key];
      if (v === null || v === undefined) { if (current.length) segments.push(current); current = []; return; }
      var x = ((offset + i) / Math.max(1, span)) * 300;
      var y = 38 - (scale > 0 ? Math.min(v, scale) / scale : 0) * 34;
      current.push(x.toFixed(1) + ',' + y.toFixed(1));
    });
    if (current.length) segments.push(current);
    return segments;
  }
  function draw(box, history, lines, scale) {
    box.replaceChildren();
    lines.forEach(function (line) {
      series(history, line.key, scale).forEach(function (points) {
        if (points.length === 1) {
          var xy = points[0].split(',');
          box.append(svg('circle', { cx: xy[0], cy: xy[1], r: 1.6, fill: line.colour }));
          return;
        }
        if (line.fill) {
          var first = points[0].split(',')[0];
          var last = points[points.length - 1].split(',')[0];
          box.append(svg('path', { d: 'M' + first + ',40 L' + points.join(' L') + ' L' + last + ',40 Z', fill: line.colour, opacity: 0.16 }));
        }
        box.append(svg('polyline', { points: points.join(' '), stroke: line.colour }));
      });
    });
  }
  function peak(history, keys) {
    var max = 0;
    history.forEach(function (point) { keys.forEach(function (key) { if (point[key] > max) max = point[key]; }); });
    return max;
  }
  function drawCharts(card) {
    var h = card.history;
    var rateMax = peak(h, ['rate']);
    draw(card.rateChart.svg, h, [{ key: 'rate', colour: COLOURS.rate, fill: true }], rateMax * 1.15);
    card.rateChart.max.textContent = rateMax > 0 ? 'max ' + rate(rateMax) : '';
    var errMax = peak(h, ['err']);
    draw(card.errChart.svg, h, [{ key: 'err', colour: COLOURS.err, fill: true }], Math.max(0.05, errMax * 1.15));
    card.errChart.max.textContent = errMax > 0 ? 'max ' + percent(errMax) : '';
    if (card.latChart) {
      var latMax = peak(h, ['p50', 'p99']);
      draw(card.latChart.svg, h, [{ key: 'p99', colour: COLOURS.p99 }, { key: 'p50', colour: COLOURS.p50 }], latMax * 1.15);
      card.latChart.max.textContent = latMax > 0 ? 'max ' + ms(latMax) : '';
    }
    var seconds = (h.length * interval) / 1000;
    card.span.textContent = 'last ' + (seconds < 90 ? Math.round(seconds) + ' s' : Math.round(seconds / 60) + ' min');
  }

  function worse(a, b) {
    var sa = SEVERITY[a.state], sb = SEVERITY[b.state];
    if (sa !== sb) return sb - sa;
    var ea = a.item.failureRate, eb = b.item.failureRate;
    if (ea !== eb) return eb - ea;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  }
  function arrange() {
    var sorted = Array.from(cards.values()).sort(worse);
    var same = sorted.length === order.length && sorted.every(function (card, i) { return card === order[i]; });
    if (!same) { order = sorted; $('cards').replaceChildren.apply($('cards'), sorted.map(function (card) { return card.root; })); }
    applyFilter();
    var counts = {};
    sorted.forEach(function (card) { counts[card.state] = (counts[card.state] || 0) + 1; });
    var summary = $('summary');
    summary.replaceChildren();
    var total = el('span', 'chip');
    total.append(el('b', '', sorted.length), document.createTextNode(sorted.length === 1 ? ' breaker' : ' breakers'));
    summary.append(total);
    STATES.forEach(function (state) {
      if (!counts[state] || state === 'closed') return;
      var chip = el('span', 'chip s-' + state);
      chip.append(el('i'), el('b', '', counts[state]), document.createTextNode(' ' + LABEL[state].toLowerCase()));
      summary.append(chip);
    });
    $('empty').hidden = sorted.length > 0;
  }
  function applyFilter() {
    var text = $('filter').value.trim().toLowerCase();
    cards.forEach(function (card) { card.root.hidden = text !== '' && card.name.toLowerCase().indexOf(text) === -1; });
  }

  function onTick(tick) {
    interval = tick.interval || 1000;
    var receivedAt = Date.now();
    var maxRate = 0;
    tick.items.forEach(function (item) {
      var known = item.rate !== null ? item.rate : item.windowCalls;
      if (known > maxRate) maxRate = known;
    });
    var seen = new Set();
    tick.items.forEach(function (item) {
      seen.add(item.name);
      var card = cards.get(item.name);
      if (!card || card.kind !== item.kind) { card = createCard(item); cards.set(item.name, card); }
      updateCard(card, item, maxRate, receivedAt);
    });
    cards.forEach(function (card, name) { if (!seen.has(name)) { cards.delete(name); card.root.remove(); } });
    arrange();
    var banner = $('banner');
    banner.hidden = !tick.error;
    banner.textContent = tick.error ? tick.error + ' — showing the last figures received' : '';
  }

  function onTransition(t) {
    var card = cards.get(t.group !== undefined ? t.group : t.name);
    if (card) {
      if (t.group === undefined) {
        setState(t.name, t.to);
        card.lastReason = t.reason;
        // The mark and the reason follow at once; the figures come with the next tick.
        if (refuses(t.to)) { card.item = Object.assign({}, card.item, { openReason: t.reason, openedBy: null }); }
        var item = card.item;
        paintMark(card, t.to, item.errorRate === null ? item.failureRate : item.errorRate, Number(card.dot.getAttribute('r')) || 8);
        showWhy(card, item, t.to);
      }
      card.root.classList.remove('flash');
      void card.root.offsetWidth;
      card.root.classList.add('flash');
      arrange();
    }
    var feed = $('feed');
    var none = feed.querySelector('.none');
    if (none) none.remove();
    var li = el('li');
    li.append(el('time', '', clock(t.at)), el('span', 'who', t.name));
    var how = el('span', 'how');
    how.append(document.createTextNode((LABEL[t.from] || t.from).toLowerCase() + ' → '), el('span', 'to s-' + t.to, (LABEL[t.to] || t.to).toLowerCase()),
      document.createTextNode(' · ' + String(t.reason).replace(/_/g, ' ')));
    li.append(how);
    feed.prepend(li);
    while (feed.children.length > 60) feed.lastElementChild.remove();
  }

  // ---- connection ------------------------------------------------------------------------------
  var source = null;
  var retryDelay = 1000;
  function setConnection(state, text) {
    var node = $('conn');
    node.className = 'conn ' + state;
    node.lastElementChild.textContent = text;
  }
  function connect() {
    source = new EventSource(base + 'events');
    source.addEventListener('open', function () { retryDelay = 1000; setConnection('live', 'live'); });
    source.addEventListener('tick', function (event) { onTick(JSON.parse(event.data)); });
    source.addEventListener('transition', function (event) { onTransition(JSON.parse(event.data)); });
    source.addEventListener('error', function () {
      if (source.readyState === EventSource.CLOSED) {
        // Refused (503: too many clients, or closed): EventSource gives up; try again, backing off.
        setConnection('offline', 'offline · retrying');
        source.close();
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(30000, retryDelay * 2);
      } else {
        setConnection('reconnecting', 'reconnecting');
      }
    });
  }

  // ---- start -----------------------------------------------------------------------------------
  document.title = config.title;
  $('title').textContent = config.title;
  $('scope').textContent = config.scope === 'fleet' ? 'fleet · shared state' : 'this instance';
  $('filter').addEventListener('input', applyFilter);
  $('token-button').hidden = !config.control;
  $('readonly').hidden = config.control;
  $('token-button').addEventListener('click', function () {
    if (token()) setToken(null); else askToken();
  });
  $('token-form').addEventListener('submit', function (event) {
    event.preventDefault();
    answerToken($('token-input').value.trim());
  });
  $('token-cancel').addEventListener('click', function () { answerToken(null); });
  $('token-dialog').addEventListener('cancel', function () { answerToken(null); });
  setToken(token());
  setInterval(function () { cards.forEach(showRetry); }, 200);
  setInterval(pollErrors, 5000);
  connect();
})();
`;
