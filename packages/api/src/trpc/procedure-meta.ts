import type { OpenApiMeta } from 'trpc-to-openapi';

/**
 * What a procedure says about itself beyond its schemas: its REST route (`openapi`, read by the OpenAPI
 * document and the REST handler) and who may call it (`roles`, shown by the panel; the procedure's own
 * middleware is what enforces it).
 */
export type ProcedureMeta = OpenApiMeta<{ roles?: readonly string[] }>;
