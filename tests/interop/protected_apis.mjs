// Protected APIs built with real validator libraries from the npm registry, on 127.0.0.1,
// configured the way their READMEs show a team doing it. One route per API: GET /NAME/ping.
// Usage: node protected_apis.mjs PORT CONFIG.json
// CONFIG: { "apis": [ { "name", "library", "issuer" (string or array), "audience" (string or
//   array), "jwksUri" } ] }. Every request is recorded: GET /_requests lists
//   { path, method, authorization } (test-only: this server exists to be asserted on).
import { createHmac, createPublicKey, createVerify, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { expressjwt } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import { createVerifier } from 'fast-jwt';
import buildGetJwks from 'get-jwks';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const [port, configFile] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const requests = [];
const app = express();

app.use((req, _res, next) => {
  requests.push({ path: req.path, method: req.method, authorization: req.get('authorization') ?? null });
  next();
});
app.get('/_requests', (_req, res) => res.json(requests.filter((r) => r.path !== '/_requests')));

const bearer = (req) => {
  const header = req.get('authorization') ?? '';
  return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : null;
};

// A team's usual error handler: status, the library's headers, the message.
const rejected = (res, status, message, headers = {}) =>
  res.status(status).set(headers).json({ error: 'invalid_token', message });

// Requires a token; `check(token)` resolves with the claims or throws the library's error.
const guard = (check) => async (req, res, next) => {
  const token = bearer(req);
  if (!token) {
    return rejected(res, 401, 'No authorization token was found', { 'WWW-Authenticate': 'Bearer' });
  }
  try {
    await check(token);
    return next();
  } catch (error) {
    const message = error.message ?? String(error);
    return rejected(res, 401, message, {
      'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    });
  }
};

const list = (value) => (Array.isArray(value) ? value : [value]);

function middleware(api) {
  switch (api.library) {
    case 'express-oauth2-jwt-bearer':
      // README: auth({ issuerBaseURL | issuer + jwksUri, audience })
      if (Array.isArray(api.issuer)) {
        // Several issuers: one auth() takes one `issuer`; its multi-issuer mode (`mcd`,
        // MCDOptions in 1.10.0) lists them, each with its own keys. The token's iss picks the
        // entry, the audience list stays top-level (dist/index.js, jwtVerifier).
        return auth({
          mcd: { issuers: api.issuer.map((issuer) => ({ issuer, jwksUri: `${issuer}/jwks` })) },
          audience: api.audience,
        });
      }
      return auth({ issuer: api.issuer, jwksUri: api.jwksUri, audience: api.audience });
    case 'express-jwt':
      // README: expressjwt({ secret: jwksRsa.expressJwtSecret({...}), audience, issuer, algorithms })
      return expressjwt({
        secret: jwksRsa.expressJwtSecret({ jwksUri: api.jwksUri, cache: true, rateLimit: true }),
        audience: api.audience, issuer: api.issuer, algorithms: ['RS256'],
      });
    case 'fast-jwt': {
      // fast-jwt README "key fetching" with get-jwks: the key for the token's iss and kid.
      const getJwks = buildGetJwks({ jwksPath: api.jwksPath, issuersWhitelist: list(api.jwksDomain) });
      const verify = createVerifier({
        key: async ({ header }) => getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: api.jwksDomain }),
        allowedIss: api.issuer, allowedAud: api.audience,
      });
      return guard((token) => verify(token));
    }
    case 'aws-jwt-verify': {
      // README: JwtRsaVerifier.create({ issuer, audience, jwksUri }); aws-jwt-verify fetches only
      // over https, so the documented fetcher extension point is given Node's fetch (http).
      // Several issuers: one configuration each (its multi-issuer form), keys at issuer/jwks.
      const fetcher = { fetch: async (uri) => (await fetch(uri)).arrayBuffer() };
      const props = Array.isArray(api.issuer)
        ? api.issuer.map((issuer) => ({ issuer, audience: api.audience, jwksUri: `${issuer}/jwks` }))
        : { issuer: api.issuer, audience: api.audience, jwksUri: api.jwksUri };
      const verifier = JwtRsaVerifier.create(props, { jwksCache: new SimpleJwksCache({ fetcher }) });
      return guard((token) => verifier.verify(token));
    }
    case 'jose': {
      // jose README: jwtVerify(token, createRemoteJWKSet(url), { issuer, audience })
      const jwks = createRemoteJWKSet(new URL(api.jwksUri));
      return guard((token) => jwtVerify(token, jwks, { issuer: api.issuer, audience: api.audience }));
    }
    case 'hand-written-vulnerable':
      return guard((token) => vulnerable(api, token));
    default:
      throw new Error(`unknown library ${api.library}`);
  }
}

// Deliberately vulnerable: trusts the header's alg (accepts "none"), verifies HS256 with the
// RSA public key's PEM as the HMAC secret (key confusion), and never looks at aud.
async function vulnerable(api, token) {
  const [head, body, signature] = token.split('.');
  const header = JSON.parse(Buffer.from(head, 'base64url'));
  const claims = JSON.parse(Buffer.from(body, 'base64url'));
  const { keys } = await (await fetch(api.jwksUri)).json();
  const jwk = keys.find((k) => k.kid === header.kid) ?? keys[0];
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  if (header.alg === 'none') {
    // accepted as is
  } else if (header.alg === 'HS256') {
    const expected = createHmac('sha256', pem).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature ?? '', 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('invalid signature');
  } else {
    const ok = createVerify('RSA-SHA256').update(`${head}.${body}`).verify(pem, Buffer.from(signature ?? '', 'base64url'));
    if (!ok) throw new Error('invalid signature');
  }
  if (!list(api.issuer).includes(claims.iss)) throw new Error('jwt issuer invalid');
  return claims;
}

for (const api of config.apis) {
  app.get(`/${api.name}/ping`, middleware(api), (_req, res) => res.json({ ok: true }));
}

// express-oauth2-jwt-bearer and express-jwt raise errors with status and headers.
app.use((error, _req, res, _next) => {
  rejected(res, error.status ?? 401, error.message, error.headers ?? {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${String(error.message).replace(/"/g, "'")}"`,
  });
});

const server = app.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready http://127.0.0.1:${port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
