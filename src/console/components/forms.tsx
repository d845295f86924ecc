/**
 * Form pieces: every input has a label, and an API error about a field appears under that field
 * (linked with aria-describedby), the rest above the form.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import { ApiError } from '../api/client.js';

interface FieldShell {
  readonly label: string;
  /** The API's dotted path for this field: its errors are shown here. */
  readonly path?: string;
  readonly error?: unknown;
  readonly hint?: ReactNode;
}

function fieldMessages(error: unknown, path: string | undefined): string[] {
  return error instanceof ApiError && path !== undefined ? error.messagesFor(path) : [];
}

function FieldFrame({
  id,
  label,
  hint,
  messages,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  messages: string[];
  children: ReactNode;
}) {
  return (
    <div className={`field${messages.length > 0 ? ' invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint !== undefined && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {messages.length > 0 && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {messages.join(' ')}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, messages: string[]): string | undefined {
  const ids = [hint !== undefined ? `${id}-hint` : '', messages.length > 0 ? `${id}-error` : ''].filter(
    Boolean,
  );
  return ids.length > 0 ? ids.join(' ') : undefined;
}

export function TextField({
  label,
  path,
  error,
  hint,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const messages = fieldMessages(error, path);
  return (
    <FieldFrame id={id} label={label} hint={hint} messages={messages}>
      <input
        id={id}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy(id, hint, messages)}
        {...input}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  path,
  error,
  hint,
  options,
  ...select
}: FieldShell &
  SelectHTMLAttributes<HTMLSelectElement> & {
    options: readonly (string | { value: string; label: string })[];
  }) {
  const id = useId();
  const messages = fieldMessages(error, path);
  return (
    <FieldFrame id={id} label={label} hint={hint} messages={messages}>
      <select
        id={id}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={describedBy(id, hint, messages)}
        {...select}
      >
        {options.map((o) => {
          const { value, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </FieldFrame>
  );
}

/** The problem as a whole (title, detail) and the field errors no field on the form shows. */
export function ProblemAlert({ error, claimed = [] }: { error: unknown; claimed?: readonly string[] }) {
  if (error === undefined || error === null) return null;
  if (!(error instanceof ApiError)) {
    return (
      <div role="alert" className="problem">
        {error instanceof Error ? error.message : String(error)}
      </div>
    );
  }
  const rest = error.unclaimed(claimed);
  return (
    <div role="alert" className="problem">
      <p>
        <strong>{error.title}</strong>
        {error.detail && error.detail !== error.title ? `: ${error.detail}` : ''}
        {error.retryAfter !== undefined ? ` Try again in ${error.retryAfter} s.` : ''}
      </p>
      {rest.length > 0 && (
        <ul>
          {rest.map((e, i) => (
            <li key={i}>
              {e.path ? <code>{e.path}</code> : null}
              {e.path ? ': ' : ''}
              {e.message}
              {e.line !== undefined
                ? ` (line ${e.line}${e.column !== undefined ? `, column ${e.column}` : ''})`
                : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
