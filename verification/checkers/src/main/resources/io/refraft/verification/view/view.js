// refraft view: draws the trace embedded in this page (see io.refraft.verification.view.TraceView).
// Plain JavaScript, no build step, no network. Steps are in the validator's order; step i (0-based)
// is shown as #i+1, or, for a model checker's counterexample, by the number `spec check` prints.
'use strict';
(function () {
  // A step's line: its fields for the step panel, positionally (StepJson; expand() names them as
  // traces/FORMAT.md does), a tab, and the step's data array, written by StepEncoder (the one writer)
  // and read only here, in the layout F. A received message the page holds is {"ref": its number}.
  const F = { node: 0, file: 1, line: 2, time: 3, seq: 4, kind: 5, label: 6, recv: 7, dup: 8, recvCode: 9, sent: 10,
    term: 11, vote: 12, role: 13, commit: 14, last: 15, lastTerm: 16, leader: 17, log: 18, roleDetail: 19,
    actions: 20, composed: 21, rolledBack: 22, diverged: 23 };
  // Input kinds with a color of their own; any other kind (a newer format's) is drawn grey and listed
  // by its name: adding a kind needs no change here unless it wants a color.
  const KINDS = { MessageReceived: '#4a6fa5', ElectionTimeout: '#d08a00', HeartbeatTimeout: '#7a8a99',
    ClientPropose: '#2e9d5b', ReadIndexRequest: '#8b59c7', Restart: '#c0241a' };
  const MESSAGES = { RVq: 'RequestVoteRequest', RVr: 'RequestVoteResponse', pVq: 'RequestVoteRequest (pre-vote)',
    pVr: 'RequestVoteResponse (pre-vote)', AEq: 'AppendEntriesRequest', AEr: 'AppendEntriesResponse',
    ISq: 'InstallSnapshotRequest', ISr: 'InstallSnapshotResponse', TN: 'TimeoutNow' };
  const ROLES = ['Follower', 'PreCandidate', 'Candidate', 'Leader'];
  const ROLE_COLORS = ['#eef1f5', '#fbeccb', '#fcd9a8', '#cfe8d4'];
  const LANE_H = 46, LOG_H = 22, TOP = 18;

  const meta = JSON.parse(document.getElementById('rf-meta').textContent);
  const verdict = JSON.parse(document.getElementById('rf-verdict').textContent);
  const header = meta.header;
  const nodes = header.nodes.concat(header.joining || []); // the initial members, then the servers that join (FORMAT.md §3)
  const N = nodes.length;
  const ACTIONS = meta.actions;
  const counterexample = header.source && header.source.implementation === 'refraft-spec-model-checker';

  // ---- load: one pass over the lines, typed arrays for what the diagram draws ----
  const t0 = performance.now();
  const text = document.getElementById('rf-steps').textContent;
  const lines = [];
  const E = [];
  for (let at = 0; at < text.length;) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (nl > at) {
      const tab = text.indexOf('\t', at);
      E.push(JSON.parse(text.slice(tab + 1, nl)));
      lines.push([at, tab]);
    }
    at = nl + 1;
  }
  const S = E.length;
  const t1 = performance.now();
  const node = new Int32Array(S), term = new Float64Array(S), role = new Int8Array(S);
  const prevSame = new Int32Array(S);
  const CK = 1024; // every CK steps, each node's latest step, to find states at any step quickly
  const checkpoints = [];
  const sendStep = [], firstRecv = [], msgFrom = [], msgTo = [], msgCode = [];
  const logVersions = []; // per node, per index: [step, term, step, term, ...] (term < 0: a no-op)
  const truncated = new Uint8Array(S);
  const lastRecv = new Float64Array(N * N).fill(-1), lastRestart = new Float64Array(N).fill(-1);
  let duplicates = 0;
  let divergedAt = -1;
  {
    const latest = new Int32Array(N).fill(-1);
    for (let n = 0; n < N; n++) logVersions.push([null]);
    const lens = new Float64Array(N);
    for (let s = 0; s < S; s++) {
      if (s % CK === 0) checkpoints.push(Int32Array.from(latest));
      const e = E[s], n = e[F.node];
      e[F.actions] = e[F.actions].map(a => ACTIONS[a]);
      if (e[F.kind] === 'MessageReceived' && e[F.label] === '' && e[F.recv] >= 0 && msgFrom[e[F.recv]] !== undefined) {
        e[F.label] = '← ' + nodes[msgFrom[e[F.recv]]] + ' ' + (MESSAGES[e[F.recvCode]] || e[F.recvCode]);
      } else if (e[F.kind] === 'MessageReceived' && e[F.label] === '') e[F.label] = '← ' + (MESSAGES[e[F.recvCode]] || '');
      node[s] = n; term[s] = e[F.term]; role[s] = e[F.role];
      prevSame[s] = latest[n]; latest[n] = s;
      const sent = e[F.sent];
      for (let k = 0; k < sent.length; k += 3) {
        const id = sent[k];
        sendStep[id] = s; msgFrom[id] = n; msgTo[id] = sent[k + 1]; msgCode[id] = sent[k + 2];
        if (firstRecv[id] === undefined) firstRecv[id] = -1;
      }
      const r = e[F.recv];
      if (r >= 0 && !e[F.dup] && firstRecv[r] === -1) firstRecv[r] = s;
      if (r >= 0 && msgFrom[r] !== undefined) {
        const ch = msgFrom[r] * N + msgTo[r];
        if (r > lastRecv[ch]) lastRecv[ch] = r;
        if (e[F.dup]) duplicates++;
      }
      if (e[F.kind] === 'Restart') lastRestart[n] = s;
      const d = e[F.log];
      if (d) {
        const keep = d[0];
        if (keep < lens[n]) truncated[s] = 1;
        const v = logVersions[n];
        for (let j = 1; j < d.length; j++) {
          const idx = keep + j;
          (v[idx] || (v[idx] = [])).push(s, d[j]);
        }
      }
      lens[n] = e[F.last];
      if (e[F.diverged] === 1) divergedAt = s;
    }
    checkpoints.push(Int32Array.from(latest));
  }
  // A message's fate, for its arrow: delivered (received at least once); dropped when never received
  // though a later message on its channel (same sender, same recipient) was, or either end restarted
  // after sending it (its connection and queues died); otherwise still in flight when the trace ends.
  // The trace records no drops: this is the evidence it holds.
  const DELIVERED = 0, DROPPED = 1, IN_FLIGHT = 2;
  const fate = new Int8Array(sendStep.length);
  const counts = { sent: 0, delivered: 0, duplicates: duplicates, dropped: 0, inFlight: 0 };
  for (let id = 0; id < sendStep.length; id++) {
    if (sendStep[id] === undefined) continue;
    counts.sent++;
    const f = firstRecv[id] >= 0 ? DELIVERED
      : (lastRecv[msgFrom[id] * N + msgTo[id]] > id || lastRestart[msgFrom[id]] > sendStep[id]
        || lastRestart[msgTo[id]] > sendStep[id]) ? DROPPED : IN_FLIGHT;
    fate[id] = f;
    if (f === DELIVERED) counts.delivered++; else if (f === DROPPED) counts.dropped++; else counts.inFlight++;
  }
  const t2 = performance.now();
  if (divergedAt < 0 && verdict.divergence) {
    const d = verdict.divergence;
    for (let s = S - 1; s >= 0; s--) {
      if (nodes[node[s]] === d.node && E[s][F.seq] === d.seq) { divergedAt = s; break; }
    }
  }

  function fields(s) { return expand(E[s], JSON.parse(text.slice(lines[s][0], lines[s][1]))); }
  const MSG_TYPES = { RVq: 'RequestVoteRequest', pVq: 'RequestVoteRequest', RVr: 'RequestVoteResponse',
    pVr: 'RequestVoteResponse', AEq: 'AppendEntriesRequest', AEr: 'AppendEntriesResponse' };
  function payload(p) {
    if (p === 0) return { type: 'NoOp' };
    return typeof p === 'object' ? Object.assign({ type: 'Configuration' }, p) : { type: 'Data', data: p };
  }
  function entries(flat) {
    const out = [];
    for (let i = 0; i < flat.length; i += 2) out.push(Object.assign({ term: flat[i] }, payload(flat[i + 1])));
    return out;
  }
  /** A message as traces/FORMAT.md writes it, from StepJson.message's array (an object is already so). */
  function message(a) {
    if (!Array.isArray(a)) return a;
    const [code, from, to, seq, t] = a;
    const m = { id: nodes[from] + '/' + nodes[to] + '/' + seq, type: MSG_TYPES[code], from: nodes[from], to: nodes[to], term: t };
    const pre = code[0] === 'p';
    if (code === 'RVq' || code === 'pVq') Object.assign(m, { lastLogIndex: a[5], lastLogTerm: a[6], preVote: pre });
    else if (code === 'RVr' || code === 'pVr') Object.assign(m, { voteGranted: a[5] === 1, preVote: pre });
    else if (code === 'AEq') {
      Object.assign(m, { prevLogIndex: a[5], prevLogTerm: a[6], entries: entries(a[7]), leaderCommit: a[8] });
      if (a[9]) m.round = a[9];
    } else if (code === 'AEr') {
      Object.assign(m, { success: a[5] === 1, matchIndex: a[6], conflictIndex: a[7], conflictTerm: a[8] });
      if (a[9]) m.round = a[9];
    }
    return m;
  }
  /** The step panel's fields from StepJson's array: [input, actions, state, persisted, sent, reads, applied]. */
  function expand(e, d) {
    const input = Object.assign({ type: e[F.kind] }, d[0]);
    if (input.message) input.message = message(input.message);
    if (input.payloads) input.payloads = input.payloads.map(payload);
    const f = { input: input, sent: d[4].map(message) };
    if (d[1] === 1) f.actions = 1; else if (d[1]) f.actions = d[1];
    if (d[2]) f.state = d[2];
    if (d[3]) {
      f.persisted = {};
      if (d[3][0]) f.persisted.hardState = { term: d[3][0][0], vote: d[3][0][1] };
      if (d[3][1]) f.persisted.log = { from: d[3][1][0], entries: entries(d[3][1][1]) };
      if (d[3][2]) {
        f.persisted.snapshot = { index: d[3][2][0], term: d[3][2][1], digest: d[3][2][2] };
        if (d[3][2][3]) f.persisted.snapshot.configuration = d[3][2][3];
      }
    }
    if (d[5]) f.reads = d[5];
    if (d[6]) f.applied = d[6];
    return f;
  }
  /** Step s as its trace line has it (traces/FORMAT.md §5), rebuilt on demand. */
  function stepOf(s) {
    const e = E[s], f = fields(s);
    const out = { node: nodes[e[F.node]], seq: e[F.seq] };
    if (e[F.time] >= 0) out.time = e[F.time];
    out.input = f.input;
    if (f.input.ref !== undefined) {
      const from = sendStep[f.input.ref], sent = E[from][F.sent];
      let k = 0;
      while (sent[3 * k] !== f.input.ref) k++;
      out.input = { type: f.input.type, message: fields(from).sent[k] };
    }
    if (f.actions === 1) out.actions = e[F.actions]; else if (f.actions) out.actions = f.actions;
    out.state = f.state || { term: e[F.term], vote: e[F.vote] < 0 ? null : nodes[e[F.vote]], role: ROLES[e[F.role]],
      commitIndex: e[F.commit], lastLogIndex: e[F.last], lastLogTerm: e[F.lastTerm], leader: e[F.leader] < 0 ? null : nodes[e[F.leader]] };
    if (f.persisted) out.persisted = f.persisted;
    out.sent = f.sent;
    if (f.reads) out.reads = f.reads;
    if (f.applied) out.applied = f.applied;
    return out;
  }
  function number(s) { return counterexample && E[s][F.time] >= 0 ? E[s][F.time] : s + 1; }
  /** Each node's latest step at or before s (-1: none yet). */
  function latestAt(s) {
    const c = Math.floor((s + 1) / CK);
    const out = Int32Array.from(checkpoints[Math.min(c, checkpoints.length - 1)]);
    for (let t = c * CK; t <= s && t < S; t++) out[node[t]] = t;
    return out;
  }
  /** Node n's log after its step s (s = -1: empty): [[term, noop], ...]. */
  function logAt(n, s) {
    const len = s < 0 ? 0 : E[s][F.last];
    const v = logVersions[n], out = [];
    for (let i = 1; i <= len; i++) {
      const a = v[i];
      let lo = 0, hi = a ? a.length / 2 - 1 : -1, found = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (a[2 * mid] <= s) { found = a[2 * mid + 1]; lo = mid + 1; } else hi = mid - 1;
      }
      out.push(found);
    }
    return out;
  }
  /** A role's bookkeeping after step s: the last whole record ("=...") with the changed parts since laid over it. */
  function roleDetailAt(s) {
    const later = new Map();
    for (let t = s; t >= 0; t = prevSame[t]) {
      const d = E[t][F.roleDetail];
      if (d === 0) continue;
      const full = d[0] === '=';
      const parts = (full ? d.slice(1) : d).split('; ').filter(Boolean);
      if (!full) { for (const p of parts) { const k = p.split(' ')[0]; if (!later.has(k)) later.set(k, p); } continue; }
      return parts.map(p => later.get(p.split(' ')[0]) || p).join('; ');
    }
    return '';
  }
  function termColor(t) {
    if (t <= 0) return '#ffffff';
    const h = (t * 67) % 360;
    return 'hsl(' + h + ',62%,' + (t % 2 ? 72 : 62) + '%)';
  }

  // ---- view state ----
  let selected = divergedAt >= 0 ? divergedAt : 0;
  let stepW = S > 2000 ? 6 : 22;
  let first = 0; // first step drawn
  let matches = null, matchSet = null;

  const lanes = document.getElementById('lanes');
  const overview = document.getElementById('overview');
  const logs = document.getElementById('logs');
  const list = document.getElementById('list'), listInner = document.getElementById('list-inner');
  const detail = document.getElementById('detail');
  const dpr = window.devicePixelRatio || 1;

  function size(canvas, h) {
    const w = canvas.clientWidth || document.body.clientWidth;
    canvas.style.height = h + 'px';
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    return g;
  }
  function visible() { return Math.max(1, Math.floor((lanes.clientWidth - 60) / stepW)); }
  function laneY(n) { return TOP + n * LANE_H + LANE_H / 2; }
  function xOf(s) { return 60 + (s - first) * stepW + stepW / 2; }

  function drawLanes() {
    const g = size(lanes, TOP + N * LANE_H + 4);
    const w = lanes.clientWidth, count = visible(), last = Math.min(S - 1, first + count);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    // role bands with the term written where it changes
    const at = latestAt(first - 1);
    for (let n = 0; n < N; n++) {
      let cur = at[n], from = first;
      const y0 = TOP + n * LANE_H + 3, h = LANE_H - 6;
      const paint = (to) => {
        const r = cur < 0 ? 0 : role[cur];
        g.fillStyle = ROLE_COLORS[r];
        g.fillRect(xOf(from) - stepW / 2, y0, (to - from + 1) * stepW, h);
        if ((to - from + 1) * stepW > 40) {
          g.fillStyle = '#56606c';
          g.fillText('t' + (cur < 0 ? 0 : term[cur]) + (r ? ' ' + ROLES[r] : ''), xOf(from) - stepW / 2 + 3, y0 + 7);
        }
      };
      for (let s = first; s <= last; s++) {
        if (node[s] !== n) continue;
        const r0 = cur < 0 ? 0 : role[cur], t0 = cur < 0 ? 0 : term[cur];
        if (role[s] !== r0 || term[s] !== t0) { if (s - 1 >= from) paint(s - 1); from = s; }
        cur = s;
      }
      paint(last);
      g.fillStyle = '#1d232b';
      g.fillText(nodes[n], 6, laneY(n));
    }
    if (divergedAt >= first && divergedAt <= last) {
      g.fillStyle = 'rgba(214,40,30,.18)';
      g.fillRect(xOf(divergedAt) - stepW / 2, TOP, stepW, N * LANE_H);
    }
    drawArrows(g, last);
    drawn.commits = 0;
    // steps
    for (let s = first; s <= last; s++) {
      const x = xOf(s), y = laneY(node[s]), e = E[s];
      if (matchSet && matchSet.has(s)) {
        g.fillStyle = '#ffd400';
        g.beginPath(); g.arc(x, y, Math.max(4, Math.min(9, stepW / 2)), 0, 7); g.fill();
      }
      const r = Math.max(1.5, Math.min(5, stepW / 3));
      g.beginPath(); g.arc(x, y, r, 0, 7);
      if (e[F.diverged] === 2) { // after the divergence: drawn from the trace alone, not validated
        g.strokeStyle = KINDS[e[F.kind]] || '#9aa3ad'; g.lineWidth = 1.5; g.stroke();
      } else {
        g.fillStyle = s === divergedAt ? '#d6281e' : (KINDS[e[F.kind]] || '#9aa3ad');
        g.fill();
      }
      if (counterexample && s === S - 1) { g.fillStyle = '#d6281e'; g.fillText('⚠', x - 5, y - 12); }
      if (truncated[s]) { g.fillStyle = '#c0241a'; g.fillText('✂', x - 4, y + 12); }
      const was = prevSame[s] < 0 ? 0 : E[prevSame[s]][F.commit];
      if (e[F.commit] > was) { // the node's commit index advanced: a green tick and the new index
        g.fillStyle = '#1c6b2c';
        g.fillRect(x - 1, y + 6, 2, 8);
        if (stepW >= 14) g.fillText('c' + e[F.commit], x + 3, y + 12);
        drawn.commits++;
      }
      if (stepW >= 18) { g.fillStyle = '#56606c'; g.fillText(String(number(s)), x - 5, TOP - 8); }
    }
    // cursor
    if (selected >= first && selected <= last) {
      g.strokeStyle = '#1f5fbf'; g.lineWidth = 1.5;
      g.strokeRect(xOf(selected) - stepW / 2, TOP, stepW, N * LANE_H);
    }
  }

  function drawArrows(g, last) {
    g.lineWidth = 1;
    const arrow = (x0, y0, x1, y1, color, dashed) => {
      g.strokeStyle = color; g.fillStyle = color;
      g.setLineDash(dashed ? [4, 3] : []);
      g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke();
      g.setLineDash([]);
      const a = Math.atan2(y1 - y0, x1 - x0);
      g.beginPath(); g.moveTo(x1, y1);
      g.lineTo(x1 - 6 * Math.cos(a - 0.4), y1 - 6 * Math.sin(a - 0.4));
      g.lineTo(x1 - 6 * Math.cos(a + 0.4), y1 - 6 * Math.sin(a + 0.4)); g.fill();
    };
    const color = (code) => code && code[0] === 'A' ? 'rgba(60,110,170,.55)' : 'rgba(200,120,0,.65)';
    const d = drawn;
    d.delivered = 0; d.duplicate = 0; d.dropped = 0; d.inFlight = 0;
    for (let s = first; s <= last; s++) {
      const e = E[s];
      const r = e[F.recv];
      if (r >= 0 && sendStep[r] !== undefined && (e[F.dup] || sendStep[r] < first)) {
        // a second delivery: purple, dashed, from the send to this receive
        arrow(xOf(sendStep[r]), laneY(msgFrom[r]), xOf(s), laneY(node[s]), e[F.dup] ? '#8b59c7' : color(msgCode[r]), e[F.dup]);
        if (e[F.dup]) d.duplicate++; else d.delivered++;
      }
      const sent = e[F.sent];
      for (let k = 0; k < sent.length; k += 3) {
        const id = sent[k], to = firstRecv[id];
        const x0 = xOf(s), y0 = laneY(node[s]);
        if (fate[id] === DELIVERED) {
          arrow(x0, y0, xOf(to), laneY(msgTo[id]), color(msgCode[id]), false);
          d.delivered++;
        } else if (fate[id] === DROPPED) { // a red stub towards the recipient, crossed out
          const y1 = y0 + (laneY(msgTo[id]) - y0) * 0.35, x1 = x0 + Math.max(8, stepW * 1.5);
          g.strokeStyle = '#c0241a'; g.setLineDash([2, 2]);
          g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke(); g.setLineDash([]);
          g.fillStyle = '#c0241a'; g.fillText('✕', x1 - 3, y1);
          d.dropped++;
        } else { // in flight at the end: a grey dotted arrow towards the recipient's lane, open-ended
          const y1 = y0 + (laneY(msgTo[id]) - y0) * 0.5, x1 = x0 + Math.max(12, stepW * 2.5);
          g.strokeStyle = '#7a8a99'; g.setLineDash([1, 3]);
          g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke(); g.setLineDash([]);
          g.fillStyle = '#7a8a99'; g.fillText('…', x1 + 1, y1);
          d.inFlight++;
        }
      }
    }
  }
  const drawn = { delivered: 0, duplicate: 0, dropped: 0, inFlight: 0, commits: 0 };

  let overviewImage = null;
  function drawOverview() {
    const g = size(overview, 40);
    const w = overview.clientWidth;
    if (!overviewImage || overviewImage.w !== w) {
      // one column per pixel: the highest role any node held in the steps that column covers
      g.clearRect(0, 0, w, 40);
      const rowH = Math.max(2, Math.floor(34 / N));
      const cur = new Int8Array(N);
      for (let px = 0; px < w; px++) {
        const a = Math.floor(px * S / w), b = Math.max(a + 1, Math.floor((px + 1) * S / w));
        const top = Int8Array.from(cur);
        for (let s = a; s < b && s < S; s++) { cur[node[s]] = role[s]; if (role[s] > top[node[s]]) top[node[s]] = role[s]; }
        for (let n = 0; n < N; n++) { g.fillStyle = ROLE_COLORS[top[n]] === '#eef1f5' ? '#dfe4ea' : ROLE_COLORS[top[n]]; g.fillRect(px, 3 + n * rowH, 1, rowH - 1); }
      }
      overviewImage = { w: w, data: g.getImageData(0, 0, overview.width, overview.height) };
    } else {
      g.putImageData(overviewImage.data, 0, 0);
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (divergedAt >= 0) { g.fillStyle = '#d6281e'; g.fillRect(divergedAt * w / S - 1, 0, 3, 40); }
    if (matches) { g.fillStyle = '#e0b000'; for (const m of matches.slice(0, 5000)) g.fillRect(m * w / S, 0, 1, 3); }
    g.strokeStyle = '#1f5fbf'; g.lineWidth = 1.5;
    g.strokeRect(first * w / S, 1, Math.max(2, visible() * w / S), 38);
  }

  function drawLogs() {
    const g = size(logs, 6 + N * LOG_H);
    const w = logs.clientWidth;
    g.font = '10px system-ui, sans-serif'; g.textBaseline = 'middle';
    const at = latestAt(selected);
    for (let n = 0; n < N; n++) {
      const s = at[n], log = logAt(n, s);
      const y = 3 + n * LOG_H;
      g.fillStyle = '#1d232b'; g.fillText(nodes[n], 6, y + LOG_H / 2);
      const cw = Math.max(1, Math.min(24, (w - 70) / Math.max(1, log.length)));
      const commit = s < 0 ? 0 : E[s][F.commit];
      for (let i = 0; i < log.length; i++) {
        const t = Math.abs(log[i]);
        g.fillStyle = termColor(t);
        g.fillRect(60 + i * cw, y + 2, Math.max(1, cw - 1), LOG_H - 6);
        if (cw >= 14) { g.fillStyle = '#1d232b'; g.fillText(String(t), 60 + i * cw + 2, y + LOG_H / 2); }
      }
      if (commit > 0) { // committed entries underlined, the commit index marked where the line ends
        g.fillStyle = '#1c6b2c'; g.fillRect(60, y + LOG_H - 4, commit * cw - 1, 3);
        g.fillRect(60 + commit * cw - 2, y, 2, LOG_H - 2);
      }
      g.fillStyle = '#56606c';
      g.fillText('commit ' + commit, Math.min(w - 70, 60 + log.length * cw + 6), y + LOG_H / 2);
      if (s === selected && truncated[s]) { g.fillStyle = '#c0241a'; g.fillText('✂ truncated at ' + (E[s][F.log][0] + 1), 60 + log.length * cw + 6, y + LOG_H / 2); }
    }
  }

  // ---- the step list (virtualized: only visible rows exist) ----
  const ROW = 20;
  function rows() { return matches || null; }
  function drawList() {
    const r = rows(), count = r ? r.length : S;
    listInner.style.height = (count * ROW) + 'px';
    const top = list.scrollTop, h = list.clientHeight || 300;
    const a = Math.max(0, Math.floor(top / ROW) - 5), b = Math.min(count, Math.ceil((top + h) / ROW) + 5);
    let html = '';
    for (let i = a; i < b; i++) {
      const s = r ? r[i] : i, e = E[s];
      const cls = 'row' + (s === selected ? ' sel' : '') + (s === divergedAt ? ' div' : '');
      html += '<div class="' + cls + '" data-step="' + s + '" data-node="' + esc(nodes[e[F.node]]) + '" style="top:' + (i * ROW) + 'px"><span class="num">'
        + number(s) + '</span>' + esc(nodes[e[F.node]]) + ' ' + esc(e[F.label]) + ' → ' + esc(ROLES[e[F.role]])
        + ' t' + e[F.term] + ' [' + esc(e[F.actions].join(', ')) + ']</div>';
    }
    listInner.innerHTML = html;
  }
  function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

  // ---- the selected step in full ----
  function stateRows(s, n) {
    if (s < 0) return { term: 0, vote: '-', role: 'Follower', commitIndex: 0, leader: '-', lastLog: '0/0', roleDetail: '', log: [] };
    const e = E[s];
    return { term: e[F.term], vote: e[F.vote] < 0 ? '-' : nodes[e[F.vote]], role: ROLES[e[F.role]], commitIndex: e[F.commit],
      leader: e[F.leader] < 0 ? '-' : nodes[e[F.leader]], lastLog: e[F.last] + '/' + e[F.lastTerm], roleDetail: roleDetailAt(s),
      log: logAt(n, s) };
  }
  function cells(log, commit, cut) {
    let h = '<div class="cells">';
    const from = Math.max(0, log.length - 400);
    if (from > 0) h += '<span class="tag">' + from + ' earlier entries</span>';
    for (let i = from; i < log.length; i++) {
      const t = Math.abs(log[i]);
      h += '<span class="cell' + (log[i] < 0 ? ' noop' : '') + (i < commit ? ' committed' : '') + (cut && i >= cut ? ' cut' : '')
        + '" style="background:' + termColor(t) + '" title="index ' + (i + 1) + ', term ' + t + (log[i] < 0 ? ', no-op' : '') + '">' + t + '</span>';
    }
    return h + '</div>';
  }
  function showDetail() {
    const s = selected, e = E[s], st = stepOf(s), n = e[F.node];
    const before = stateRows(prevSame[s], n), after = stateRows(s, n);
    const d = verdict.divergence;
    let h = '<h2>' + (counterexample ? 'Counterexample step ' : 'Step ') + number(s) + ': ' + esc(nodes[n]) + ' #' + st.seq
      + ' <span class="tag">' + esc(e[F.kind]) + '</span>' + (e[F.diverged] || s === divergedAt ? '<span class="tag bad">divergence</span>' : '')
      + (e[F.rolledBack] ? '<span class="tag bad">restart rolled back lost steps</span>' : '')
      + (e[F.diverged] === 2 ? '<span class="tag">after the divergence: not validated, state from the trace</span>' : '')
      + (counterexample && s === S - 1 ? '<span class="tag bad">the invariant is violated after this step</span>' : '') + '</h2>';
    h += '<div>' + esc(verdict.files[e[F.file]] || '') + ':' + e[F.line] + (e[F.time] >= 0 ? ' · time ' + e[F.time] : '') + '</div>';
    if (d && s === divergedAt) {
      h += '<h3>Divergence (' + esc(d.kind) + ')</h3><div>' + esc(d.reason) + '</div><table class="diffs"><tr><td>field</td><td>expected (spec)</td><td>observed (trace)</td></tr>';
      for (const f of d.diffs) h += '<tr><td>' + esc(f.field) + '</td><td>' + esc(f.expected) + '</td><td>' + esc(f.observed) + '</td></tr>';
      h += '</table>';
    }
    h += '<h3>Input</h3><pre id="rf-input">' + esc(JSON.stringify(st.input)) + '</pre>';
    h += '<h3>Spec actions</h3><div id="rf-actions">' + (e[F.actions].length ? e[F.actions].map(a => '<span class="tag">' + esc(a) + '</span>').join('') : '<i>none: the spec does not explain this step</i>')
      + (e[F.composed] ? ' <span class="tag">composed of: ' + esc(e[F.composed]) + '</span>' : '') + '</div>';
    if (st.actions) h += '<div>the trace names: ' + esc(st.actions.join(', ')) + '</div>';
    else h += '<div>the trace names no actions</div>';
    h += '<h3>Outputs</h3>';
    if (st.persisted) h += '<div>persisted</div><pre>' + esc(JSON.stringify(st.persisted)) + '</pre>';
    h += '<div>sent ' + st.sent.length + '</div>' + st.sent.map(m => '<pre>' + esc(JSON.stringify(m)) + '</pre>').join('');
    if (st.reads && st.reads.length) h += '<div>reads</div><pre>' + esc(JSON.stringify(st.reads)) + '</pre>';
    if (st.applied) h += '<div>applied through ' + esc(st.applied) + '</div>';
    h += '<h3>State before → after</h3><table class="state" id="rf-state"><tr><th></th><th>before</th><th>after</th></tr>';
    for (const k of ['term', 'vote', 'role', 'commitIndex', 'leader', 'lastLog', 'roleDetail']) {
      h += '<tr data-field="' + k + '"' + (String(before[k]) !== String(after[k]) ? ' class="changed"' : '') + '><td>' + k + '</td><td>'
        + esc(before[k]) + '</td><td>' + esc(after[k]) + '</td></tr>';
    }
    const cut = truncated[s] ? E[s][F.log][0] : 0;
    h += '<tr><td>log</td><td>' + cells(before.log, before.commitIndex, cut) + '</td><td>' + cells(after.log, after.commitIndex, 0) + '</td></tr></table>';
    h += '<h3>Trace line</h3><pre>' + esc(JSON.stringify(st)) + '</pre>';
    detail.innerHTML = h;
  }

  // ---- interaction ----
  function select(s, keepView) {
    selected = Math.max(0, Math.min(S - 1, s));
    const count = visible();
    if (!keepView && (selected < first || selected >= first + count)) first = Math.max(0, Math.min(S - count, selected - Math.floor(count / 2)));
    first = Math.max(0, first);
    const pos = matches ? matches.indexOf(selected) : selected;
    if (pos >= 0 && (pos * ROW < list.scrollTop || (pos + 1) * ROW > list.scrollTop + list.clientHeight)) list.scrollTop = Math.max(0, pos * ROW - list.clientHeight / 2);
    redraw();
    document.body.dataset.selected = String(selected);
  }
  function redraw() {
    drawLanes(); drawOverview(); drawLogs(); drawList();
    if (S > 0) showDetail();
  }
  lanes.addEventListener('click', ev => {
    const r = lanes.getBoundingClientRect();
    const s = first + Math.floor((ev.clientX - r.left - 60) / stepW);
    if (s >= first && s < S) select(s, true);
  });
  lanes.addEventListener('wheel', ev => {
    ev.preventDefault();
    if (ev.ctrlKey) { zoom(ev.deltaY < 0 ? 1.25 : 0.8); return; }
    first = Math.max(0, Math.min(S - visible(), first + Math.round((ev.deltaX || ev.deltaY) / stepW)));
    drawLanes(); drawOverview();
  }, { passive: false });
  function jumpOverview(ev) {
    const r = overview.getBoundingClientRect();
    const s = Math.floor((ev.clientX - r.left) / r.width * S);
    first = Math.max(0, Math.min(S - visible(), s - Math.floor(visible() / 2)));
    drawLanes(); drawOverview();
  }
  overview.addEventListener('mousedown', ev => { jumpOverview(ev); const mv = e2 => jumpOverview(e2); window.addEventListener('mousemove', mv); window.addEventListener('mouseup', () => window.removeEventListener('mousemove', mv), { once: true }); });
  list.addEventListener('scroll', drawList);
  listInner.addEventListener('click', ev => { const row = ev.target.closest('.row'); if (row) select(+row.dataset.step); });
  function zoom(f) { const c = selected; stepW = Math.max(2, Math.min(60, stepW * f)); first = Math.max(0, c - Math.floor(visible() / 2)); redraw(); }
  function sameNode(dir) {
    const n = node[selected];
    for (let s = selected + dir; s >= 0 && s < S; s += dir) if (node[s] === n) return s;
    return selected;
  }
  function nextMatch(dir) {
    if (!matches || !matches.length) return;
    let i = matches.findIndex(m => dir > 0 ? m > selected : false);
    if (dir < 0) { i = -1; for (let k = matches.length - 1; k >= 0; k--) if (matches[k] < selected) { i = k; break; } }
    if (i < 0) i = dir > 0 ? 0 : matches.length - 1;
    select(matches[i]);
  }
  document.addEventListener('keydown', ev => {
    if (ev.target === search) { if (ev.key === 'Enter') { nextMatch(ev.shiftKey ? -1 : 1); ev.preventDefault(); } return; }
    const k = ev.key;
    if (k === 'ArrowRight' || k === 'j') select(ev.shiftKey ? sameNode(1) : selected + 1);
    else if (k === 'ArrowLeft' || k === 'k') select(ev.shiftKey ? sameNode(-1) : selected - 1);
    else if (k === 'Home') select(0);
    else if (k === 'End') select(S - 1);
    else if (k === 'n') nextMatch(1);
    else if (k === 'N') nextMatch(-1);
    else if (k === '+' || k === '=') zoom(1.5);
    else if (k === '-') zoom(1 / 1.5);
    else if (k === 'd' && divergedAt >= 0) select(divergedAt);
    else return;
    ev.preventDefault();
  });

  // search: space-separated terms, all must match: a node id, term:N, a message type (name or code),
  // an input kind, an action name, or any text of the step's label
  const search = document.getElementById('search');
  function matcher(q) {
    const terms = q.trim().split(/\s+/).filter(Boolean).map(t => t.toLowerCase());
    if (!terms.length) return null;
    return s => terms.every(t => {
      const e = E[s];
      if (t.startsWith('term:')) return String(e[F.term]) === t.slice(5);
      if (t.startsWith('node:')) return nodes[e[F.node]].toLowerCase() === t.slice(5);
      if (nodes.some(n => n.toLowerCase() === t)) return nodes[e[F.node]].toLowerCase() === t;
      const codes = [e[F.recvCode]];
      const sent = e[F.sent];
      for (let k = 2; k < sent.length; k += 3) codes.push(sent[k]);
      if (codes.some(c => c && (c.toLowerCase() === t || (MESSAGES[c] || '').toLowerCase().startsWith(t)))) return true;
      return e[F.kind].toLowerCase().includes(t) || e[F.label].toLowerCase().includes(t)
        || e[F.actions].some(a => a.toLowerCase().includes(t));
    });
  }
  let searchTimer = 0;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      const m = matcher(search.value);
      matches = null; matchSet = null;
      if (m) { matches = []; for (let s = 0; s < S; s++) if (m(s)) matches.push(s); matchSet = new Set(matches); }
      document.getElementById('matches').textContent = matches ? matches.length + ' steps' : '';
      list.scrollTop = 0;
      redraw();
    }, 120);
  });
  window.addEventListener('resize', () => { overviewImage = null; redraw(); });

  // ---- legend: what the arrows mean, with the whole trace's counts ----
  document.getElementById('legend').innerHTML = [['delivered', 'delivered', '→', counts.delivered],
    ['duplicate', 'delivered again', '⇢', counts.duplicates], ['dropped', 'dropped', '✕', counts.dropped],
    ['in-flight', 'in flight at the end', '…', counts.inFlight]].map(([k, text, mark, n]) =>
    '<span class="lg ' + k + '" data-kind="' + k + '" data-count="' + n + '">' + mark + ' ' + text + ' ' + n + '</span>').join('')
    + '<span class="lg commit">▮ commit index</span>';

  // ---- verdict banner ----
  const vb = document.getElementById('verdict');
  vb.textContent = verdict.valid ? 'valid · ' + verdict.events + ' steps' : 'diverges · step ' + (divergedAt >= 0 ? number(divergedAt) : '?');
  vb.className = 'verdict ' + (verdict.valid ? 'valid' : 'invalid');
  if (verdict.divergence || counterexample) {
    const box = document.getElementById('divergence');
    box.hidden = false;
    let h = '';
    if (counterexample) h += '<div>Model checker counterexample: ' + esc(header.source.description) + '. Steps are numbered as <code>refraft spec check</code> prints them.</div>';
    if (verdict.divergence) {
      const d = verdict.divergence;
      h += '<div><a id="rf-goto-divergence">' + esc(d.file) + ':' + d.line + '</a>: ' + esc(d.node) + ' step ' + d.seq + ' (' + esc(d.kind) + '): ' + esc(d.reason) + '</div>';
      for (const f of d.diffs) h += '<div><code>' + esc(f.field) + '</code>: expected <code>' + esc(f.expected) + '</code>, observed <code>' + esc(f.observed) + '</code></div>';
    }
    if (verdict.rest) h += '<div>' + esc(verdict.rest) + '</div>';
    box.innerHTML = h;
    const a = document.getElementById('rf-goto-divergence');
    if (a) a.addEventListener('click', () => { if (divergedAt >= 0) select(divergedAt); });
  }

  // what the browser tests read
  window.refraftView = { steps: S, nodes: nodes, select: select, step: stepOf, messages: () => counts,
    drawn: () => Object.assign({}, drawn), selected: () => selected, divergedAt: divergedAt,
    number: number, timings: { start: t0, parsed: t1, indexed: t2 }, layout: () => ({ first: first, stepW: stepW, x0: 60 }), ready: false };
  if (S > 0) select(selected); else detail.textContent = 'The trace has no steps.';
  // links into the page (refraft test's report): #node=ID shows that node's steps, #divergence the divergence
  const hash = decodeURIComponent(location.hash.slice(1));
  if (hash.startsWith('node=') && S > 0) {
    search.value = hash.slice(5);
    matches = []; const m = matcher('node:' + hash.slice(5));
    for (let s = 0; s < S; s++) if (m(s)) matches.push(s);
    matchSet = new Set(matches);
    document.getElementById('matches').textContent = matches.length + ' steps';
    if (matches.length) select(matches[0]); else redraw();
  } else if (hash === 'divergence' && divergedAt >= 0) select(divergedAt);
  requestAnimationFrame(() => {
    window.refraftView.ready = true;
    window.refraftView.readyMs = performance.now();
    document.body.dataset.ready = '1';
  });
})();
