import type { FastifyInstance } from 'fastify';

/** Deepest nesting of arrays and objects a JSON body may have. */
export const maxJsonDepth = 256;

/** A JSON body the server refuses (400), with the reason in its message. */
export class BadBodyError extends Error {
  readonly code: string;
  readonly statusCode = 400;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
  override get name(): string {
    return 'BadBodyError';
  }
}

/**
 * One rule for request bodies: a body must be `application/json` (any charset parameter);
 * any other type is 415, whatever it is (Fastify's default `text/plain` parser is removed).
 * No body at all is the input `undefined`. The JSON is refused with a 400 that says why
 * when it is not valid, nests deeper than `maxJsonDepth`, or has a `__proto__` key, or a
 * `constructor` key holding a `prototype` (keys that poison prototypes when a handler
 * merges the input into another object): those are the only keys refused.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseJson(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Pure: parses a request body by the rules of `registerJsonBody`. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  const depth = nesting(text);
  if (depth > maxJsonDepth) {
    throw new BadBodyError(
      'ERR_JSON_TOO_DEEP',
      `Body nests ${depth} levels deep; at most ${maxJsonDepth} are accepted`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadBodyError('ERR_BAD_JSON', `Body is not valid JSON: ${(error as Error).message}`);
  }
  // Only a text that could hold such a key is walked (an escaped key too: \u005f...).
  if (/__proto__|constructor|\\u/.test(text)) refusePoisonKeys(value, '$');
  return value;
}

/** The deepest nesting of `[` and `{` outside strings: O(n), no recursion. */
function nesting(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

function refusePoisonKeys(value: unknown, path: string): void {
  // Iterative: nesting is bounded above, but a wide body must not cost stack either.
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop() as [unknown, string];
    if (v === null || typeof v !== 'object') continue;
    for (const key of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[key];
      const where = Array.isArray(v) ? `${at}[${key}]` : `${at}.${key}`;
      const poison =
        key === '__proto__' ||
        (key === 'constructor' &&
          child !== null &&
          typeof child === 'object' &&
          Object.hasOwn(child, 'prototype'));
      if (poison) {
        throw new BadBodyError(
          'ERR_JSON_PROTO_KEY',
          `Body has a "${key}" key at ${where}: refused, because such keys can poison object prototypes when merged; send the data under another key`,
        );
      }
      stack.push([child, where]);
    }
  }
}
