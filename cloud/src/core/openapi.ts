/**
 * OpenAPI 3.1 document built from every route in contracts/ (the same zod objects the server
 * validates with and the clients type against), so the document cannot drift from the code.
 */
import { z } from 'zod';
import * as contracts from '../../../contracts';
import { ERROR_CODES } from '../../../contracts/errors';
import type { RouteDef } from '../../../contracts/route';

function isRouteDef(v: unknown): v is RouteDef {
  const r = v as Partial<RouteDef> | null;
  return !!r && typeof r === 'object' && typeof r.path === 'string' && typeof r.method === 'string' && !!r.response && typeof r.auth === 'string';
}

/** Every route exported by contracts/index.ts, grouped by namespace (identity, system, wecom, …). */
export function allContractRoutes(): Array<{ group: string; name: string; def: RouteDef }> {
  const out: Array<{ group: string; name: string; def: RouteDef }> = [];
  for (const [group, ns] of Object.entries(contracts)) {
    if (!ns || typeof ns !== 'object' || isRouteDef(ns)) continue;
    for (const [name, value] of Object.entries(ns as Record<string, unknown>)) {
      if (isRouteDef(value)) out.push({ group, name, def: value });
    }
  }
  return out;
}

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = schemaOf(schema, 'input');
  const props = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    schema: p,
    ...(typeof p.description === 'string' ? { description: p.description } : {}),
  }));
}

export function buildOpenApi(info: { version: string; serverUrl?: string }): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  const mediaTypeOf = (schema: z.ZodType): string => {
    const meta = z.globalRegistry.get(schema) as { contentMediaType?: unknown } | undefined;
    return typeof meta?.contentMediaType === 'string' ? meta.contentMediaType : 'application/json';
  };
  for (const { group, name, def } of allContractRoutes()) {
    const oasPath = def.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const errorStatuses = new Set<number>([400, 500]);
    if (def.auth !== 'public') [401, 403].forEach((s) => errorStatuses.add(s));
    if (def.params) errorStatuses.add(404);
    const op: JsonSchema = {
      operationId: `${group}.${name}`,
      tags: [group],
      summary: def.summary,
      parameters: [...parametersOf(def.params, 'path'), ...parametersOf(def.query, 'query')],
      responses: {
        // a route whose answer is not JSON (a CSV download) says so with the schema's contentMediaType meta
        '200': { description: 'OK', content: { [mediaTypeOf(def.response)]: { schema: schemaOf(def.response, 'output') } } },
        ...Object.fromEntries(
          [...errorStatuses].sort().map((s) => [String(s), { description: 'Error', content: { 'application/json': { schema: errorRef } } }]),
        ),
      },
      ...(def.auth === 'public' ? { security: [] } : { security: [{ bearer: [] }] }),
      ...(def.roles ? { 'x-roles': def.roles } : {}),
      'x-auth': def.auth,
    };
    if (def.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(def.body, 'input') } } };
    (paths[oasPath] ??= {})[def.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: '社区私域中枢 API', version: info.version, description: 'Generated from contracts/*.ts. Times are ISO-8601 UTC; money is integer fen.' },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Opaque session token from a login route.' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: Object.keys(ERROR_CODES) },
            message: { type: 'string' },
            details: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
