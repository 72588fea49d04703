// Run real Node.js validators with their default options on tokens driftcheck also judged.
// stdin: { "jwksUri": "...", "issuer": "...", "audience": "...", "tokens": { NAME: TOKEN } }
// stdout: { NAME: { "jose": { "ok": bool, "error": str }, "jsonwebtoken": {...} } }
// Only what an API must configure is passed: the JWKS URL (a real server on loopback), the
// issuer and the audience. The keys are looked up by the libraries themselves, as their
// READMEs show: jose's createRemoteJWKSet, and jwks-rsa's client for jsonwebtoken.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import jwksClient from 'jwks-rsa';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const jwks = createRemoteJWKSet(new URL(input.jwksUri));
const client = jwksClient({ jwksUri: input.jwksUri });

// jwks-rsa README: `const key = await client.getSigningKey(kid); key.getPublicKey()`, the kid
// read from the token's header; then jsonwebtoken.verify with the issuer and the audience.
async function jsonwebtokenVerify(token) {
  const decoded = jsonwebtoken.decode(token, { complete: true });
  const key = await client.getSigningKey(decoded?.header?.kid);
  return jsonwebtoken.verify(token, key.getPublicKey(), {
    issuer: input.issuer, audience: input.audience,
  });
}

const results = {};
for (const [name, token] of Object.entries(input.tokens)) {
  const result = {};
  try {
    await jwtVerify(token, jwks, { issuer: input.issuer, audience: input.audience });
    result.jose = { ok: true, error: '' };
  } catch (error) {
    result.jose = { ok: false, error: `${error.code ?? error.name}: ${error.message}` };
  }
  try {
    await jsonwebtokenVerify(token);
    result.jsonwebtoken = { ok: true, error: '' };
  } catch (error) {
    result.jsonwebtoken = { ok: false, error: `${error.name}: ${error.message}` };
  }
  results[name] = result;
}
process.stdout.write(JSON.stringify(results));
