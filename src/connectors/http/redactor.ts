/**
 * Scrubs credentials out of every text that leaves a connector (error messages, details, logs):
 * the configured secrets and anything learnt later, such as OAuth access tokens.
 */
/** Replaces each secret in a text. */
export type Redactor = (text: string) => string;

/** A redactor for the given secrets (and anything added later, such as OAuth access tokens). */
export function createRedactor(secrets: readonly string[]): LearningRedactor {
  const known = new Set(secrets.filter((s) => s.length >= 4));
  const redact = (text: string) => {
    let out = text;
    for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  };
  return Object.assign(redact, {
    add: (secret: string) => {
      if (secret.length >= 4) known.add(secret);
    },
  });
}

/** A redactor that can learn secrets issued later (OAuth access tokens). */
export type LearningRedactor = Redactor & { add(secret: string): void };
