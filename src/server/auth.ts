import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

/** The cookie the login form sets: an HMAC of the token (the token itself is never stored). */
export const sessionCookie = 'workpool_session';

/**
 * Token auth on every route but `/healthz` and the login form. Two ways in:
 * - `Authorization: Bearer <token>` (the scheme in any case), on every route;
 * - the login form (`GET /login`, `POST /login` with the token as a form field), which sets
 *   an HttpOnly, SameSite=Strict cookie that opens the GET routes (the dashboard, its
 *   `/events` stream, which cannot send headers, `/stats`, `/metrics`, `/api/...`) and the
 *   dashboard's actions (`POST /api/...`, which take JSON only, so another site's page
 *   cannot send them without a CORS preflight). `POST /tasks` takes the header only, so a
 *   cookie never runs a new task.
 * A client without a valid token is answered 401 as soon as its headers arrive, before any
 * body is read, and its connection is closed.
 */
export function registerAuth(app: FastifyInstance, token: string): void {
  const expected = digest(token);
  const session = createHmac('sha256', token).update('workpool dashboard session').digest('hex');
  const sessionDigest = digest(session);
  const valid = (given: string | undefined, want: Buffer): boolean =>
    given !== undefined && timingSafeEqual(digest(given), want);

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route === '/healthz' || route === '/login' || route === '/logout') return;
    if (valid(bearer(request.headers.authorization), expected)) return;
    const cookieOpens = request.method === 'GET' || route?.startsWith('/api/') === true;
    if (cookieOpens && valid(cookie(request, sessionCookie), sessionDigest)) return;
    if (request.method === 'GET' && route === '/') return reply.redirect('/login', 303);
    return unauthorized(reply, 'A valid bearer token is required');
  });

  app.register(async (scope) => {
    // The form's own body type, in this route's scope only (POST /tasks stays JSON only).
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_request, body, done) => done(null, new URLSearchParams(body as string)),
    );
    scope.get('/login', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(loginHtml('')),
    );
    scope.post('/login', async (request, reply) => {
      const form = request.body;
      const given = form instanceof URLSearchParams ? (form.get('token') ?? undefined) : undefined;
      if (!valid(given, expected)) {
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(loginHtml('That token is not valid.'));
      }
      return reply
        .header(
          'set-cookie',
          `${sessionCookie}=${session}; HttpOnly; SameSite=Strict; Path=/${request.protocol === 'https' ? '; Secure' : ''}`,
        )
        .redirect('/', 303);
    });
    // Signing out clears the cookie (harmless without one, so it needs no token).
    scope.post('/logout', async (_request, reply) =>
      reply
        .header('set-cookie', `${sessionCookie}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
        .redirect('/login', 303),
    );
  });
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  return reply
    .code(401)
    .header('www-authenticate', 'Bearer realm="workpool"')
    .header('connection', 'close')
    .send(
      errorBody(
        Object.assign(new Error(message), { name: 'UnauthorizedError' }),
        'ERR_UNAUTHORIZED',
      ),
    );
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110). */
export function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Fixed-length digests, so the comparison takes the same time whatever the token's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function loginHtml(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>workpool: sign in</title>
<style>body{font:15px system-ui,sans-serif;background:#0f1419;color:#e6e6e6;display:grid;place-items:center;height:100vh;margin:0}
form{background:#182029;padding:24px;border-radius:8px;display:grid;gap:10px;min-width:300px}
input,button{font:inherit;padding:8px}p{color:#ef5350;margin:0}</style></head>
<body><form method="post" action="/login"><label for="token">Token (the server's <code>--token</code>)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open the dashboard</button>${message === '' ? '' : `<p id="login-error">${message}</p>`}</form></body></html>`;
}
