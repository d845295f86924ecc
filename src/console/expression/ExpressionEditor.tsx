/**
 * Editing one mapping's expression: a textarea with a highlighted copy under it (the text is
 * transparent, the caret is not), diagnostics as you type with the server's did-you-mean, and the
 * value the expression gives for a chosen directory user. Every check goes to
 * POST /admin/v1/expressions/evaluate, so the console never disagrees with the engine.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import type { Json } from '../api/types.js';
import { highlightRuns } from './highlight-tokens.js';

export interface ExpressionDiagnostic {
  readonly code?: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /** Offsets into the expression: `expression.slice(start, end)`. */
  readonly start?: number;
  readonly end?: number;
  readonly suggestion?: string;
}

interface EvaluateAnswer {
  readonly ok?: boolean;
  readonly value?: Json;
  readonly result?: Json;
  readonly diagnostics?: readonly ExpressionDiagnostic[];
  readonly error?: string | { readonly message: string };
}

export interface UserChoice {
  readonly id: string;
  readonly label: string;
}

/** Diagnostics from an answer or from a 400 problem whose `errors` carry them. */
function diagnosticsOf(answer: EvaluateAnswer | undefined, error: unknown): ExpressionDiagnostic[] {
  if (answer?.diagnostics) return [...answer.diagnostics];
  if (error instanceof ApiError) {
    if (error.errors.length > 0) return error.errors.map((e) => ({ ...e }));
    return [{ message: error.detail ?? error.title }];
  }
  return [];
}

export function ExpressionEditor({
  app,
  value,
  onChange,
  users,
  objectType,
}: {
  app: string;
  value: string;
  onChange: (value: string) => void;
  users: readonly UserChoice[];
  objectType: string;
}) {
  const id = useId();
  const [user, setUser] = useState<string>('');
  const [answer, setAnswer] = useState<EvaluateAnswer>();
  const [error, setError] = useState<unknown>();
  const [checking, setChecking] = useState(false);
  const overlay = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (user === '' && users[0]) setUser(users[0].id);
  }, [users, user]);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      setChecking(true);
      api
        .post<EvaluateAnswer>(
          '/expressions/evaluate',
          { expression: value, ...(user ? { user } : {}) },
          { signal: controller.signal },
        )
        .then((a) => {
          setAnswer(a);
          setError(undefined);
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setAnswer(undefined);
          setError(e);
        })
        .finally(() => setChecking(false));
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [value, user, app, objectType]);

  const diagnostics = diagnosticsOf(answer, error);
  const bad = useMemo(
    () =>
      diagnostics.flatMap((d) =>
        d.start !== undefined ? [{ start: d.start, end: Math.max(d.end ?? d.start, d.start + 1) }] : [],
      ),
    [diagnostics],
  );
  const runs = useMemo(() => highlightRuns(value), [value]);
  const result = answer && diagnostics.length === 0 ? (answer.value ?? answer.result ?? null) : undefined;
  const errorText = typeof answer?.error === 'string' ? answer.error : answer?.error?.message;

  return (
    <div className="expr-editor">
      <label htmlFor={`${id}-text`}>Expression</label>
      <div className="expr-box">
        <pre className="expr-overlay code" aria-hidden="true" ref={overlay}>
          {runs.map((run) => (
            <span
              key={run.start}
              className={`tok-${run.kind}${bad.some((s) => run.start < s.end && run.start + run.text.length > s.start) ? ' tok-diag' : ''}`}
            >
              {run.text}
            </span>
          ))}
          {'\n'}
        </pre>
        <textarea
          id={`${id}-text`}
          className="expr-input code"
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          rows={4}
          value={value}
          aria-describedby={`${id}-diag`}
          aria-invalid={diagnostics.length > 0 || undefined}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (overlay.current) overlay.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <div id={`${id}-diag`} className="expr-diagnostics" aria-live="polite">
        {diagnostics.length > 0 ? (
          <ul className="diagnostics">
            {diagnostics.map((d, i) => (
              <li key={i} className="field-error">
                {d.line !== undefined ? `Line ${d.line}, column ${d.column ?? 1}: ` : ''}
                {d.message}
                {d.suggestion && !/did you mean/i.test(d.message) ? ` Did you mean ${d.suggestion}?` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <p className="hint">{checking ? 'Checking…' : 'No problems found.'}</p>
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>Directory user for the live result</label>
        <select id={`${id}-user`} value={user} onChange={(e) => setUser(e.target.value)}>
          {users.length === 0 ? <option value="">No users in the directory</option> : null}
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.label}
            </option>
          ))}
        </select>
      </div>
      <p className="expr-result">
        Result:{' '}
        <output htmlFor={`${id}-text ${id}-user`} data-testid="expression-result">
          {errorText ? `error: ${errorText}` : result === undefined ? '—' : JSON.stringify(result)}
        </output>
      </p>
    </div>
  );
}
