/**
 * Who is calling: the bearer token from the Authorization header (never the URL), verified, and
 * the person it names looked up in the people directory. A valid signature for someone the
 * directory no longer holds (a person who left) is refused like a bad token. Name, email,
 * department and roles come from the directory, never from the token or the body.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { InvalidTokenError, type TokenVerifier } from '../adapters/token-verifier';
import type { PolicyRegistry, PurchaseRequest } from '../domain';
import { mailboxKey, peopleForPolicy, UnknownPeopleDirectoryError, type PeopleDirectory, type PersonRecord } from '../domain/people';
import { RequestValidationError } from '../shared/errors';
import { readCookie, sessionCookieName, type SessionStore } from './session';

export { mailboxKey };

/** The roles of the authorization table (lambdas/app/authorize.ts). Every verified person is a requester. */
export const ACCESS_ROLES = ['requester', 'department-head', 'purchasing', 'auditor', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** Who may sign in: looked up by the token's subject (person id) or, failing that, by mailbox. */
export type PersonLookup = Pick<PeopleDirectory, 'findById' | 'findByEmail'>;

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

const accessRoles = (person: PersonRecord): AccessRole[] =>
  ['requester', ...ACCESS_ROLES.filter((role) => role !== 'requester' && person.roles.includes(role))] as AccessRole[];

export interface IdentityDeps {
  tokenVerifier: TokenVerifier;
  people: PersonLookup;
}

/** Browser sessions, for the routes a browser opens (pages, approval links). */
export interface SessionDeps {
  sessions: SessionStore;
  clock: () => Date;
}

type CredentialEvent = Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders' | 'queryStringParameters' | 'multiValueQueryStringParameters'>;

/** A principal with how they proved who they are. */
export type Caller = Principal & ({ via: 'bearer' } | { via: 'session'; formToken: string });

const principalFor = (person: PersonRecord): Principal =>
  ({ id: person.id, name: person.name, email: person.email, ...(person.department ? { department: person.department } : {}), roles: accessRoles(person) });

/** Whether the request carries an Authorization header at all (a token in the URL counts, and is refused). */
const sendsBearer = (event: CredentialEvent): boolean => {
  try {
    bearerToken(event);
    return true;
  } catch (error) {
    return !(error instanceof NotAuthenticatedError && error.error === undefined);
  }
};

/**
 * The person of the browser's session cookie: undefined when there is none, or it is unknown,
 * expired or signed out, or its person has left the directory.
 */
export const sessionCaller = async (deps: IdentityDeps & SessionDeps, event: CredentialEvent): Promise<Caller | undefined> => {
  const value = readCookie(event, sessionCookieName(deps.sessions.site));
  if (!value) return undefined;
  const session = await deps.sessions.find(value, deps.clock());
  const person = session ? deps.people.findById(session.personId) : undefined;
  return session && person ? { ...principalFor(person), via: 'session', formToken: session.formToken } : undefined;
};

/**
 * Who is calling a route a browser opens: a bearer token first (scripts and tests; when one is
 * sent it must verify), then the session cookie. Undefined when neither is there.
 */
export const optionalCaller = async (deps: IdentityDeps & SessionDeps, event: CredentialEvent): Promise<Caller | undefined> => {
  if (sendsBearer(event)) return { ...(await authenticate(deps, event)), via: 'bearer' };
  return sessionCaller(deps, event);
};

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
  return principalFor(person);
};

/**
 * Everyone who may sign in: the people directories of the registry's base policies together (a
 * policy without a directory of its own, such as a test copy of a shipped one, adds nobody).
 * One id must be one mailbox across directories.
 */
export const signInDirectory = (policies: PolicyRegistry): PersonLookup => {
  const byId = new Map<string, PersonRecord>();
  const byMailbox = new Map<string, PersonRecord>();
  for (const id of policies.ids()) {
    const policy = policies.get(id);
    if (policy.kind !== 'base') continue;
    let directory: PeopleDirectory;
    try {
      directory = peopleForPolicy(policy);
    } catch (error) {
      if (error instanceof UnknownPeopleDirectoryError) continue;
      throw error;
    }
    for (const person of directory.all()) {
      const known = byId.get(person.id);
      if (known && mailboxKey(known.email) !== mailboxKey(person.email)) throw new Error(`person ${person.id} has two addresses in two directories`);
      byId.set(person.id, person);
      byMailbox.set(mailboxKey(person.email), person);
    }
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
