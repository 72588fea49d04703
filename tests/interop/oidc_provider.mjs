// oidc-provider (the certified Node.js OpenID provider) on 127.0.0.1, for driftcheck's
// interop tests. Usage: node oidc_provider.mjs PORT CONFIG.json
// CONFIG: { "keys": [private JWKs], "alg": "RS256", "resource": "api://orders-x",
//           "client_id": "...", "client_secret": "...", "ttl": 300 }
// client_credentials + resource indicators yield JWT access tokens with that audience.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, configFile] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configFile, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: config.client_id,
    client_secret: config.client_secret,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    scope: 'orders.read',
    id_token_signed_response_alg: config.alg ?? 'RS256',
  }],
  jwks: { keys: config.keys },
  scopes: ['openid', 'orders.read'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => ({
        scope: 'orders.read',
        audience: indicator,
        accessTokenFormat: 'jwt',
        accessTokenTTL: config.ttl ?? 300,
        jwt: { sign: { alg: config.alg ?? 'RS256' } },
      }),
    },
  },
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256', 'ES256'],
  },
});

const server = provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
