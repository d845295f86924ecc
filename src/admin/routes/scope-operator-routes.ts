/**
 * `GET /scope-operators`: the scoping filter operators the engine accepts, in the engine's order,
 * with whether each takes a clause value. The console's Scope page reads its operator list here, so
 * the engine's list is the only one.
 */
import { z } from 'zod';
import { SCOPE_OPERATORS, takesValue } from '../../engine/scoping/index.js';
import type { AdminApi } from '../admin-route.js';
import { problemResponses } from '../problem-schema.js';

const operatorsSchema = z.object({
  operators: z.array(
    z.object({
      name: z.string().describe("the operator in Entra's spelling, e.g. NOT REGEX MATCH"),
      takesValue: z.boolean().describe('false for IS TRUE, IS FALSE, IS NULL and IS NOT NULL'),
    }),
  ),
});

/** Computed once: the list is fixed for the life of the process. */
const ANSWER = {
  operators: SCOPE_OPERATORS.map((name) => ({ name, takesValue: takesValue(name) })),
};

export function registerScopeOperatorRoutes(api: AdminApi): void {
  api.get(
    '/scope-operators',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'The scoping filter operators, with whether each takes a value',
        response: { 200: operatorsSchema, ...problemResponses(401) },
      },
    },
    async () => ANSWER,
  );
}
