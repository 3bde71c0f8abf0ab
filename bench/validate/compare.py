#!/usr/bin/env python3
"""Reads the raw outputs of bench/validate/run.sh and prints the side-by-side
table (Markdown) with the accuracy checks. Exit 0 when (a) and (b) pass."""
import json
import re
import sys
from pathlib import Path

work, only, repeat = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
load_before, load_after = sys.argv[4], sys.argv[5]
UNITS = {'us': 1e-3, 'ms': 1.0, 's': 1e3, 'm': 60e3}


def dur(text):
    m = re.match(r'([\d.]+)(us|ms|s|m)$', text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else float('nan')


def wrk(path):
    t = path.read_text() if path.exists() else ''
    out = {'rps': float('nan'), 'p50': float('nan'), 'p99': float('nan'), 'requests': 0,
           'errors': ''}
    m = re.search(r'Requests/sec:\s+([\d.]+)', t)
    if m:
        out['rps'] = float(m.group(1))
    for pct, key in (('50', 'p50'), ('99', 'p99'), ('90', 'p90')):
        m = re.search(r'^\s+%s%%\s+(\S+)' % pct, t, re.M)
        if m:
            out[key] = dur(m.group(1))
    m = re.search(r'(\d+) requests in', t)
    if m:
        out['requests'] = int(m.group(1))
    m = re.search(r'Socket errors: (.*)', t)
    if m:
        out['errors'] = m.group(1)
    m = re.search(r'Non-2xx or 3xx responses: (\d+)', t)
    if m:
        out['errors'] += ' non-2xx %s' % m.group(1)
    return out


def ts(path):
    try:
        j = json.loads(path.read_text())
    except Exception:
        return {'rps': float('nan'), 'p50': float('nan'), 'p99': float('nan'), 'requests': 0,
                'errors': 'no result'}
    return {'rps': j.get('achieved_rate', float('nan')), 'p50': j['latency']['p50_ms'],
            'p90': j['latency']['p90_ms'], 'p99': j['latency']['p99_ms'],
            'requests': j.get('completed', 0), 'errors': str(j.get('errors', 0)),
            'queue_p99': j['client_queue']['p99_ms'], 'wire_p50': j['wire']['p50_ms']}


ok = True
print('Load average before / after: %s / %s' % (load_before, load_after))
for label, title in (('keystone', '(a) lab Keystone, c=20'), ('nginx', '(b) nginx static 200, c=20')):
    if label[0] == 'k' and 'a' not in only or label[0] == 'n' and 'b' not in only:
        continue
    print('\n### %s\n' % title)
    print('| run | wrk req/s | Turnstile req/s | Δ req/s | wrk p50 ms | Turnstile p50 ms | Δ p50 | wrk p99 ms | Turnstile p99 ms | requests wrk / Turnstile | errors wrk / Turnstile |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    sums = {'w': [0, 0], 't': [0, 0]}
    for i in range(1, repeat + 1):
        w = wrk(work / ('%s-wrk-%d.txt' % (label, i)))
        t = ts(work / ('%s-ts-%d.json' % (label, i)))
        drps = (t['rps'] - w['rps']) / w['rps'] * 100 if w['rps'] else float('nan')
        if label == 'keystone':
            dp50 = '%+.1f %%' % ((t['p50'] - w['p50']) / w['p50'] * 100)
        else:
            dp50 = '%+.3f ms' % (t['p50'] - w['p50'])
        print('| %d | %.2f | %.2f | %+.1f %% | %.3f | %.3f | %s | %.3f | %.3f | %d / %d | %s / %s |' % (
            i, w['rps'], t['rps'], drps, w['p50'], t['p50'], dp50, w['p99'], t['p99'],
            w['requests'], t['requests'], w['errors'] or '0', t['errors']))
        sums['w'][0] += w['rps']; sums['w'][1] += w['p50']
        sums['t'][0] += t['rps']; sums['t'][1] += t['p50']
    wr, wp = sums['w'][0] / repeat, sums['w'][1] / repeat
    tr, tp = sums['t'][0] / repeat, sums['t'][1] / repeat
    if label == 'keystone':
        d1 = (tr - wr) / wr * 100
        d2 = (tp - wp) / wp * 100
        pass_ = abs(d1) <= 5 and abs(d2) <= 10
        print('\nMean of %d: req/s %+.1f %% (target ±5 %%), p50 %+.1f %% (target ±10 %%): %s' % (
            repeat, d1, d2, 'PASS' if pass_ else 'MISS'))
    else:
        d = tp - wp
        pass_ = d <= 2.0
        print('\nMean of %d: p50 Turnstile − wrk = %+.3f ms (target ≤ 2 ms): %s' % (
            repeat, d, 'PASS' if pass_ else 'MISS'))
    ok = ok and pass_

if 'c' in only:
    print('\n### (c) server stalling 1 s every 10 s, c=20\n')
    print('| tool / mode | req/s | p50 ms | p90 ms | p99 ms | max in client queue (p99) ms |')
    print('|---|---|---|---|---|---|')
    o = ts(work / 'stall-open.json')
    c = ts(work / 'stall-closed.json')
    w = wrk(work / 'stall-wrk.txt')
    print('| Turnstile open loop 50/s | %.2f | %.3f | %.3f | %.3f | %.3f |' % (o['rps'], o['p50'], o['p90'], o['p99'], o.get('queue_p99', float('nan'))))
    print('| Turnstile closed loop | %.2f | %.3f | %.3f | %.3f | %.3f |' % (c['rps'], c['p50'], c['p90'], c['p99'], c.get('queue_p99', float('nan'))))
    print('| wrk (closed loop) | %.2f | %.3f | %.3f | %.3f | – |' % (w['rps'], w['p50'], w.get('p90', float('nan')), w['p99']))
    print('\nOpen-loop p99 %s the 1-s stalls (p99 %.0f ms vs closed-loop %.0f ms).' % (
        'shows' if o['p99'] >= 500 else 'does NOT show', o['p99'], c['p99']))

sys.exit(0 if ok else 1)
