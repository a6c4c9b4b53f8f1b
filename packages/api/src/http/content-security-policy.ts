import type { MiddlewareHandler } from 'hono';

/**
 * The Content-Security-Policy of the API's own pages (/app, /panel, /docs): only this server's scripts,
 * styles and connections, no inline script, no framing, no plugins. `inlineStyles` is for pages whose
 * libraries write style attributes as they render (Scalar, Swagger UI); it never allows inline script.
 * @example c.header('Content-Security-Policy', contentSecurityPolicy());
 */
export function contentSecurityPolicy(options: { inlineStyles?: boolean; imgData?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${options.inlineStyles ? " 'unsafe-inline'" : ''}`,
    `img-src 'self'${options.imgData ? ' data:' : ''}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Middleware setting a Content-Security-Policy on what the routes after it answer.
 * @example app.use('/docs/*', withContentSecurityPolicy(contentSecurityPolicy()));
 */
export function withContentSecurityPolicy(policy: string): MiddlewareHandler {
  return async function contentSecurityPolicyHeader(c, next) {
    await next();
    c.header('Content-Security-Policy', policy);
  };
}
