/**
 * Browser sessions: what the pages accept besides a bearer token. A session is a random value in
 * an HttpOnly, SameSite=Lax cookie (Secure and `__Host-` prefixed when the site is https, as on
 * AWS) and an item in the sessions table keyed by the value's SHA-256, so a copy of the table
 * holds no usable cookie. The item is what makes a session revocable: sign-out marks it ended, and a
 * copied cookie stops working with it. Sessions end after 8 hours without use or 12 hours after
 * sign-in, whichever comes first; DynamoDB's TTL removes the items later (dynalite has no TTL,
 * so the expiry is always checked on read).
 *
 * Each session has an anti-forgery value for its forms (an HMAC of the session value), checked by
 * `requireFormToken`; POSTs from a session must also come from this site (Origin, Sec-Fetch-Site).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { header } from '../shared/http';

/** Without use for this long, a session ends. */
export const SESSION_IDLE_SECONDS = 8 * 3600;
/** However much it is used, a session ends this long after sign-in. */
export const SESSION_ABSOLUTE_SECONDS = 12 * 3600;
/** Last use is written at most this often (a page view reads the session; it need not write it every time). */
export const SESSION_TOUCH_SECONDS = 5 * 60;

/** Where the site lives, which decides the cookies' flags and the origin a form must come from. */
export interface Site {
  /** `http://127.0.0.1:3000` locally, `https://abc.execute-api.us-east-1.amazonaws.com` on AWS. */
  origin: string;
  /** https: cookies are Secure and carry the `__Host-` prefix. */
  secure: boolean;
}

export const siteOf = (publicBaseUrl: string): Site => {
  const url = new URL(publicBaseUrl);
  return { origin: url.origin, secure: url.protocol === 'https:' };
};

/** The session cookie's name: `__Host-` binds it to this host, path `/`, Secure (browsers enforce it). */
export const sessionCookieName = (site: Site): string => (site.secure ? '__Host-session' : 'session');
/** The pending sign-in (state, nonce, PKCE verifier, where to return), encrypted, for ten minutes. */
export const pendingCookieName = (site: Site): string => (site.secure ? '__Host-sign-in' : 'sign-in');

export interface CookieOptions { maxAgeSeconds: number }

/** A Set-Cookie value with the flags every cookie of this site carries. */
export const setCookie = (site: Site, name: string, value: string, options: CookieOptions): string =>
  [`${name}=${value}`, 'Path=/', `Max-Age=${options.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax', ...(site.secure ? ['Secure'] : [])].join('; ');

/** A Set-Cookie value that removes the cookie. */
export const clearCookie = (site: Site, name: string): string => setCookie(site, name, '', { maxAgeSeconds: 0 });

/** The value of one cookie from the request's Cookie header(s); undefined when absent or sent twice. */
export const readCookie = (event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>, name: string): string | undefined => {
  const lines: string[] = [];
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) if (key.toLowerCase() === 'cookie') lines.push(...(values ?? []));
  if (lines.length === 0) {
    const single = header(event, 'cookie');
    if (single) lines.push(single);
  }
  const found = lines.flatMap((line) => line.split(';')).map((pair) => pair.trim()).filter((pair) => pair.startsWith(`${name}=`)).map((pair) => pair.slice(name.length + 1));
  // Two cookies of one name (one set by a sibling host, say) are ambiguous: neither is trusted.
  return found.length === 1 && found[0] !== '' ? found[0] : undefined;
};

/** A session value as issued: 32 random bytes, base64url. Anything else is not looked up. */
const SESSION_VALUE = /^[A-Za-z0-9_-]{43}$/;

const keyOf = (value: string): string => `SESSION#${createHash('sha256').update(value, 'utf8').digest('base64url')}`;

/** The session's anti-forgery value: derived from the session value, so it needs no storage and dies with the session. */
export const formTokenOf = (value: string): string => createHmac('sha256', value).update('purchase-approval form token v1').digest('base64url');

/** Compares in constant time (an attacker learns nothing from how long a wrong value takes). */
export const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A live session: who it is for and its anti-forgery value. */
export interface ActiveSession {
  personId: string;
  formToken: string;
  signedInAt: string;
}

interface SessionItem {
  pk: string;
  personId: string;
  signedInAt: string;
  lastSeenAt: string;
  /** epoch seconds: the absolute end */
  endsAtEpoch: number;
  /** epoch seconds when DynamoDB may delete the item (the earlier of idle and absolute end) */
  expiresAtEpoch: number;
  /** set by sign-out: the session is over, whatever its times say */
  revokedAt?: string;
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

/** The sessions table: create at sign-in, find on each page, delete at sign-out. */
export class SessionStore {
  readonly site: Site;

  constructor(private readonly db: DynamoDBDocumentClient, private readonly tableName: string, publicBaseUrl: string) {
    this.site = siteOf(publicBaseUrl);
  }

  /** A new session for the person; returns the cookie value (never stored) and its form token. */
  async create(personId: string, now: Date): Promise<{ value: string; formToken: string }> {
    const value = randomBytes(32).toString('base64url');
    const item: SessionItem = {
      pk: keyOf(value),
      personId,
      signedInAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      endsAtEpoch: epoch(now) + SESSION_ABSOLUTE_SECONDS,
      expiresAtEpoch: epoch(now) + Math.min(SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS),
    };
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return { value, formToken: formTokenOf(value) };
  }

  /**
   * The live session behind a cookie value, or undefined (unknown, signed out, expired). Each use
   * moves the idle end forward, written at most every five minutes.
   */
  async find(value: string, now: Date): Promise<ActiveSession | undefined> {
    if (!SESSION_VALUE.test(value)) return undefined;
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: keyOf(value) }, ConsistentRead: true }));
    const item = out.Item as SessionItem | undefined;
    const nowEpoch = epoch(now);
    if (!item || item.revokedAt || nowEpoch >= item.endsAtEpoch || nowEpoch >= epoch(new Date(item.lastSeenAt)) + SESSION_IDLE_SECONDS) return undefined;
    if (nowEpoch - epoch(new Date(item.lastSeenAt)) >= SESSION_TOUCH_SECONDS) {
      // Conditional: a sign-out in between must not be undone by this write.
      await this.db.send(new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: item.pk },
        UpdateExpression: 'SET lastSeenAt = :now, expiresAtEpoch = :expires',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':expires': Math.min(nowEpoch + SESSION_IDLE_SECONDS, item.endsAtEpoch) },
      })).catch((error: Error) => { if (error.name !== 'ConditionalCheckFailedException') throw error; });
    }
    return { personId: item.personId, formToken: formTokenOf(value), signedInAt: item.signedInAt };
  }

  /**
   * Ends the session for every copy of its cookie. Marked, not deleted (the functions hold no
   * DeleteItem): TTL removes the item an hour later.
   */
  async revoke(value: string, now: Date): Promise<void> {
    if (!SESSION_VALUE.test(value)) return;
    await this.db.send(new UpdateCommand({
      TableName: this.tableName,
      Key: { pk: keyOf(value) },
      UpdateExpression: 'SET revokedAt = :now, expiresAtEpoch = :expires',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':now': now.toISOString(), ':expires': epoch(now) + 3600 },
    })).catch((error: Error) => { if (error.name !== 'ConditionalCheckFailedException') throw error; });
  }
}

/**
 * A POST carried by a session cookie must come from a page of this site. Browsers say where a
 * request comes from: `Sec-Fetch-Site` (current browsers, cannot be set by a page) is decisive;
 * without it, `Origin`. Our pages send `Referrer-Policy: no-referrer`, under which a browser may
 * send `Origin: null` for its own forms, so `null` is left to the form token, checked as well.
 */
export const crossSiteReason = (event: Pick<APIGatewayProxyEvent, 'headers'>, site: Site): string | undefined => {
  const fetchSite = header(event, 'sec-fetch-site')?.trim().toLowerCase();
  if (fetchSite !== undefined) return fetchSite === 'same-origin' ? undefined : `the form was sent from another site (${fetchSite})`;
  const origin = header(event, 'origin')?.trim();
  if (origin !== undefined && origin !== 'null' && origin !== site.origin) return 'the form was sent from another site';
  return undefined;
};
