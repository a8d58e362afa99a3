/**
 * A token issuer for tests: its own key pairs, its JWKS served on 127.0.0.1, and tokens minted
 * for any subject with any claims (or any flaw a test wants to show is refused).
 */
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export const TEST_AUDIENCE = 'purchase-approval';

export interface MintOptions {
  subject: string;
  email?: string;
  name?: string;
  alg?: 'ES256' | 'RS256';
  issuer?: string;
  audience?: string;
  /** seconds since the epoch */
  issuedAt?: number;
  /** null: no exp claim at all */
  expiresAt?: number | null;
  notBefore?: number;
  /** a key id the issuer does not publish */
  kid?: string;
  /** sign with a key pair that is not the published one (same kid) */
  foreignKey?: boolean;
  extra?: JWTPayload;
}

export interface TestIssuer {
  issuer: string;
  jwksUrl: string;
  audience: string;
  publicJwks: { keys: JWK[] };
  /** how many times the JWKS was fetched (the verifier must cache it) */
  jwksFetches(): number;
  mint(options: MintOptions): Promise<string>;
  close(): Promise<void>;
}

interface KeyPair { kid: string; alg: 'ES256' | 'RS256'; privateKey: CryptoKey; publicJwk: JWK }

const keyPair = async (alg: 'ES256' | 'RS256', kid: string): Promise<KeyPair> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

/** Starts an issuer whose JWKS answers at http://127.0.0.1:<port>/jwks.json. */
export const startTestIssuer = async (clock: () => Date = () => new Date()): Promise<TestIssuer> => {
  const pairs = { ES256: await keyPair('ES256', 'test-es256'), RS256: await keyPair('RS256', 'test-rs256') };
  const impostors = { ES256: await keyPair('ES256', 'test-es256'), RS256: await keyPair('RS256', 'test-rs256') };
  const publicJwks = { keys: [pairs.ES256.publicJwk, pairs.RS256.publicJwk] };
  let fetches = 0;
  const server: Server = createServer((request, response) => {
    if (request.url === '/jwks.json') {
      fetches += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(publicJwks));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const { port } = server.address() as { port: number };
  const issuer = `http://127.0.0.1:${port}`;

  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    audience: TEST_AUDIENCE,
    publicJwks,
    jwksFetches: () => fetches,
    async mint(o) {
      const alg = o.alg ?? 'ES256';
      const pair = o.foreignKey ? impostors[alg] : pairs[alg];
      const now = Math.floor(clock().getTime() / 1000);
      const jwt = new SignJWT({ ...(o.email ? { email: o.email } : {}), ...(o.name ? { name: o.name } : {}), ...o.extra })
        .setProtectedHeader({ alg, kid: o.kid ?? pair.kid, typ: 'at+jwt' })
        .setSubject(o.subject)
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? TEST_AUDIENCE)
        .setIssuedAt(o.issuedAt ?? now);
      if (o.expiresAt !== null) jwt.setExpirationTime(o.expiresAt ?? now + 15 * 60);
      if (o.notBefore !== undefined) jwt.setNotBefore(o.notBefore);
      return jwt.sign(pair.privateKey);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
