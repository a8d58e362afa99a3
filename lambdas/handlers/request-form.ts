/**
 * GET and POST /requests/new: the new-request form. A thin edge over the same use cases as the
 * JSON API: "Preview" runs the routing core of POST /routing/preview, "Submit" the submission of
 * POST /requests (lambdas/app/submit.ts), then 303 to the request's page. Each rendered form
 * carries a random submission key, claimed in the idempotency table on submit, so a double click
 * or a re-posted form makes one request. The department and the requester are the signed-in
 * person's; the form never asks for them.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { AccessDeniedError } from '../app/identity';
import {
  emptyForm,
  formFromRequest,
  readRequestForm,
  requestBodyFromForm,
  withAnotherQuoteRow,
  type RequestFormValues,
} from '../app/request-form';
import { formForContract, formRegistry, type FormRegistry } from '../app/request-form-contracts';
import { REMOVE_ACTION, withoutRemoved } from '../app/request-form-documents';
import { previewRouting } from '../app/routing';
import { submitRequest, validatePurchaseRequest } from '../app/submit';
import { isWellFormedRequestId } from '../app/tokens';
import { uploadKey } from '../app/documents';
import { originOf } from '../presentation/request-form-documents';
import type { FieldError, RoutingDecision } from '../domain/types';
import { renderNoRequestForm, renderRequestForm, type PolicyChoice, type RequestFormView } from '../presentation/request-form';
import { ownershipOf, requirePermission } from '../shared/authenticated';
import { authenticatedPage, requireFormToken, type PageDeps, type Viewer } from '../shared/authenticated-page';
import { IdempotencyKeyReusedError, RequestNotFoundError, RequestValidationError } from '../shared/errors';
import { basePath, formBody } from '../shared/http';

/** The ports this handler uses; composed by lambdas/functions/request-form.ts on AWS and by the local stack. */
export type HandlerDeps = Parameters<typeof submitRequest>[0] & Parameters<typeof previewRouting>[0] & PageDeps;

const SUBMISSION_KEY = /^[A-Za-z0-9_-]{22}$/;
const newSubmissionKey = (): string => randomBytes(16).toString('base64url');

/**
 * The key under which a form's submission is claimed: the viewer's id in front, so one person's
 * form can never answer with another person's request, whatever value a form carries.
 */
const idempotencyKey = (viewer: Viewer, submissionKey: string): string | undefined =>
  SUBMISSION_KEY.test(submissionKey) ? `request-form:${viewer.id}:${submissionKey}` : undefined;

/** The base policies that cover this department, by name. */
const policiesFor = (deps: Pick<HandlerDeps, 'policies'>, department: string): PolicyChoice[] =>
  deps.policies.ids()
    .map((id) => deps.policies.get(id))
    .flatMap((p) => (p.kind === 'base' && p.departments.includes(department) ? [{ id: p.id, name: p.name }] : []));

interface Context {
  viewer: Viewer;
  base: string;
  department: string;
  policies: PolicyChoice[];
  registry: FormRegistry;
  uploadOrigin?: string;
}

type CopiedFrom = NonNullable<RequestFormView['copiedFrom']>;

/** The request to copy, if this viewer may read it; undefined otherwise (never says which). */
const copySource = async (deps: HandlerDeps, ctx: Context, id: string) => {
  if (!isWellFormedRequestId(id)) return undefined;
  const record = await deps.requests.get(id);
  if (!record) return undefined;
  try {
    requirePermission(ctx.viewer, 'read', ownershipOf(record));
  } catch (error) {
    if (error instanceof RequestNotFoundError || error instanceof AccessDeniedError) return undefined;
    throw error;
  }
  const returned = record.status === 'RETURNED';
  const reasons = returned ? (record.routing?.reasons ?? record.outcome?.reasons ?? []) : [];
  const copiedFrom: CopiedFrom = {
    id: record.id,
    label: record.number ?? record.id,
    href: `${ctx.base}/requests/${record.id}`,
    status: returned ? 'returned' : record.status.toLowerCase(),
    reasons: reasons.map((r: { message: string; citation?: string; field?: string }) => ({
      message: r.message, ...(r.citation ? { citation: r.citation } : {}), ...(r.field ? { field: r.field } : {}),
    })),
  };
  return { record, copiedFrom };
};

const page = (ctx: Context, values: RequestFormValues, extra: Partial<RequestFormView> = {}): APIGatewayProxyResult =>
  renderRequestForm({
    viewer: ctx.viewer, base: ctx.base, requester: { name: ctx.viewer.name, email: ctx.viewer.email },
    department: ctx.department, policies: ctx.policies, registry: ctx.registry, values, ...(ctx.uploadOrigin ? { uploadOrigin: ctx.uploadOrigin } : {}), ...extra,
  });

const showForm = async (deps: HandlerDeps, ctx: Context, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const defaultPolicy = ctx.policies[0]!.id;
  const from = event.queryStringParameters?.from;
  const contract = event.queryStringParameters?.contract;
  if (from === undefined && contract !== undefined) return page(ctx, ...formForContract(ctx.registry, contract, emptyForm(defaultPolicy, newSubmissionKey())));
  if (from === undefined) return page(ctx, emptyForm(defaultPolicy, newSubmissionKey()));
  const source = await copySource(deps, ctx, from);
  if (!source) {
    return page(ctx, emptyForm(defaultPolicy, newSubmissionKey()), {
      statusCode: 404,
      message: 'There is no request with that number that you may copy. Start a new one here.',
    });
  }
  const { request } = source.record;
  const policy = ctx.policies.some((p) => p.id === request.policy) ? request.policy : defaultPolicy;
  return page(ctx, formFromRequest(request, policy, newSubmissionKey()), { copiedFrom: source.copiedFrom });
};

/** Every error the form has: the form's own first (an amount that is no number), then the schema's and the policy's. */
const errorsOf = (deps: HandlerDeps, body: unknown, problems: readonly FieldError[]): FieldError[] => {
  let found: FieldError[] = [];
  try {
    validatePurchaseRequest(body, deps);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    found = error.fields;
  }
  const mine = new Set(problems.map((p) => p.field));
  return [...problems, ...found.filter((e) => !mine.has(e.field))];
};

const postForm = async (deps: HandlerDeps, ctx: Context, event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const posted = formBody(event);
  requireFormToken(ctx.viewer, posted);
  const fields = withoutRemoved(posted, posted.action);
  const form = readRequestForm(fields);
  if (!SUBMISSION_KEY.test(form.submissionKey)) form.submissionKey = newSubmissionKey();
  if (!ctx.policies.some((p) => p.id === form.policy)) form.policy = ctx.policies[0]!.id;
  const copied = fields.copiedFrom ? (await copySource(deps, ctx, fields.copiedFrom))?.copiedFrom : undefined;
  const extra: Partial<RequestFormView> = copied ? { copiedFrom: copied } : {};

  if (fields.action === 'add-quote') return page(ctx, withAnotherQuoteRow(form), extra);
  if (fields.action === 'find-contract') return page(ctx, form, extra);
  if (REMOVE_ACTION.test(fields.action ?? '')) return page(ctx, form, extra);

  const { body, problems } = requestBodyFromForm(form, ctx.viewer, ctx.department);
  const errors = problems.length > 0 ? errorsOf(deps, body, problems) : [];
  if (errors.length > 0) return page(ctx, form, { ...extra, errors });

  try {
    if (fields.action === 'submit') {
      requirePermission(ctx.viewer, 'submit');
      const { record } = await submitRequest(deps, body, idempotencyKey(ctx.viewer, form.submissionKey), ctx.viewer);
      return { statusCode: 303, headers: { Location: `${ctx.base}/requests/${record.id}`, 'Cache-Control': 'no-store' }, body: '' };
    }
    // Preview is the default: a form sent with Enter, or with no button named, changes nothing.
    requirePermission(ctx.viewer, 'preview');
    const preview: RoutingDecision = await previewRouting(deps, body, ctx.viewer);
    return page(ctx, form, { ...extra, preview });
  } catch (error) {
    if (error instanceof RequestValidationError) return page(ctx, form, { ...extra, errors: error.fields });
    if (error instanceof IdempotencyKeyReusedError) {
      // This form was submitted before with other values (Back, edit, Submit): that request
      // stands; a fresh key lets the person submit these values as a new one if they mean to.
      return page(ctx, { ...form, submissionKey: newSubmissionKey() }, {
        ...extra,
        statusCode: 409,
        message: 'This form was already submitted with different values, and that request stands. Your changes are below: submit again to make them a new request, or open My requests.',
      });
    }
    throw error;
  }
};

/**
 * The origin the form's script sends files to: that of an upload URL signed as POST /documents
 * signs them (signing is local, nothing is sent), so it is right for S3 and for the local store.
 */
const uploadOrigins = new WeakMap<HandlerDeps, string>();
const uploadOriginOf = async (deps: HandlerDeps): Promise<{ uploadOrigin?: string }> => {
  if (!uploadOrigins.has(deps)) {
    const origin = originOf(await deps.documents.presignUpload(uploadKey('origin'), { contentType: 'application/pdf', contentLength: 1 }, 60));
    if (origin) uploadOrigins.set(deps, origin);
  }
  const known = uploadOrigins.get(deps);
  return known ? { uploadOrigin: known } : {};
};

export const makeHandler = (deps: HandlerDeps) => authenticatedPage(deps, async (event, viewer) => {
  const base = basePath(event);
  requirePermission(viewer, 'submit');
  const department = viewer.department;
  const policies = department ? policiesFor(deps, department) : [];
  if (!department || policies.length === 0) {
    return renderNoRequestForm({
      viewer, base,
      message: department
        ? `No purchasing policy covers ${department}, so requests cannot be made for it yet. Ask your administrator.`
        : 'Your profile names no department, and every request belongs to one. Ask your administrator to add yours.',
    });
  }
  const ctx: Context = { viewer, base, department, policies, registry: await formRegistry(deps), ...(await uploadOriginOf(deps)) };
  return event.httpMethod === 'POST' ? postForm(deps, ctx, event) : showForm(deps, ctx, event);
});
