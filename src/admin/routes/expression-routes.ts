/** `POST /expressions/evaluate`: the console's expression editor, as `provisio expr`. */
import { z } from 'zod';
import type { AdminApi } from '../admin-route.js';
import type { AdminServices } from '../admin-services.js';
import { evaluateExpression } from '../../engine/cycle/expression-evaluation.js';
import { problemResponses } from '../problem-schema.js';
import { notFound } from './route-problems.js';

const diagnosticSchema = z.object({
  code: z.string().describe('stable code, e.g. E_UNKNOWN_FUNCTION'),
  message: z.string(),
  start: z.number().int(),
  end: z.number().int(),
  line: z.number().int(),
  column: z.number().int(),
  suggestion: z.string().optional(),
});

export function registerExpressionRoutes(api: AdminApi, services: AdminServices): void {
  api.post(
    '/expressions/evaluate',
    {
      config: { adminRole: 'viewer' },
      schema: {
        summary: 'Evaluate a mapping expression against a directory user or inline attributes',
        body: z.object({
          expression: z.string().max(64 * 1024),
          user: z.string().min(1).max(1000).optional().describe('a directory user id or userName'),
          attributes: z
            .record(z.string(), z.json())
            .optional()
            .describe('source attributes; win over the user'),
        }),
        response: {
          200: z.union([
            z.object({
              value: z.json(),
              flow: z.enum(['IgnoreAttributeFlow', 'IgnoreObjectFlow']).optional(),
            }),
            z.object({ diagnostics: z.array(diagnosticSchema) }),
            z.object({ error: z.string().describe('the evaluation failed: a function raised an error') }),
          ]),
          ...problemResponses(400, 404),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const outcome = await evaluateExpression(services.directory, {
        expression: body.expression,
        ...(body.user !== undefined ? { user: body.user } : {}),
        ...(body.attributes !== undefined ? { attributes: body.attributes } : {}),
      });
      if (outcome.ok)
        return { value: outcome.value, ...(outcome.flow !== undefined ? { flow: outcome.flow } : {}) };
      if ('userNotFound' in outcome) throw notFound(`no user with id or userName '${outcome.userNotFound}'`);
      if ('diagnostics' in outcome) return { diagnostics: [...outcome.diagnostics] };
      return { error: outcome.error };
    },
  );
}
