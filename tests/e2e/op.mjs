// panva's oidc-provider (a certified OpenID Provider this project did not write) on loopback,
// with one client per profile the app must handle: client_secret_basic, client_secret_post,
// a public client with PKCE, PAR required, DPoP required, the device flow, client credentials.
// Each client signs its id_token with another algorithm (RS256, PS256, ES256).

import Provider from 'oidc-provider';
import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export const OP_SECRETS = {
  'hs-basic': 'basic secret & more',
  'hs-post': 'post-secret-typed-by-the-user',
  'hs-par': 'par-secret',
  'hs-cc': 'cc secret',
};

function jwk(type, options, extra) {
  return { ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }), use: 'sig', ...extra };
}

/** Starts the provider; `callback` is the app's redirect URI. Resolves with its issuer URL. */
export async function startOp({ callback }) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const code = (id, extra = {}) => ({
    client_id: id,
    redirect_uris: [callback],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...(OP_SECRETS[id] ? { client_secret: OP_SECRETS[id] } : {}),
    ...extra,
  });
  const keys = {
    rsa: jwk('rsa', { modulusLength: 2048 }, { kid: 'rsa-1' }),
    ec: jwk('ec', { namedCurve: 'P-256' }, { kid: 'ec-1' }),
  };
  const provider = new Provider(issuer, {
    clients: [
      code('hs-basic', { token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'RS256' }),
      code('hs-post', { token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'PS256' }),
      code('hs-public', { token_endpoint_auth_method: 'none', id_token_signed_response_alg: 'ES256' }),
      code('hs-par', { token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true }),
      code('hs-dpop', { token_endpoint_auth_method: 'none', dpop_bound_access_tokens: true, id_token_signed_response_alg: 'ES256' }),
      {
        client_id: 'hs-device',
        token_endpoint_auth_method: 'none',
        grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: 'hs-cc',
        client_secret: OP_SECRETS['hs-cc'],
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [keys.rsa, keys.ec] },
    features: {
      devInteractions: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      pushedAuthorizationRequests: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      // Resource indicators would make JWT access tokens for an audience; opaque ones suffice.
      resourceIndicators: { enabled: false },
    },
    scopes: ['openid', 'offline_access', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true, name: `User ${sub}` }),
    }),
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'PS256', 'ES256'],
      dPoPSigningAlgValues: ['ES256'],
    },
    pkce: { required: (ctx, client) => client.clientAuthMethod === 'none' },
    rotateRefreshToken: true,
    cookies: { keys: ['handshake-e2e-cookie-key'] },
    // The app calls through handshake-proxy; CORS is the proxy's business.
    clientBasedCORS: () => false,
  });
  // The dev interactions warn about themselves on every start; the tests know.
  provider.on('server_error', (ctx, err) => console.error('oidc-provider:', err));
  // For the mix-up tests: a hook that rewrites the authorization answer on its way to the
  // callback (as a server that omits iss, or an attacker's, would send it).
  const state = { tamper: null };
  provider.use(async (ctx, next) => {
    await next();
    const location = ctx.response.get('location');
    if (state.tamper && location.startsWith(callback)) {
      const url = new URL(location);
      state.tamper(url.searchParams);
      ctx.response.set('location', url.href);
    }
  });
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    /** `fn(searchParams)` rewrites the next answers to the callback; `null` stops. */
    tamper(fn) { state.tamper = fn; },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
