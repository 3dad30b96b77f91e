/**
 * @internal The dashboard's stylesheet, inlined in the page (allowed by its hash in the page's
 * Content-Security-Policy). Dark, dense, in the manner of Hystrix's circuit cards.
 */
// biome-ignore lint/complexity/noUselessStringRaw: backslashes in it must reach the browser as written.
export const DASHBOARD_STYLE = String.raw`
:root {
  --bg: #0d1117; --panel: #151b23; --panel-2: #1b2230; --line: #262f3d; --line-2: #313c4d;
  --text: #e6edf3; --muted: #8d96a0; --faint: #5d6670;
  --closed: #3fb950; --open: #f85149; --half: #d29922; --forced-open: #e8743b; --forced-closed: #58a6ff;
  --p50: #58a6ff; --p99: #f0883e; --rate: #a5d6ff; --err: #ff7b72;
  color-scheme: dark;
}
* { box-sizing: border-box; }
html, body { margin: 0; background: var(--bg); color: var(--text); }
body { font: 13px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
button, input { font: inherit; color: inherit; }
.top { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 18px; flex-wrap: wrap;
  padding: 12px 22px; background: rgba(13, 17, 23, .92); backdrop-filter: blur(6px); border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: center; gap: 10px; min-width: 0; }
.brand svg { width: 26px; height: 26px; flex: none; }
.brand h1 { margin: 0; font-size: 16px; font-weight: 650; letter-spacing: .2px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scope { color: var(--muted); border: 1px solid var(--line-2); border-radius: 999px; padding: 1px 9px; font-size: 11.5px; white-space: nowrap; }
.summary { display: flex; gap: 8px; flex-wrap: wrap; }
.chip { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; background: var(--panel-2);
  border: 1px solid var(--line); color: var(--muted); font-size: 12px; white-space: nowrap; }
.chip b { color: var(--text); font-weight: 600; font-variant-numeric: tabular-nums; }
.chip i { width: 8px; height: 8px; border-radius: 50%; background: var(--faint); }
.chip.s-open i { background: var(--open); } .chip.s-half_open i { background: var(--half); }
.chip.s-forced_open i { background: var(--forced-open); } .chip.s-forced_closed i { background: var(--forced-closed); }
.chip.s-closed i { background: var(--closed); }
.tools { margin-left: auto; display: flex; align-items: center; gap: 12px; }
.tools input { width: 190px; padding: 5px 10px; border-radius: 6px; border: 1px solid var(--line-2); background: var(--panel); outline: none; }
.tools input:focus { border-color: var(--forced-closed); }
.conn { display: inline-flex; align-items: center; gap: 7px; color: var(--muted); font-size: 12px; white-space: nowrap; }
.conn i { width: 8px; height: 8px; border-radius: 50%; background: var(--half); }
.conn.live i { background: var(--closed); box-shadow: 0 0 0 3px rgba(63, 185, 80, .18); animation: pulse 2s infinite; }
.conn.offline i { background: var(--open); }
@keyframes pulse { 50% { box-shadow: 0 0 0 5px rgba(63, 185, 80, .05); } }
button { cursor: pointer; border-radius: 6px; border: 1px solid var(--line-2); background: var(--panel-2); padding: 4px 10px; font-size: 12px; }
button:hover { border-color: var(--muted); }
button:disabled { opacity: .5; cursor: progress; }
button.ghost { background: transparent; }
button.danger { color: #ffa198; } button.warn { color: #f2cc60; } button.safe { color: #7ee787; } button.info { color: #a5d6ff; }
.banner { margin: 14px 22px 0; padding: 9px 14px; border-radius: 8px; border: 1px solid rgba(248, 81, 73, .4);
  background: rgba(248, 81, 73, .1); color: #ffa198; }
.note { color: var(--muted); font-size: 12px; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 290px; gap: 20px; padding: 18px 22px 40px; align-items: start; }
@media (max-width: 1100px) { main { grid-template-columns: minmax(0, 1fr); } }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
.empty { color: var(--muted); padding: 40px; text-align: center; border: 1px dashed var(--line-2); border-radius: 10px; }
.card { position: relative; display: flex; flex-direction: column; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 14px 12px;
  border-top: 3px solid var(--c, var(--closed)); transition: border-color .3s, box-shadow .3s; }
.card.s-closed { --c: var(--closed); } .card.s-open { --c: var(--open); } .card.s-half_open { --c: var(--half); }
.card.s-forced_open { --c: var(--forced-open); } .card.s-forced_closed { --c: var(--forced-closed); }
.card.s-open, .card.s-forced_open { box-shadow: 0 0 0 1px rgba(248, 81, 73, .25), 0 8px 24px -12px rgba(248, 81, 73, .35); }
.card.flash { animation: flash 1.4s ease-out; }
@keyframes flash { 0% { box-shadow: 0 0 0 3px var(--c); } 100% { box-shadow: 0 0 0 0 transparent; } }
.head { display: flex; align-items: center; gap: 12px; }
.bubble { width: 60px; height: 60px; flex: none; }
.bubble circle { transition: r .6s ease, fill .6s ease; }
.ident { min-width: 0; flex: 1; }
.name { margin: 0; font-size: 14.5px; font-weight: 620; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.meta { display: flex; gap: 6px; margin-top: 3px; flex-wrap: wrap; }
.badge { font-size: 11px; color: var(--muted); border: 1px solid var(--line-2); border-radius: 4px; padding: 0 6px; white-space: nowrap; }
.badge.crit { color: #ffa198; border-color: rgba(248, 81, 73, .45); }
.pill { flex: none; align-self: flex-start; font-size: 11px; font-weight: 700; letter-spacing: .6px; padding: 3px 9px; border-radius: 999px;
  color: var(--c); background: color-mix(in srgb, var(--c) 14%, transparent); border: 1px solid color-mix(in srgb, var(--c) 45%, transparent); white-space: nowrap; }
.pill.small { font-size: 10px; padding: 1px 7px; letter-spacing: .4px; }
.pill.s-closed { --c: var(--closed); } .pill.s-open { --c: var(--open); } .pill.s-half_open { --c: var(--half); }
.pill.s-forced_open { --c: var(--forced-open); } .pill.s-forced_closed { --c: var(--forced-closed); }
.line { display: flex; justify-content: space-between; gap: 10px; min-height: 18px; margin: 8px 0 2px; color: var(--muted); font-size: 12px; }
.line .retry { color: var(--c); font-variant-numeric: tabular-nums; font-weight: 600; }
.line .reason { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.why { margin: 6px 0 0; padding: 6px 9px; border-radius: 6px; border-left: 3px solid var(--c);
  background: color-mix(in srgb, var(--c) 9%, transparent); font-size: 12px; line-height: 1.4; }
.why-head { color: var(--text); font-weight: 600; overflow-wrap: anywhere; }
.why-figures { color: var(--muted); font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin: 8px 0 10px; }
.stats div { background: var(--panel-2); border-radius: 7px; padding: 6px 7px; min-width: 0; overflow: hidden; }
.stats dt { color: var(--muted); font-size: 10.5px; text-transform: uppercase; letter-spacing: .5px; }
.stats dd { margin: 1px 0 0; font-size: 14px; font-weight: 620; font-variant-numeric: tabular-nums; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.stats dd .unit { font-size: 10.5px; font-weight: 500; color: var(--muted); }
.stats dd.bad { color: var(--err); }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 10px; }
.chart { margin: 0; min-width: 0; }
.chart.wide { grid-column: 1 / -1; }
.chart figcaption { display: flex; justify-content: space-between; color: var(--muted); font-size: 10.5px; margin-bottom: 2px; }
.chart figcaption .legend { display: inline-flex; gap: 8px; }
.chart figcaption .legend .key::before { content: ""; display: inline-block; width: 8px; height: 2px; margin: 0 4px 3px 0; background: currentColor; }
.chart svg { display: block; width: 100%; height: 38px; background: linear-gradient(var(--panel-2), var(--panel-2)) padding-box;
  border-radius: 5px; overflow: hidden; }
.chart polyline { fill: none; stroke-width: 1.6; vector-effect: non-scaling-stroke; stroke-linejoin: round; }
.chart path { stroke: none; }
.span { color: var(--faint); font-size: 10.5px; text-align: right; margin: 4px 0 12px; }
.states { display: flex; gap: 6px; flex-wrap: wrap; margin: 10px 0 6px; }
.keys { list-style: none; margin: 6px 0 0; padding: 0; border-top: 1px solid var(--line); }
.keys li { display: flex; align-items: center; gap: 8px; padding: 5px 0; border-bottom: 1px solid var(--line); }
.keys .key { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.keys button { padding: 1px 8px; font-size: 11px; }
.more { color: var(--muted); font-size: 11.5px; margin: 5px 0 0; }
.last-error { margin: 8px 0 0; padding: 6px 8px; border-radius: 6px; background: rgba(248, 81, 73, .08); color: #ffa198;
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 11.5px; overflow-wrap: anywhere; }
.actions { display: flex; gap: 6px; flex-wrap: wrap; margin-top: auto;  padding-top: 10px; border-top: 1px solid var(--line); }
.feed { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; position: sticky; top: 70px; }
.feed h2 { margin: 0 0 8px; font-size: 12px; text-transform: uppercase; letter-spacing: .7px; color: var(--muted); font-weight: 600; }
.feed ol { list-style: none; margin: 0; padding: 0; max-height: 70vh; overflow: auto; }
.feed li { padding: 6px 0; border-bottom: 1px solid var(--line); font-size: 12px; }
.feed li:last-child { border-bottom: 0; }
.feed time { color: var(--faint); font-variant-numeric: tabular-nums; margin-right: 6px; }
.feed .who { font-weight: 600; overflow-wrap: anywhere; }
.feed .how { display: block; color: var(--muted); margin-top: 1px; }
.feed .to { font-weight: 600; }
.feed .to.s-closed { color: var(--closed); } .feed .to.s-open { color: var(--open); } .feed .to.s-half_open { color: var(--half); }
.feed .to.s-forced_open { color: var(--forced-open); } .feed .to.s-forced_closed { color: var(--forced-closed); }
.feed .none { color: var(--faint); }
dialog { border: 1px solid var(--line-2); border-radius: 12px; background: var(--panel); color: var(--text); padding: 20px 22px; width: min(420px, 92vw); }
dialog::backdrop { background: rgba(1, 4, 9, .65); }
dialog h2 { margin: 0 0 6px; font-size: 15px; }
dialog p { margin: 0 0 14px; color: var(--muted); }
dialog input { width: 100%; padding: 7px 10px; border-radius: 6px; border: 1px solid var(--line-2); background: var(--bg); }
dialog .buttons { display: flex; justify-content: flex-end; gap: 8px; margin-top: 16px; }
dialog button[type="submit"] { background: #238636; border-color: #2ea043; color: #fff; }
.toasts { position: fixed; right: 18px; bottom: 18px; display: flex; flex-direction: column; gap: 8px; z-index: 10; }
.toast { background: var(--panel-2); border: 1px solid var(--line-2); border-left: 3px solid var(--closed); border-radius: 8px; padding: 8px 12px;
  max-width: 380px; box-shadow: 0 8px 24px rgba(0, 0, 0, .4); overflow-wrap: anywhere; }
.toast.error { border-left-color: var(--open); }
[hidden] { display: none !important; }
`;
