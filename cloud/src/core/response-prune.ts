/**
 * When an answer does not match its contract, what still goes out is pruned to the contract's
 * shape: object keys the schema does not name are dropped at every depth, so a field added to an
 * entity can never reach a client by accident even when the answer fails validation elsewhere.
 */
import type { z } from 'zod';

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
  catchall?: z.ZodType;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

export function pruneToSchema(schema: z.ZodType, value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 32) return value;
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return def.innerType ? pruneToSchema(def.innerType, value, depth + 1) : value;
    case 'lazy':
      return def.getter ? pruneToSchema(def.getter(), value, depth + 1) : value;
    case 'pipe':
      return def.in ? pruneToSchema(def.in, value, depth + 1) : value;
    case 'array':
      return Array.isArray(value) && def.element ? value.map((v) => pruneToSchema(def.element!, v, depth + 1)) : value;
    case 'record':
      if (typeof value !== 'object' || Array.isArray(value) || !def.valueType) return value;
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, pruneToSchema(def.valueType!, v, depth + 1)]));
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value) || !def.shape) return value;
      if (def.catchall && defOf(def.catchall).type !== 'never') return value; // passthrough objects keep their keys
      const out: Record<string, unknown> = {};
      for (const [k, s] of Object.entries(def.shape)) {
        if (k in (value as object)) out[k] = pruneToSchema(s, (value as Record<string, unknown>)[k], depth + 1);
      }
      return out;
    }
    case 'union': {
      const options = def.options ?? [];
      const match = options.find((o) => o.safeParse(value).success);
      if (match) return pruneToSchema(match, value, depth + 1);
      // no option fits: keep only what some object option names
      const objects = options.filter((o) => defOf(o).type === 'object');
      if (!objects.length || typeof value !== 'object' || Array.isArray(value)) return value;
      const keys = new Set(objects.flatMap((o) => Object.keys(defOf(o).shape ?? {})));
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([k]) => keys.has(k)));
    }
    default:
      return value;
  }
}
