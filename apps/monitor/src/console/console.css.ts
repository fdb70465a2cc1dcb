// The console's only stylesheet, served as /console/static/console.css (the CSP allows styles from
// 'self' only, so there is no inline style anywhere). Kept in TypeScript so the build copies nothing.
export const CONSOLE_CSS = `
:root { --fg: #1b1b1b; --muted: #5a5a5a; --line: #d0d0d0; --accent: #01689b; --bad: #b00020; --warn: #9a5b00; --ok: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: #fafafa; }
header.top { display: flex; gap: 1.2rem; align-items: center; padding: .5rem 1rem; background: var(--accent); color: #fff; flex-wrap: wrap; }
header.top a { color: #fff; text-decoration: none; padding: .2rem .4rem; }
header.top a[aria-current] { border-bottom: 2px solid #fff; }
header.top .brand { font-weight: 700; }
header.top .who { margin-left: auto; }
main { padding: 1rem 1.5rem; max-width: 1200px; }
h1 { font-size: 1.4rem; word-break: break-all; } h2 { font-size: 1.1rem; margin-top: 1.5rem; }
form.inline { display: inline; }
form.signin { display: grid; gap: .7rem; max-width: 22rem; }
form.signin label, form.search label { display: grid; gap: .2rem; }
form.search { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 3px; padding: .35rem .8rem; cursor: pointer; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.counts td { text-align: right; font-variant-numeric: tabular-nums; }
.mono { font-family: ui-monospace, monospace; font-size: .9em; }
.muted { color: var(--muted); }
.problem { color: var(--bad); font-weight: 600; }
.outcome.o-rejected, .hop.o-rejected .step { color: var(--warn); }
.outcome.o-failed, .hop.o-failed .step { color: var(--bad); }
.outcome.o-ok { color: var(--ok); }
.code { font-family: ui-monospace, monospace; }
nav.periods { display: flex; gap: 1rem; margin-bottom: .5rem; }
nav.periods a[aria-current] { font-weight: 700; }
figure.chart { margin: 0; background: #fff; border: 1px solid var(--line); padding: .5rem; }
figure.chart svg { width: 100%; height: auto; }
svg .grid { stroke: #e4e4e4; stroke-width: 1; }
svg .axis { font-size: 10px; fill: var(--muted); }
svg .series { stroke-width: 2; }
.legend { display: inline-block; padding-left: 1.1rem; position: relative; margin-right: .8rem; }
.legend::before { content: ""; position: absolute; left: 0; top: .55em; width: .9rem; height: 3px; background: currentColor; }
.s-received { stroke: #01689b; color: #01689b; } .s-rejected { stroke: #c77700; color: #c77700; }
.s-forwarded { stroke: #6a1b9a; color: #6a1b9a; } .s-matched { stroke: #00897b; color: #00897b; }
.s-signalled { stroke: #5d4037; color: #5d4037; } .s-delivered { stroke: #2e7d32; color: #2e7d32; }
.s-failed { stroke: #b00020; color: #b00020; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--accent); margin-left: .5rem; }
ol.timeline li { position: relative; padding: .35rem 0 .6rem 1rem; }
ol.timeline li::before { content: ""; position: absolute; left: -.5rem; top: .7rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--accent); }
ol.timeline .step { font-weight: 600; } ol.timeline .duration { color: var(--muted); margin-left: .5rem; }
.hop-detail { color: var(--muted); font-size: .9em; }
pre.xml { background: #fff; border: 1px solid var(--line); padding: .6rem; white-space: pre-wrap; word-break: break-all; font-size: .85em; }
td.expiring, .expiring { color: var(--bad); font-weight: 600; }
.notice { color: var(--ok); font-weight: 600; }
form.act { display: flex; gap: .3rem; align-items: center; }
.alert-state.a-open { color: var(--bad); font-weight: 600; } .alert-state.a-acknowledged { color: var(--warn); } .alert-state.a-closed { color: var(--muted); }
div.scroll { overflow-x: auto; } table#figures { font-size: .8em; } table#figures tbody th[scope=row] { white-space: nowrap; } table#figures th, table#figures td { padding: .3rem .35rem; }
table#figures tfoot th, table#figures tfoot td { font-weight: 700; border-top: 2px solid var(--line); }
`;
