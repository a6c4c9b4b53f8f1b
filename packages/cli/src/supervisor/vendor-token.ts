import { loadConfig, signToken } from '@delivery/api';

/**
 * The vendor worker calls the API like a restaurant's app, with a vendor token. Unless one is given in
 * VENDOR_TOKEN, the CLI mints one for the service account `vendor-worker` with the API's AUTH_SECRET.
 */
export async function vendorTokenFor(env: Record<string, string | undefined>): Promise<string> {
  if (env.VENDOR_TOKEN) return env.VENDOR_TOKEN;
  const config = loadConfig(env);
  return signToken(config.AUTH_SECRET, { sub: 'vendor-worker', role: 'vendor' }, config.TOKEN_MAX_TTL);
}
