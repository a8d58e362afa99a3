/**
 * Opaque ids and the per-page anti-forgery value.
 *
 * Approval ids are 256 random bits (base64url): the link in the email is the approver's only
 * credential, so it must not be guessable. The anti-forgery value binds a form to one approval id
 * and the moment the page was rendered, signed with the link secret; a POST without a value this
 * service issued for that id (a mail scanner replaying a URL, a forged cross-site form) is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ulid } from 'ulid';

export const newRequestId = (): string => ulid();
export const newApprovalId = (): string => randomBytes(32).toString('base64url');

/** Approval ids as issued: 43 base64url characters. Anything else is not looked up at all. */
export const isWellFormedApprovalId = (id: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(id);

const FORM_LIFETIME_MS = 24 * 60 * 60 * 1000;

const mac = (secret: Buffer, approvalId: string, issuedAt: number) =>
  createHmac('sha256', secret).update(`approval-form|${approvalId}|${issuedAt}`).digest('base64url');

export const issueAntiForgery = (secret: Buffer, approvalId: string, now: Date): string => {
  const issuedAt = now.getTime();
  return `${issuedAt}.${mac(secret, approvalId, issuedAt)}`;
};

export const checkAntiForgery = (secret: Buffer, approvalId: string, value: unknown, now: Date): boolean => {
  if (typeof value !== 'string' || value.length > 200) return false;
  const parts = value.split('.');
  if (parts.length !== 2) return false;
  const [issuedText, signature] = parts as [string, string];
  const issuedAt = Number(issuedText);
  if (!/^\d{1,16}$/.test(issuedText) || !Number.isSafeInteger(issuedAt) || !signature) return false;
  const age = now.getTime() - issuedAt;
  if (age < -60_000 || age > FORM_LIFETIME_MS) return false;
  const expected = Buffer.from(mac(secret, approvalId, issuedAt));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
};

/** Request ids as issued: ULIDs. Anything else cannot exist, so it is a 404 without a lookup. */
export const isWellFormedRequestId = (id: string): boolean => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(id);
