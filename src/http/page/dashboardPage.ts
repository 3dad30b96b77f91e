import { createHash } from 'node:crypto';
import { DASHBOARD_SCRIPT } from './dashboardScript.js';
import { DASHBOARD_STYLE } from './dashboardStyle.js';

/** What the page's script is told by the server, embedded as a JSON data block. */
export interface PageConfig {
  readonly title: string;
  readonly scope: 'instance' | 'fleet';
  /** Whether control endpoints are on (a token is configured): the buttons are shown. */
  readonly control: boolean;
}

/** @internal The page, and the Content-Security-Policy it is served with. */
export interface Page {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * Only the page's own inline script and style run (by hash); data may only come from the same
 * origin; Trusted Types forbid every HTML sink, so no string can ever become markup; no plugins,
 * frames, forms, base URL or referrer.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(DASHBOARD_SCRIPT)}`,
  `style-src ${sha256(DASHBOARD_STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const LOGO =
  '<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#1f6feb"/>' +
  '<path d="M5 20c3.5 0 3.5-3 7-3s3.5 3 7 3 3.5-3 7-3" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round"/>' +
  '<path d="M5 13c3.5 0 3.5-3 7-3s3.5 3 7 3 3.5-3 7-3" fill="none" stroke="#a5d6ff" stroke-width="2.4" stroke-linecap="round" opacity=".8"/></svg>';

/**
 * @internal The dashboard: one self-contained page (no CDN, nothing fetched but its own data). The
 * config travels as JSON in a data block, with `<` escaped so that no value can close the element;
 * the script sets every text through `textContent`.
 */
export function renderPage(config: PageConfig): Page {
  const data = JSON.stringify(config).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<title>breakwater</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_STYLE}</style>
</head>
<body>
<script type="application/json" id="bw-config">${data}</script>
<header class="top">
  <div class="brand">${LOGO}<h1 id="title">breakwater</h1><span id="scope" class="scope"></span></div>
  <div id="summary" class="summary"></div>
  <div class="tools">
    <span id="readonly" class="note" hidden>read-only: control is off</span>
    <input id="filter" type="search" placeholder="Filter by name" aria-label="Filter by name" autocomplete="off">
    <span id="conn" class="conn"><i></i><span>connecting</span></span>
    <button id="token-button" class="ghost" type="button">Set token</button>
  </div>
</header>
<div id="banner" class="banner" role="status" hidden></div>
<main>
  <div>
    <section id="cards" class="cards" aria-label="Circuit breakers"></section>
    <p id="empty" class="empty" hidden>No breakers yet. They appear here as soon as they are created.</p>
  </div>
  <aside class="feed" aria-label="Recent transitions">
    <h2>Recent transitions</h2>
    <ol id="feed"><li class="none">None since this page opened.</li></ol>
  </aside>
</main>
<dialog id="token-dialog" aria-labelledby="token-heading">
  <form id="token-form">
    <h2 id="token-heading">Control token</h2>
    <p>Control commands need the admin token. It is kept for this browser session only.</p>
    <input id="token-input" type="password" autocomplete="off" spellcheck="false" aria-label="Token" required>
    <div class="buttons"><button id="token-cancel" type="button">Cancel</button><button type="submit">Save token</button></div>
  </form>
</dialog>
<div id="toasts" class="toasts" aria-live="polite"></div>
<script>${DASHBOARD_SCRIPT}</script>
</body>
</html>
`;
  return { html, contentSecurityPolicy: CONTENT_SECURITY_POLICY };
}
