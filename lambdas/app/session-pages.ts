/**
 * The few pages of signing in and out: a refused sign-in, the hop to the identity provider after
 * a form (a page's CSP allows forms to post to this site only, and browsers apply that to the
 * redirect that follows a form too, so the hop is a `Refresh` from a page of our own), and the
 * approval page's "sign in to decide" (step-up).
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { documentPage, renderFormErrorPage, type FormErrorStatus, type RenderedPage, type RequestSummary } from '../presentation';
import { html } from '../presentation/html';

const withCookies = (result: APIGatewayProxyResult, cookies: string[]): APIGatewayProxyResult =>
  cookies.length === 0 ? result : { ...result, multiValueHeaders: { ...(result.multiValueHeaders ?? {}), 'Set-Cookie': cookies } };

/** A plain redirect that sets (or clears) cookies; never cached. */
export const redirectWithCookies = (location: string, cookies: string[] = []): APIGatewayProxyResult =>
  withCookies({ statusCode: 303, headers: { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }, body: '' }, cookies);

/** The sign-in could not be completed: the page says why and how to start again. */
export const signInRefusedPage = (status: FormErrorStatus, message: string, cookies: string[] = []): APIGatewayProxyResult =>
  withCookies(renderFormErrorPage({ statusCode: status, message }), cookies);

/**
 * On to the identity provider after a form was posted here: a page with a `Refresh` header (no
 * script needed) and a link for a browser that does not follow it.
 */
export const continueToProviderPage = (url: string, heading: string, cookies: string[] = []): APIGatewayProxyResult => {
  const page = documentPage(200, heading, html`<main><h1>${heading}</h1><p><a href="${url}">Continue</a></p></main>`);
  return withCookies({ ...page, headers: { ...page.headers, Refresh: `0; url=${url}` } }, cookies);
};

/**
 * Above the policy's amount, deciding takes a sign-in as the approver (step-up). The button posts
 * the link's path to /sign-in in the form body, so the path (a credential) is not put in any URL.
 */
export const signInToDecidePage = (args: { request: RequestSummary; approver: string; threshold: string; base: string; approvalPath: string }): RenderedPage =>
  documentPage(200, `Sign in to decide: ${args.request.title}`, html`<main>
<p class="eyebrow">Approval request</p>
<h1>${args.request.title}</h1>
<p class="amount">${args.request.amount}</p>
<p>${args.request.department} · requested by ${args.request.requester.name}</p>
<div class="notice" role="note"><p>Requests above ${args.threshold} are decided by a signed-in approver. Sign in as <strong>${args.approver}</strong> to see the request and decide; you will come back to this page.</p></div>
<form method="post" action="${args.base}/sign-in" accept-charset="utf-8">
<input type="hidden" name="next" value="${args.approvalPath}">
<div class="buttons"><button type="submit">Sign in to decide</button></div>
</form>
</main>`);
