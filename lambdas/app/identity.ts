/**
 * Who is calling: the bearer token from the Authorization header (never the URL), verified, and
 * the person it names looked up in the people directory. A valid signature for someone the
 * directory no longer holds (a person who left) is refused like a bad token. Name, email,
 * department and roles come from the directory, never from the token or the body.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidTokenError, type TokenVerifier } from '../adapters/token-verifier';
import type { PurchaseRequest } from '../domain';
import { RequestValidationError } from '../shared/errors';

/** The roles of the authorization table (lambdas/app/authorize.ts). Every verified person is a requester. */
export const ACCESS_ROLES = ['requester', 'department-head', 'purchasing', 'auditor', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** A person as the directory holds them. */
export interface DirectoryPerson {
  id: string;
  name: string;
  email: string;
  department?: string;
  roles: readonly string[];
}

export interface PeopleDirectory {
  findById(id: string): DirectoryPerson | undefined;
  /** By mailbox: case and a `+tag` do not make a different person. */
  findByEmail(email: string): DirectoryPerson | undefined;
}

/** The verified caller. */
export interface Principal {
  id: string;
  name: string;
  email: string;
  department?: string;
  roles: AccessRole[];
}

/** The person as recorded in the audit trail and on the request. */
export const personOf = (p: Principal) => ({ id: p.id, name: p.name, email: p.email });

/** 401: no credentials, or credentials that do not prove who is calling. */
export class NotAuthenticatedError extends Error {
  override name = 'NotAuthenticatedError';
  constructor(
    /** RFC 6750: absent for "no token"; `invalid_request` for a token sent the wrong way. */
    readonly error: 'invalid_token' | 'invalid_request' | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** 403: the caller may know the resource exists but may not do this to it. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}

/** Query parameter names under which clients habitually put tokens (RFC 6750 §2.3 and others). */
const TOKEN_PARAMETERS = ['access_token', 'id_token', 'token', 'bearer', 'authorization', 'jwt'];
/** Three base64url segments, the first a JSON header: a JWT wherever it appears. */
const LOOKS_LIKE_JWT = /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

/**
 * The token from `Authorization: Bearer …`. A token in the query string is refused even when a
 * header is present too: URLs end up in logs, browser history and Referer headers.
 */
export const bearerToken = (event: Pick<APIGatewayProxyEvent, 'headers' | 'queryStringParameters' | 'multiValueQueryStringParameters'>): string => {
  const query = { ...(event.queryStringParameters ?? {}) };
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) query[name] = (values ?? []).join(',');
  for (const [name, value] of Object.entries(query)) {
    if (TOKEN_PARAMETERS.includes(name.toLowerCase()) || (value ?? '').split(',').some((v) => LOOKS_LIKE_JWT.test(v.trim()))) {
      throw new NotAuthenticatedError('invalid_request', 'send the token in the Authorization header, never in the URL');
    }
  }
  const values = Object.entries(event.headers ?? {}).filter(([key]) => key.toLowerCase() === 'authorization').map(([, v]) => v ?? '');
  if (values.length === 0 || values.every((v) => v.trim() === '')) throw new NotAuthenticatedError(undefined, 'sign in: this API needs a bearer token');
  if (values.length > 1) throw new NotAuthenticatedError('invalid_request', 'send one Authorization header');
  const match = /^Bearer +([\x21-\x7e]+)$/i.exec(values[0]!.trim());
  if (!match) throw new NotAuthenticatedError('invalid_request', 'use the Bearer scheme: Authorization: Bearer <token>');
  return match[1]!;
};

const accessRoles = (person: DirectoryPerson): AccessRole[] =>
  ['requester', ...ACCESS_ROLES.filter((role) => role !== 'requester' && person.roles.includes(role))] as AccessRole[];

export interface IdentityDeps {
  tokenVerifier: TokenVerifier;
  people: PeopleDirectory;
}

/** The verified caller of an API event; NotAuthenticatedError when there is none. */
export const authenticate = async (deps: IdentityDeps, event: Pick<APIGatewayProxyEvent, 'headers' | 'queryStringParameters' | 'multiValueQueryStringParameters'>): Promise<Principal> => {
  const token = bearerToken(event);
  let claims;
  try {
    claims = await deps.tokenVerifier.verify(token);
  } catch (error) {
    if (error instanceof InvalidTokenError) throw new NotAuthenticatedError('invalid_token', error.message);
    throw error;
  }
  // The subject is the person id the provider was given; a verified email claim is accepted for
  // providers that issue their own subject ids (Cognito), matched by mailbox.
  const person = deps.people.findById(claims.subject) ?? (claims.email && claims.emailVerified ? deps.people.findByEmail(claims.email) : undefined);
  if (!person) throw new NotAuthenticatedError('invalid_token', 'the token names nobody in the people directory');
  return { id: person.id, name: person.name, email: person.email, ...(person.department ? { department: person.department } : {}), roles: accessRoles(person) };
};

/** Case and a `+tag` do not make a different mailbox (alias@ and ALIAS+x@ are one person). */
export const mailboxKey = (email: string): string => {
  const [local = '', domain = ''] = email.trim().toLowerCase().split(/@(?=[^@]*$)/);
  return `${local.split('+')[0]}@${domain}`;
};

const isPerson = (value: unknown): value is DirectoryPerson => {
  const p = value as Partial<DirectoryPerson> | null;
  return !!p && typeof p.id === 'string' && typeof p.name === 'string' && typeof p.email === 'string'
    && (p.department === undefined || typeof p.department === 'string') && Array.isArray(p.roles) && p.roles.every((r) => typeof r === 'string');
};

/** An in-memory directory indexed by id and by mailbox; two people on one mailbox is a configuration error. */
export const peopleDirectory = (people: readonly unknown[]): PeopleDirectory => {
  const byId = new Map<string, DirectoryPerson>();
  const byMailbox = new Map<string, DirectoryPerson>();
  for (const [index, person] of people.entries()) {
    if (!isPerson(person)) throw new Error(`people[${index}] is not { id, name, email, department?, roles[] }`);
    const mailbox = mailboxKey(person.email);
    if (byId.has(person.id) || byMailbox.has(mailbox)) throw new Error(`people[${index}]: ${person.id} <${person.email}> is listed twice`);
    byId.set(person.id, person);
    byMailbox.set(mailbox, person);
  }
  return { findById: (id) => byId.get(id), findByEmail: (email) => byMailbox.get(mailboxKey(email)) };
};

/**
 * The request as the signed-in person submits it: the requester is that person (name and address
 * from the directory). A body naming another mailbox is refused rather than silently replaced,
 * so a script that submits on someone's behalf learns it cannot.
 */
export const requestedBy = (request: PurchaseRequest, person: Principal): PurchaseRequest => {
  if (mailboxKey(request.requester.email) !== mailboxKey(person.email)) {
    throw new RequestValidationError([{
      field: 'requester',
      message: `the requester is the signed-in person (${person.email}); leave it as that person or sign in as the requester`,
    }]);
  }
  return { ...request, requester: { name: person.name, email: person.email } };
};
