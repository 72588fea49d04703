// oauth2-mock-server on 127.0.0.1, for driftcheck's interop tests.
// Usage: node mock_server.mjs PORT KEYS.json   (KEYS: a JSON array of private JWKs with alg)
import { readFileSync } from 'node:fs';
import { OAuth2Server } from 'oauth2-mock-server';

const [port, keysFile] = process.argv.slice(2);
const server = new OAuth2Server();
for (const jwk of JSON.parse(readFileSync(keysFile, 'utf8'))) {
  await server.issuer.keys.add(jwk);
}
await server.start(Number(port), '127.0.0.1');
// The default issuer URL names localhost; tokens and discovery should name what we listen on.
server.issuer.url = `http://127.0.0.1:${port}`;
process.stdout.write(`ready ${server.issuer.url}\n`);
const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
