/**
 * The problem-details body as a zod schema, for the `response` of route schemas: what the OpenAPI
 * document shows for each error status. Bodies are sent past the route's serializer
 * (sendProblem), so this documents them and validates nothing.
 */
import { z } from 'zod';

export const problemSchema = z
  .object({
    type: z.string().describe('https://provisio.dev/problems/<kind>'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z
      .array(
        z.object({
          path: z.string().describe('Dotted path of the invalid field'),
          message: z.string(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
        }),
      )
      .optional(),
  })
  .describe('RFC 9457 problem details (application/problem+json)');

/** `{ 400: problemSchema, 404: problemSchema }` for the statuses given. */
export function problemResponses<S extends number>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<
    S,
    typeof problemSchema
  >;
}
