/**
 * The output contract's compile-time tie (outputsOf in contract.ts): a function's output schemas
 * are accepted only when each action's schema outputs exactly the action's type, every action has
 * one, and no other key is given. The refusals are checked by tsc — `npm test` typechecks this
 * file, and an @ts-expect-error that meets no error fails it — and the accepted map at run time.
 */
import type { z } from 'zod';
import type { Me } from '../src/api';
import { ApiOutputSchemas, outputsOf } from '../src/contract';

const me = ApiOutputSchemas.auth.whoami;
const as = <T>(schema: z.ZodType) => schema as unknown as z.ZodType<T>;

test('a map of exactly the types is accepted as it is', () => {
  const auth = outputsOf<'auth'>()({ whoami: me, bind: me });
  expect(auth).toEqual({ whoami: me, bind: me });
  expect(auth.bind.parse({ openid: 'o1', role: null, name: '张三', extra: 1 })).toEqual({ openid: 'o1', role: null, name: '张三' });
});

test('tsc refuses a schema that is not exactly its type, a missing action and an unknown one', () => {
  const refused = [
    // @ts-expect-error a required field of the type is not in the schema
    outputsOf<'auth'>()({ whoami: as<Omit<Me, 'name'>>(me), bind: me }),
    // @ts-expect-error an optional field of the type is not in the schema
    outputsOf<'auth'>()({ whoami: as<Omit<Me, 'staff'>>(me), bind: me }),
    // @ts-expect-error the schema has a field the type lacks
    outputsOf<'auth'>()({ whoami: as<Me & { extra: string }>(me), bind: me }),
    // @ts-expect-error an action without a schema
    outputsOf<'auth'>()({ whoami: me }),
    // @ts-expect-error a schema for an action the function does not have
    outputsOf<'auth'>()({ whoami: me, bind: me, unbind: me }),
  ];
  // At run time outputsOf only hands the map on: the refusals above are tsc's.
  expect(refused.map((m) => Object.keys(m).sort())).toEqual([
    ['bind', 'whoami'],
    ['bind', 'whoami'],
    ['bind', 'whoami'],
    ['whoami'],
    ['bind', 'unbind', 'whoami'],
  ]);
});
