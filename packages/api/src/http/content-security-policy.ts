/**
 * The Content-Security-Policy of the API's own pages (/app, /panel, /docs): only this server's scripts,
 * styles and connections, no framing, no plugins. `scriptHashes` lets a page carry an inline script whose
 * exact text is known when the page is rendered (the panel's).
 * @example c.header('Content-Security-Policy', contentSecurityPolicy());
 */
export function contentSecurityPolicy(options: { scriptHashes?: readonly string[]; styleHashes?: readonly string[]; imgData?: boolean } = {}): string {
  const hashes = (list: readonly string[] | undefined) => (list ?? []).map((hash) => ` '${hash}'`).join('');
  return [
    "default-src 'self'",
    `script-src 'self'${hashes(options.scriptHashes)}`,
    `style-src 'self'${hashes(options.styleHashes)}`,
    `img-src 'self'${options.imgData ? ' data:' : ''}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The CSP source of an inline script or style: `sha256-<base64 of its SHA-256>`. */
export async function cspHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `sha256-${Buffer.from(digest).toString('base64')}`;
}
