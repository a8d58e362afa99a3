/**
 * The frame every page shares: the document head (one stylesheet, allowed by its hash), and for
 * the signed-in pages a header that says who is signed in, the places they may go, and sign-out.
 * Pages reached by an emailed link alone (the approval page) use the bare document, so a mail
 * scanner or a forwarded link never sees anyone's navigation.
 */
import { html, SafeHtml } from './html';
import { PAGE_CSS, CONTENT_SECURITY_POLICY } from './style';
import type { RenderedPage } from './types';

/** Security headers sent with every page (a fresh object each call, safe to extend). */
export function pageHeaders(): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}

// Our own constant, inserted verbatim (never escaped) so its hash matches the CSP.
const rawCss = new SafeHtml(PAGE_CSS);

/** A whole HTML document around `content` (already inside `<main>` or a header and `<main>`). */
export function documentPage(statusCode: number, title: string, body: SafeHtml, options: { wide?: boolean } = {}): RenderedPage {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${rawCss}</style>
</head>
<body${options.wide ? html` class="wide"` : ''}>
${body}
</body>
</html>
`;
  return { statusCode, headers: pageHeaders(), body: page.value };
}

/** The places of the signed-in product, in the order the header lists them. */
export type Place = 'home' | 'new' | 'waiting' | 'purchasing' | 'contracts' | 'none';

/** Who is looking at a signed-in page, as the header needs it. */
export interface PageViewer {
  name: string;
  email: string;
  roles: readonly string[];
  /**
   * The anti-forgery value every form of a session-signed-in page carries (`formToken` field).
   * Absent for a caller that sent a bearer token (a script): nothing ambient to forge.
   */
  formToken?: string;
  /** How the viewer signed in: only a browser session has something to sign out of. */
  via: 'session' | 'bearer';
}

export interface AppPageArgs {
  statusCode?: number;
  title: string;
  viewer: PageViewer;
  /** The header entry to mark as the current page. */
  current: Place;
  /** The stage or base path prefix in front of every route (`basePath(event)`), '' locally. */
  base: string;
  content: SafeHtml;
  /** Tables and overviews take the screen's width; reading pages keep a readable measure. */
  wide?: boolean;
}

/** The hidden field carrying the viewer's anti-forgery value; put it in every form a page posts. */
export function formTokenField(viewer: PageViewer): SafeHtml {
  return viewer.formToken ? html`<input type="hidden" name="formToken" value="${viewer.formToken}">` : html``;
}

const PLACES: Array<{ place: Exclude<Place, 'none'>; label: string; path: string; roles?: readonly string[] }> = [
  { place: 'home', label: 'My requests', path: '/' },
  { place: 'new', label: 'New request', path: '/requests/new' },
  { place: 'waiting', label: 'Waiting for me', path: '/waiting' },
  { place: 'purchasing', label: 'All requests', path: '/purchasing', roles: ['purchasing', 'auditor'] },
  { place: 'contracts', label: 'Contracts', path: '/contracts' },
];

/** A signed-in page: the header (who, where, sign out) and the page's own content. */
export function appPage(args: AppPageArgs): RenderedPage {
  const { viewer, base } = args;
  const places = PLACES.filter((p) => !p.roles || p.roles.some((role) => viewer.roles.includes(role)));
  const nav = html`<nav aria-label="Main"><ul>${places.map(
    (p) => html`<li><a href="${base}${p.path}"${p.place === args.current ? html` aria-current="page"` : ''}>${p.label}</a></li>`,
  )}</ul></nav>`;
  const signOut = viewer.via === 'session'
    ? html`<form method="post" action="${base}/sign-out" class="sign-out">${formTokenField(viewer)}<button type="submit">Sign out</button></form>`
    : html``;
  const body = html`<header class="site">
<p class="brand"><a href="${base}/">Purchase requests</a></p>
${nav}
<p class="who">Signed in as <strong>${viewer.name}</strong> <span class="muted">${viewer.email}</span></p>
${signOut}
</header>
<main>
${args.content}
</main>`;
  return documentPage(args.statusCode ?? 200, `${args.title} · Purchase requests`, body, { wide: args.wide ?? false });
}
