// Run real Node.js validators with their default options on tokens driftcheck also judged.
// stdin: { "jwks": {...}, "issuer": "...", "audience": "...", "tokens": { NAME: TOKEN } }
// stdout: { NAME: { "jose": { "ok": bool, "error": str }, "jsonwebtoken": {...} } }
// Only what an API must configure is passed: the key set, issuer and audience.
import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';

const input = JSON.parse(await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
}));

const jwks = createLocalJWKSet(input.jwks);

// jwks-rsa's job: the public key whose kid the token names (SigningKeyNotFoundError if none).
// Like jwks-rsa's getSigningKey: the key with that kid, or the only key when there is no kid.
function keyFor(token) {
  const { kid } = decodeProtectedHeader(token);
  const keys = input.jwks.keys;
  const jwk = kid === undefined && keys.length === 1 ? keys[0] : keys.find((k) => k.kid === kid);
  if (!jwk) {
    const error = new Error(`Unable to find a signing key that matches '${kid}'`);
    error.name = 'SigningKeyNotFoundError';
    throw error;
  }
  return createPublicKey({ key: jwk, format: 'jwk' });
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
    jsonwebtoken.verify(token, keyFor(token), { issuer: input.issuer, audience: input.audience });
    result.jsonwebtoken = { ok: true, error: '' };
  } catch (error) {
    result.jsonwebtoken = { ok: false, error: `${error.name}: ${error.message}` };
  }
  results[name] = result;
}
process.stdout.write(JSON.stringify(results));
