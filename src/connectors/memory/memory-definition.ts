/**
 * The `memory` kind for the registry: `connector: { kind: memory, settings: { ... } }` in an app
 * file. Settings are the target's options (capability overrides, unique and required attributes,
 * seeded accounts); faults and inspection are reached through the `MemoryTarget`, which
 * `onTarget` hands to the test that registered the kind.
 */
import { z } from 'zod';
import { defineConnector, type ConnectorDefinition } from '../spi/index.js';
import { MemoryTarget, type MemoryTargetOptions } from './memory-connector.js';

const perType = <T extends z.ZodType>(schema: T) =>
  z.strictObject({ User: schema.optional(), Group: schema.optional() });

const seedObject = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  attributes: z.record(z.string(), z.json()),
  enabled: z.boolean().optional(),
  members: z.array(z.string()).optional(),
});

/** Settings of the `memory` kind; capability overrides are checked by the capabilities schema when the target is built. */
export const memorySettingsSchema = z.strictObject({
  capabilities: z.record(z.string(), z.unknown()).optional(),
  uniqueAttributes: perType(z.array(z.string().min(1))).optional(),
  requiredAttributes: perType(z.array(z.string().min(1))).optional(),
  caseExact: z.boolean().optional(),
  randomSeed: z.number().int().optional(),
  objects: perType(z.array(seedObject)).optional(),
});

/** The `memory` kind; `onTarget` receives each target built, for tests that inject faults or inspect it. */
export function createMemoryDefinition(
  options: { onTarget?: (target: MemoryTarget) => void } = {},
): ConnectorDefinition<z.infer<typeof memorySettingsSchema>> & { kind: string } {
  const definition = defineConnector({
    kind: 'memory',
    settings: memorySettingsSchema,
    create: ({ settings }) => {
      const target = new MemoryTarget(settings as MemoryTargetOptions);
      options.onTarget?.(target);
      return target.connector();
    },
  });
  return { ...definition, kind: 'memory' };
}

/** The `memory` kind as the composition root registers it. */
export const memoryConnectorDefinition = createMemoryDefinition();
