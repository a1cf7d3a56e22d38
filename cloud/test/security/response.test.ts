/**
 * Response validation outside tests: an answer that drifts from its contract is reported (logged)
 * and still pruned to the contract's fields — unknown fields never go out, in any mode.
 */
import { z } from 'zod';
import { defineRoute } from '../../../contracts/route';
import { ResponseDriftError } from '../../src/core/errors';
import { pruneToSchema } from '../../src/core/response-prune';
import { Route } from '../../src/core/route';

const schema = z.object({
  id: z.number(),
  items: z.array(z.object({ name: z.string(), tags: z.array(z.string()).optional() })),
  owner: z.object({ nickname: z.string() }).nullable(),
  kind: z.union([z.object({ a: z.number() }), z.object({ b: z.string() })]),
});

test('pruning keeps only what the schema names, at every depth', () => {
  const value = {
    id: 'oops',
    secret: 'leak',
    items: [{ name: 'x', phone: '13800000000', tags: ['t'] }],
    owner: { nickname: 'n', openid: 'o_1' },
    kind: { b: 'ok', token: 'tk' },
  };
  expect(pruneToSchema(schema, value)).toEqual({ id: 'oops', items: [{ name: 'x', tags: ['t'] }], owner: { nickname: 'n' }, kind: { b: 'ok' } });
});

test('outside tests a drifting answer is logged and pruned, not passed through', async () => {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const route = defineRoute({ method: 'GET', path: '/__test/prune', auth: 'public', summary: 'test only', response: schema });
  class Probe {
    async drift() {
      return { id: 'not a number', secret: 'leak', items: [{ name: 'x', phone: '13800000000' }], owner: null, kind: { a: 1 } } as never;
    }
  }
  const desc = Object.getOwnPropertyDescriptor(Probe.prototype, 'drift')!;
  Route(route)(Probe.prototype, 'drift', desc);
  process.env.NODE_ENV = saved;
  const error = jest.fn();
  const ctx = { params: {}, query: {}, request: {}, get: () => '', set: () => undefined, status: 404, logger: { error } };
  const out = await (desc.value as (c: unknown) => Promise<unknown>).call(new Probe(), ctx);
  expect(out).toEqual({ id: 'not a number', items: [{ name: 'x' }], owner: null, kind: { a: 1 } });
  expect(JSON.stringify(out)).not.toContain('leak');
  expect(JSON.stringify(out)).not.toContain('13800000000');
  expect(error).toHaveBeenCalledWith(expect.any(ResponseDriftError));
});
