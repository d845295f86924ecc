/** Sign in with a console user's name and password (POST /admin/v1/session). */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.js';
import { navigate, useLocation } from '../app/router.js';
import { useSession } from '../app/session.js';
import { ProblemAlert, TextField } from '../components/forms.js';

export function SignIn() {
  const { signIn } = useSession();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username, password);
      const next = search.get('next');
      // Only a path of our own: never an absolute URL from the query string.
      navigate(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : '/apps', {
        replace: true,
      });
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 401
          ? new ApiError({ status: 401, title: 'Wrong username or password' })
          : caught,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="sign-in">
      <h1>Sign in</h1>
      <p className="brand">Provisio</p>
      <form onSubmit={(e) => void submit(e)}>
        <ProblemAlert error={error} claimed={['username', 'password']} />
        <TextField
          label="Username"
          path="username"
          error={error}
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <TextField
          label="Password"
          path="password"
          error={error}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
