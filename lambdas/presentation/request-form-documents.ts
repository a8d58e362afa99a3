/**
 * Documents on the new-request form: a place to attach files in each quote row, in each method's
 * section (the contract, the award, the justification memo) and for the request as a whole.
 *
 * Attaching needs a script: the browser sends the file straight to the private bucket with a
 * presigned PUT (POST /documents hands it out), so the bytes never pass through a function. The
 * script is this module's constant, put inline and allowed by its SHA-256 in the form page's own
 * CSP, which otherwise stays the product's (nothing else may run; `connect-src` names only this
 * site and the bucket's origin). Without the script everything else on the form works: each place
 * says plainly that attaching needs JavaScript, documents already attached stay listed as hidden
 * fields, and their Remove buttons are submit buttons the server honours.
 */
import { createHash } from 'node:crypto';
import {
  apiPathsOfSlots,
  attachedFieldName,
  attachedFieldValue,
  GENERAL_SLOT,
  methodSlots,
  quoteSlot,
  type AttachedDocument,
  type DocumentSlot,
} from '../app/request-form-documents';
import { DOCUMENT_LIMITS, DOCUMENT_MEDIA_TYPES } from '../domain/documents';
import type { FieldError } from '../domain/types';
import type { MethodType } from '../domain/vocabulary';
import type { RequestFormValues } from '../app/request-form';
import { html, SafeHtml } from './html';
import { CONTENT_SECURITY_POLICY } from './style';
import type { RenderedPage } from './types';

/** What the slots need from the form's view. */
export interface DocumentsView {
  base: string;
  values: RequestFormValues;
  errors?: readonly FieldError[];
}

const SLOT_LABELS: Record<string, string> = {
  contract: 'The contract',
  solicitation: 'The solicitation or award that shows it was competed',
  award: 'The lead agency’s solicitation or award',
  justification: 'The justification memo',
};

/** File extensions next to the media types, so pickers that filter by name offer the right files. */
const ACCEPT = [...DOCUMENT_MEDIA_TYPES, '.pdf', '.png', '.jpg', '.jpeg', '.txt', '.csv', '.docx', '.xlsx'].join(',');

export const readableSize = (bytes: number): string =>
  bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

const slotId = (key: string): string => `doc-${key.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+$/, '')}`;

/** The first message about each slot: the server's (a document never uploaded) or the form's own. */
const slotErrors = (view: DocumentsView, documents: readonly AttachedDocument[]): Map<string, string> => {
  const paths = apiPathsOfSlots(view.values, documents);
  const out = new Map<string, string>();
  for (const e of view.errors ?? []) {
    const slot = paths.get(e.field) ?? (/^quotes\[\d+\]\.document$/.test(e.field) || e.field === GENERAL_SLOT.key ? e.field : undefined);
    if (slot && !out.has(slot)) out.set(slot, e.message);
  }
  return out;
};

function slotMarkup(slot: DocumentSlot, label: string, documents: readonly AttachedDocument[], errors: Map<string, string>): SafeHtml {
  const id = slotId(slot.key);
  const mine = documents.map((d, n) => ({ d, n })).filter(({ d }) => d.slot === slot.key);
  const error = errors.get(slot.key);
  const full = slot.single && mine.length > 0;
  return html`<div class="doc-slot${error ? ' rf-invalid' : ''}" id="${id}" data-slot="${slot.key}" data-purpose="${slot.purpose}" data-single="${slot.single ? 'yes' : 'no'}">
<p class="doc-label" id="${id}-label">${label}</p>
<p class="field-error" id="${id}-error"${error ? '' : html` hidden`}>${error ? html`<span class="rf-visually-hidden">Error: </span>${error}` : ''}</p>
<ul class="doc-list"${mine.length === 0 ? html` hidden` : ''}>${mine.map(({ d, n }) => html`<li><span class="doc-name">${d.name}</span> <span class="doc-size">${readableSize(d.size)}</span><input type="hidden" name="${attachedFieldName(n)}" value="${attachedFieldValue(d)}"><button type="submit" name="action" value="remove-document:${attachedFieldName(n)}" class="doc-remove" aria-label="Remove ${d.name}">Remove</button></li>`)}</ul>
<p class="hint doc-nojs">Attaching files needs JavaScript, which is off in this browser. Everything else on this form works without it.</p>
<div class="doc-pick" hidden${full ? html` data-full="yes"` : ''}><input type="file" id="${id}-file" class="doc-file" accept="${ACCEPT}" aria-labelledby="${id}-label" aria-describedby="${id}-error ${id}-status"></div>
<p class="doc-status hint" id="${id}-status" role="status"></p>
</div>`;
}

/** The place for a quote row's written quote. */
export function quoteDocumentSlot(view: DocumentsView, documents: readonly AttachedDocument[], row: number): SafeHtml {
  return slotMarkup(quoteSlot(row), `Quote ${row + 1}: the written quote`, documents, slotErrors(view, documents));
}

/** The places for a method's own documents (none for methods that need none). */
export function methodDocumentSlots(method: MethodType, view: DocumentsView, documents: readonly AttachedDocument[]): SafeHtml {
  const errors = slotErrors(view, documents);
  return html`${methodSlots(method).map((slot) => slotMarkup(slot, SLOT_LABELS[slot.key.split('.')[1]!] ?? 'A document', documents, errors))}`;
}

/** Other documents for the request as a whole, and what the script needs to know. */
export function generalDocumentsSection(view: DocumentsView, documents: readonly AttachedDocument[]): SafeHtml {
  return html`<h2 id="rf-documents-heading">Other documents <span class="rf-optional">(optional)</span></h2>
<p class="hint">Anything an approver should see: a cost analysis, a spec sheet, a council resolution. PDF, image, text, CSV, Word or Excel, up to ${Math.round(DOCUMENT_LIMITS.maxBytes / (1024 * 1024))} MB each.</p>
${slotMarkup(GENERAL_SLOT, 'Files for the approvers', documents, slotErrors(view, documents))}
<div id="doc-config" hidden data-endpoint="${view.base}/documents" data-max-bytes="${DOCUMENT_LIMITS.maxBytes}" data-types="${DOCUMENT_MEDIA_TYPES.join(' ')}"></div>`;
}

/**
 * The form's script. For each place: pick a file → checked here for size and type (the server
 * checks again) → POST /documents with the session's form token → PUT to the presigned URL with
 * exactly the signed headers → a hidden `attached[n]` field the form posts. Remove drops the
 * field. Errors show beside the place they belong to.
 */
export const DOCUMENTS_SCRIPT = `(function () {
  'use strict';
  var form = document.querySelector('form.request-form');
  var config = document.getElementById('doc-config');
  if (!form || !config || !window.fetch) return;
  var endpoint = config.getAttribute('data-endpoint');
  var maxBytes = Number(config.getAttribute('data-max-bytes'));
  var types = config.getAttribute('data-types').split(' ');
  var tokenField = form.elements.namedItem('formToken');
  var next = 0;
  form.querySelectorAll('input[name^="attached["]').forEach(function (input) {
    next = Math.max(next, Number(input.name.replace(/\\D/g, '')) + 1);
  });
  function size(bytes) {
    return bytes < 1024 ? bytes + ' bytes' : bytes < 1048576 ? Math.round(bytes / 1024) + ' KB' : (bytes / 1048576).toFixed(1) + ' MB';
  }
  function say(slot, error, status) {
    var e = slot.querySelector('.field-error');
    e.textContent = error || '';
    e.hidden = !error;
    slot.classList.toggle('rf-invalid', Boolean(error));
    slot.querySelector('.doc-status').textContent = status || '';
  }
  function refresh(slot) {
    var list = slot.querySelector('.doc-list');
    var count = list.querySelectorAll('li').length;
    list.hidden = count === 0;
    slot.querySelector('.doc-pick').hidden = slot.getAttribute('data-single') === 'yes' && count > 0;
  }
  function remove(button) {
    var slot = button.closest('.doc-slot');
    var name = button.parentNode.querySelector('.doc-name').textContent;
    button.parentNode.remove();
    refresh(slot);
    say(slot, '', name + ' removed.');
    slot.querySelector('.doc-file').focus();
  }
  function add(slot, doc) {
    var item = document.createElement('li');
    var name = document.createElement('span');
    name.className = 'doc-name';
    name.textContent = doc.name;
    var bytes = document.createElement('span');
    bytes.className = 'doc-size';
    bytes.textContent = size(doc.size);
    var field = document.createElement('input');
    field.type = 'hidden';
    field.name = 'attached[' + next++ + ']';
    field.value = JSON.stringify(doc);
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'doc-remove';
    button.textContent = 'Remove';
    button.setAttribute('aria-label', 'Remove ' + doc.name);
    button.addEventListener('click', function () { remove(button); });
    item.append(name, ' ', bytes, field, button);
    slot.querySelector('.doc-list').append(item);
    refresh(slot);
  }
  function problem(response) {
    return response.json().then(function (body) {
      var e = body && body.error;
      var fields = (e && e.fields) || [];
      return fields.length ? fields.map(function (f) { return f.message; }).join('; ') : (e && e.message) || '';
    }, function () { return ''; }).then(function (text) {
      return new Error(text ? 'It was not attached: ' + text + '.' : 'It was not attached (the server answered ' + response.status + '). Try again.');
    });
  }
  function upload(slot, input) {
    var file = input.files && input.files[0];
    if (!file) return;
    input.value = '';
    var type = (file.type || '').toLowerCase();
    if (file.size === 0) return say(slot, file.name + ' is empty. Choose the file again.');
    if (file.size > maxBytes) return say(slot, file.name + ' is ' + size(file.size) + ': a file may be at most ' + size(maxBytes) + '.');
    if (types.indexOf(type) < 0) return say(slot, file.name + ' is not a kind of file this form takes: attach a PDF, image (PNG or JPEG), text, CSV, Word or Excel file.');
    var purpose = slot.getAttribute('data-purpose');
    say(slot, '', 'Attaching ' + file.name + '…');
    input.disabled = true;
    fetch(endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Form-Token': tokenField ? tokenField.value : '' },
      body: JSON.stringify({ filename: file.name, mediaType: type, size: file.size, purpose: purpose }),
    }).then(function (response) {
      return response.ok ? response.json() : problem(response).then(function (e) { throw e; });
    }).then(function (grant) {
      return fetch(grant.uploadUrl, { method: 'PUT', headers: grant.headers, body: file, credentials: 'omit' }).then(function (response) {
        if (!response.ok) throw new Error('It was not stored (the file store answered ' + response.status + '). Try again.');
        add(slot, { slot: slot.getAttribute('data-slot'), id: grant.documentId, purpose: purpose, size: file.size, name: file.name });
        say(slot, '', file.name + ' attached.');
      });
    }).catch(function (error) {
      say(slot, file.name + ': ' + (error && error.message && error.message.indexOf('It was') === 0 ? error.message : 'it could not be sent. Check the connection and try again.'));
    }).then(function () { input.disabled = false; });
  }
  form.querySelectorAll('.doc-slot').forEach(function (slot) {
    slot.querySelectorAll('.doc-nojs').forEach(function (note) { note.hidden = true; });
    var input = slot.querySelector('.doc-file');
    input.addEventListener('change', function () { upload(slot, input); });
    slot.querySelectorAll('.doc-remove').forEach(function (button) {
      button.type = 'button';
      button.addEventListener('click', function () { remove(button); });
    });
    refresh(slot);
  });
})();`;

export const DOCUMENTS_SCRIPT_HASH = `sha256-${createHash('sha256').update(DOCUMENTS_SCRIPT, 'utf8').digest('base64')}`;

/** The origin of an upload URL, or undefined for anything that is not an http(s) URL. */
export const originOf = (url: string): string | undefined => {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
};

/** The product's CSP, plus this one script by its hash and the two places it talks to. */
export const formContentSecurityPolicy = (uploadOrigin: string | undefined): string =>
  [CONTENT_SECURITY_POLICY, `script-src '${DOCUMENTS_SCRIPT_HASH}'`, `connect-src 'self'${uploadOrigin ? ` ${uploadOrigin}` : ''}`].join('; ');

/** The rendered form page with the script at the end of its body and the CSP that allows it. */
export function withDocumentsScript(page: RenderedPage, uploadOrigin: string | undefined): RenderedPage {
  const script = new SafeHtml(DOCUMENTS_SCRIPT);
  const at = page.body.lastIndexOf('</body>');
  return {
    ...page,
    headers: { ...page.headers, 'Content-Security-Policy': formContentSecurityPolicy(uploadOrigin) },
    body: `${page.body.slice(0, at)}${html`<script>${script}</script>`.value}\n${page.body.slice(at)}`,
  };
}
