/**
 * The start the console's end-to-end flows share: a console stack with its directory filled, one
 * Chromium page on it, and, for the flows on an application, the SCIM example app stored through
 * the API with its first cycle done.
 */
import { expect } from 'vitest';
import type { JsonObject } from '../../../src/shared/json.js';
import { eventually, type Body } from '../../admin/routes-harness.js';
import { openConsolePage, type ConsolePage } from './console-page.js';
import { scimAppYaml, startConsoleStack, type ConsoleStack } from './console-stack.js';

/** A directory user with only a user name, a display name and whether it is active. */
export function directoryUser(userName: string, displayName: string, active = true): JsonObject {
  return { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName, displayName, active };
}

export interface ConsoleSuite {
  readonly stack: ConsoleStack;
  /** Not signed in yet. */
  readonly c: ConsolePage;
}

/**
 * Starts a console stack, lets `fill` put what the flow needs into its directory, and opens a
 * Chromium page on it. A failure on the way closes the stack, which the caller never received.
 */
export async function openConsoleSuite(
  chromiumPath: string,
  fill: (stack: ConsoleStack) => Promise<unknown> = async () => undefined,
): Promise<ConsoleSuite> {
  const stack = await startConsoleStack();
  try {
    await fill(stack);
    return { stack, c: await openConsolePage(stack, chromiumPath) };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** Closes the page, then the stack; either is missing when the suite failed to start. */
export async function closeConsoleSuite(suite: Partial<ConsoleSuite>): Promise<void> {
  await suite.c?.close();
  await suite.stack?.close();
}

/**
 * Stores examples/scim/app.yaml for the stack's target as `app`, every user in scope and no
 * near-real-time, through the API with the page's session (an admin's), then waits until the
 * first cycle serve's runner starts for a new app has linked `linked` objects and ended.
 */
export async function storeScimApp(
  c: ConsolePage,
  stack: ConsoleStack,
  app: string,
  linked: number,
): Promise<void> {
  const yaml = scimAppYaml(stack.target, app, { scope: 'all', nearRealTime: 'false' });
  expect((await c.api('PUT', `/apps/${app}`, yaml)).status).toBe(201);
  await eventually(async () => {
    const status = (await c.api('GET', `/apps/${app}/status`)).json as Body;
    return status.state === 'idle' && status.running === undefined && status.linked === linked
      ? true
      : undefined;
  }, 30_000);
}
