/**
 * The one inline stylesheet every page carries. The CSP allows exactly this text by its SHA-256,
 * computed here at module load, so editing the CSS can never silently break the policy.
 */
import { createHash } from 'node:crypto';

export const PAGE_CSS = [
  ':root{color-scheme:light dark;--fg:#1a1a1a;--bg:#fff;--muted:#4d4d4d;--line:#d0d0d0;--ok:#0a6b2d;--bad:#a4161a;--accent:#0b57d0}',
  '@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#141414;--muted:#b8b8b8;--line:#3d3d3d;--ok:#7ddc95;--bad:#ff9b9b;--accent:#8ab4f8}}',
  '*{box-sizing:border-box}',
  'html{-webkit-text-size-adjust:100%;text-size-adjust:100%}',
  'body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}',
  'main{max-width:40rem;margin:0 auto;padding:1rem 1rem 3rem}',
  'h1{font-size:1.375rem;line-height:1.25;margin:.25rem 0 .5rem;overflow-wrap:anywhere}',
  'h2{font-size:1.125rem;margin:1.75rem 0 .5rem}',
  'h3{font-size:1rem;margin:1rem 0 .25rem}',
  'p{margin:.5rem 0}',
  '.eyebrow{color:var(--muted);font-weight:600;margin:0}',
  '.amount{font-size:2.25rem;font-weight:700;line-height:1.1;margin:.25rem 0}',
  '.vendor{font-size:1.25rem;font-weight:600;margin:0 0 1rem;overflow-wrap:anywhere}',
  'dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.25rem .75rem;margin:0}',
  'dt{color:var(--muted)}',
  'dd{margin:0;overflow-wrap:anywhere}',
  '.description{white-space:pre-line;overflow-wrap:anywhere}',
  'ul.checks,ol.chain,ul.flags{list-style:none;padding:0;margin:0}',
  '.checks li,.chain li,.flags li{padding:.625rem 0;border-top:1px solid var(--line);overflow-wrap:anywhere}',
  '.mark{display:inline-block;min-width:1.25em;font-weight:700}',
  '.pass .mark,.pass .verdict{color:var(--ok)}',
  '.fail .mark,.fail .verdict{color:var(--bad)}',
  '.verdict{font-weight:700}',
  'cite,.muted{display:block;color:var(--muted);font-style:normal;font-size:.9375rem}',
  '.flags li{border-left:4px solid var(--bad);padding-left:.75rem}',
  '.comment{white-space:pre-line;margin:.25rem 0 0}',
  '[aria-current=step]{font-weight:600}',
  'form{margin-top:1rem}',
  'label{display:block;font-weight:600;margin:1rem 0 .25rem}',
  'input,textarea{display:block;width:100%;font:inherit;padding:.75rem;min-height:48px;border:1px solid var(--muted);border-radius:6px;background:var(--bg);color:var(--fg)}',
  'textarea{min-height:7.5rem;resize:vertical}',
  '.hint{color:var(--muted);font-size:.9375rem;margin:.25rem 0}',
  '.buttons{display:flex;flex-direction:column;gap:.75rem;margin-top:1.5rem}',
  'button{font:inherit;font-weight:700;min-height:52px;padding:.75rem 1rem;border-radius:8px;border:2px solid transparent;width:100%;cursor:pointer}',
  '.approve{background:#0a6b2d;color:#fff}',
  '.reject{background:var(--bg);color:var(--bad);border-color:var(--bad)}',
  '@media (min-width:36rem){.buttons{flex-direction:row}}',
  '.error{border:3px solid var(--bad);border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem}',
  '.error h2{margin:.25rem 0}',
  '.field-error{color:var(--bad);font-weight:700;margin:.25rem 0}',
  '[aria-invalid=true]{border:2px solid var(--bad)}',
  'a{color:var(--accent)}',
  ':focus-visible{outline:3px solid var(--accent);outline-offset:2px}',
  // The signed-in header (./layout.ts): brand, places, who is signed in, sign out.
  'header.site{border-bottom:1px solid var(--line);padding:.5rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem}',
  '.brand{margin:0;font-weight:700}',
  '.site nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0}',
  '.site nav a{display:inline-block;padding:.5rem 0;min-height:44px}',
  '.site nav a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}',
  '.who{margin:0;font-size:.9375rem}',
  '.who .muted{display:inline}',
  '.sign-out{margin:0}',
  '.sign-out button{width:auto;min-height:44px;font-weight:600;background:var(--bg);color:var(--accent);border:1px solid var(--line)}',
  'body.wide main{max-width:72rem}',
  // Request page (route drawing, timeline, actions).

  // Lists (my requests, waiting for me, all requests).

  // The new-request form and its preview.

  // Documents and contracts.
  // contracts (./contracts.ts): the registry search and one contract.
  'ul.contracts{list-style:none;padding:0;margin:0}',
  '.contracts li{padding:.75rem 0;border-top:1px solid var(--line);overflow-wrap:anywhere}',
  '.contracts p{margin:.125rem 0}',
  '.contract-title{font-weight:700;font-size:1.125rem}',
  '.contract-title .muted,h1 .muted,.checks .muted{display:inline}',
  '.contracts .ok,.contract-facts .ok{color:var(--ok);font-weight:600}',
  '.contracts .bad,.contract-facts .bad{color:var(--bad);font-weight:600}',
  '.contract-search select{display:block;width:100%;font:inherit;padding:.75rem;min-height:48px;border:1px solid var(--muted);border-radius:6px;background:var(--bg);color:var(--fg)}',
  '.contract-search .check{display:flex;align-items:center;gap:.5rem}',
  '.contract-search .check input{width:1.5rem;min-height:1.5rem;margin:0}',
  '.contract-search .check label{margin:0}',
  '@media (min-width:48rem){.contract-search{display:grid;grid-template-columns:2fr 1fr auto auto;gap:0 1rem;align-items:end}.contract-search button{width:auto}}',

].join('\n');

export const PAGE_CSS_HASH = `sha256-${createHash('sha256').update(PAGE_CSS, 'utf8').digest('base64')}`;

/**
 * No scripts at all (mail scanners run them; the page must work without), no images, no external
 * anything; forms may only post back to this origin; nobody may frame the page.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${PAGE_CSS_HASH}'`,
  "img-src 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
