/**
 * The API documentation page (`GET /docs`): the OpenAPI document rendered as plain HTML on the
 * server, so the page and `/openapi.json` can never say different things. Pure, like the other
 * pages: escaped by construction (./html.ts), no script, nothing loaded from elsewhere, the one
 * inline stylesheet allowed by its hash.
 */
import { createHash } from 'node:crypto';
import { html, SafeHtml, type HtmlPart } from './html';
import { pageHeaders } from './layout';
import { PAGE_CSS } from './style';
import type { RenderedPage } from './types';

type Json = Record<string, any>;

/** The approval pages' stylesheet, widened for tables and code. */
const DOCS_CSS = [
  PAGE_CSS,
  'main{max-width:60rem}',
  'code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875rem}',
  'pre{background:color-mix(in srgb,var(--fg) 6%,var(--bg));padding:.75rem;border-radius:6px;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere}',
  'section.op{border-top:1px solid var(--line);padding-top:.5rem;margin-top:2rem}',
  '.method{display:inline-block;min-width:3.5rem;font-weight:700}',
  'ul.props{margin:.25rem 0;padding-left:1.25rem}',
  '.props li{margin:.25rem 0;overflow-wrap:anywhere}',
  '.type{color:var(--muted)}',
  'nav ul{padding-left:1.25rem}',
].join('\n');

const CSS_HASH = `sha256-${createHash('sha256').update(DOCS_CSS, 'utf8').digest('base64')}`;

/** Like the approval pages' policy, with this page's stylesheet and no forms at all. */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${CSS_HASH}'`,
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const AUTH_LABELS: Record<string, string> = {
  bearer: 'Signed in: Authorization: Bearer <access token>',
  public: 'Public',
  'approval-link': 'The emailed approval link (the link is the credential)',
};

/** Text with `code` spans, as the document's descriptions are written. */
const prose = (text: string | undefined): SafeHtml =>
  html`${String(text ?? '').split('`').map((part, i) => (i % 2 ? html`<code>${part}</code>` : part))}`;

const refName = (ref: string): string => ref.split('/').pop() ?? ref;

/** A one-line reading of a schema's type: `string`, `list of PurchaseRequest`, `integer or null`. */
function typeLabel(schema: Json): HtmlPart {
  if (schema.$ref) return html`<a href="#schema-${refName(schema.$ref)}">${refName(schema.$ref)}</a>`;
  if (schema.const !== undefined) return html`<code>${JSON.stringify(schema.const)}</code>`;
  if (schema.type === 'array') return html`list of ${schema.items ? typeLabel(schema.items) : 'anything'}`;
  const types: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const variants: Json[] = schema.anyOf ?? [];
  if (variants.length) return variants.map((v, i) => html`${i ? ' or ' : ''}${typeLabel(v)}`);
  if (schema.oneOf) return 'one of the forms below';
  return types.join(' or ') || 'any';
}

/** What else a schema says in words: enums, bounds, defaults, its description. */
function constraints(schema: Json): string[] {
  const out: string[] = [];
  if (schema.enum) out.push(`one of: ${schema.enum.join(', ')}`);
  if (schema.format) out.push(schema.format);
  if (schema.minLength === 1) out.push('not empty');
  else if (schema.minLength !== undefined) out.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) out.push(`at most ${schema.maxLength} characters`);
  // zod writes the safe-integer range for every integer; only a real bound is worth saying.
  if (schema.minimum !== undefined && schema.minimum !== Number.MIN_SAFE_INTEGER) out.push(`from ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum !== Number.MAX_SAFE_INTEGER) out.push(`up to ${schema.maximum}`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.description) out.push(schema.description);
  return out;
}

/** Notes in one run: "at most 200 characters; Where the request is…". */
const notes = (list: Array<string | undefined>): SafeHtml =>
  html`${list.filter(Boolean).map((n, i, all) => html`${i ? (all[i - 1]!.endsWith('.') ? ' ' : '; ') : ''}${prose(n)}`)}`;

/** The fields of an object schema (recursively), the variants of a oneOf, the items of a list. */
function schemaBody(schema: Json, depth = 0): SafeHtml {
  if (depth > 6) return html``;
  if (schema.type === 'array' && schema.items && !schema.items.$ref) return schemaBody(schema.items, depth + 1);
  if (schema.oneOf) {
    return html`<ul class="props">${(schema.oneOf as Json[]).map((variant) => {
      const tag = variant.properties?.type?.const;
      return html`<li>${tag !== undefined ? html`<code>type: ${JSON.stringify(tag)}</code>` : typeLabel(variant)}${schemaBody(variant, depth + 1)}</li>`;
    })}</ul>`;
  }
  const properties: Record<string, Json> = schema.properties ?? {};
  const required = new Set<string>(schema.required ?? []);
  const names = Object.keys(properties);
  if (names.length === 0) return html``;
  return html`<ul class="props">${names.map((name) => {
    const p = properties[name]!;
    const about = constraints(p);
    return html`<li><code>${name}</code> <span class="type">${typeLabel(p)}${required.has(name) ? ', required' : ''}</span>${about.length ? html` — ${notes(about)}` : ''}${schemaBody(p, depth + 1)}</li>`;
  })}</ul>`;
}

/** One line per parameter (a list, not a table: it reads on a phone too). */
function parameterList(parameters: Json[]): SafeHtml {
  if (parameters.length === 0) return html``;
  return html`<h4>Parameters</h4>
<ul class="props">${parameters.map((p) => html`<li><code>${p.name}</code> <span class="type">${p.in}, ${typeLabel(p.schema ?? {})}, ${p.required ? 'required' : 'optional'}</span> — ${notes([p.description, ...constraints(p.schema ?? {})])}</li>`)}</ul>`;
}

/** The codes of an error answer's schema (the shared Error shape, its code narrowed), if it is one. */
const errorCodes = (schema: Json | undefined): string[] | undefined => schema?.properties?.error?.properties?.code?.enum;

function content(media: Json | undefined, examplesOpen = false): SafeHtml {
  return html`${Object.entries(media ?? {}).map(([type, entry]: [string, Json]) => {
    const codes = errorCodes(entry.schema);
    // Every error answer is the one Error shape: name it and its codes rather than repeat its fields.
    const shape = codes
      ? html`<p><code>${type}</code>: <a href="#schema-Error">Error</a> with code ${codes.map((c, i) => html`${i ? ', ' : ''}<code>${c}</code>`)}</p>`
      : html`<p><code>${type}</code>: ${typeLabel(entry.schema ?? {})}</p>
${entry.schema && !entry.schema.$ref ? schemaBody(entry.schema) : ''}`;
    return html`${shape}
${entry.example !== undefined ? html`<details${examplesOpen ? new SafeHtml(' open') : ''}><summary>Example</summary><pre>${JSON.stringify(entry.example, null, 2)}</pre></details>` : ''}`;
  })}`;
}

function operation(method: string, path: string, op: Json): SafeHtml {
  const id = `op-${op.operationId}`;
  return html`<section class="op" id="${id}" aria-labelledby="${id}-title">
<h3 id="${id}-title"><span class="method">${method.toUpperCase()}</span> <code>${path}</code></h3>
<p><strong>${op.summary}</strong></p>
${op.description ? html`<p>${prose(op.description)}</p>` : ''}
<p>Access: ${AUTH_LABELS[op['x-auth']] ?? op['x-auth']}</p>
${parameterList(op.parameters ?? [])}
${op.requestBody ? html`<h4>Request body${op.requestBody.required ? '' : ' (optional)'}</h4>${content(op.requestBody.content, true)}` : ''}
<h4>Responses</h4>
<dl>${Object.entries(op.responses as Record<string, Json>).map(([status, response]) => html`<dt>${status}</dt><dd>${prose(response.description)}${content(response.content)}</dd>`)}</dl>
</section>`;
}

/** The page for an OpenAPI document as built by lambdas/app/openapi.ts. */
export function renderApiDocsPage(doc: Json, documentHref = 'openapi.json'): RenderedPage {
  const operations: Array<{ method: string; path: string; op: Json }> = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, op: op as Json })));
  const tags: Json[] = doc.tags ?? [];
  const schemas: Record<string, Json> = doc.components?.schemas ?? {};
  const bearer = doc.components?.securitySchemes?.bearerAuth;

  const body = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${doc.info.title} — API</title>
<style>${new SafeHtml(DOCS_CSS)}</style>
</head>
<body>
<main>
<h1>${doc.info.title} — API</h1>
<p>${doc.info.summary}</p>
<p>${prose(doc.info.description)}</p>
<p>Machine-readable: <a href="${documentHref}">OpenAPI ${doc.openapi} document</a> (JSON). Version ${doc.info.version}.</p>
<h2 id="auth">Authentication</h2>
<p>${prose(bearer?.description)} Send it as <code>Authorization: Bearer &lt;token&gt;</code>; without a valid one the answer is 401 with a <code>WWW-Authenticate</code> challenge.</p>
<nav aria-labelledby="contents"><h2 id="contents">Routes</h2>
${tags.map((tag) => html`<h3>${tag.name}</h3><p class="muted">${tag.description}</p><ul>${operations.filter((o) => o.op.tags?.includes(tag.name)).map((o) => html`<li><a href="#op-${o.op.operationId}">${o.method.toUpperCase()} ${o.path}</a> — ${o.op.summary}</li>`)}</ul>`)}
</nav>
${tags.map((tag) => html`<h2>${tag.name}</h2>${operations.filter((o) => o.op.tags?.includes(tag.name)).map((o) => operation(o.method, o.path, o.op))}`)}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas).map(([name, schema]) => html`<section class="op" id="schema-${name}" aria-labelledby="schema-${name}-title"><h3 id="schema-${name}-title">${name}</h3>
${schema.description ? html`<p>${prose(schema.description)}</p>` : ''}${schemaBody(schema)}</section>`)}
</main>
</body>
</html>
`;
  return { statusCode: 200, headers: { ...pageHeaders(), 'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY }, body: body.value };
}
