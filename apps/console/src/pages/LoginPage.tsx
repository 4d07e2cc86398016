import { FormEvent, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ApiClient, graphql } from '@mammoth/api-client';
import { saveToken } from '../auth';
import { ErrorNote } from '../components/ErrorNote';

const WhoAmI = graphql(`
  query SignInCheck {
    whoami {
      subject
    }
  }
`);

/** LoginPage takes a token, checks the cluster accepts it (whoami), and keeps it in this browser. */
export function LoginPage() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/';

  async function signIn(e: FormEvent): Promise<void> {
    e.preventDefault();
    setError(null);
    try {
      await new ApiClient({ addr: '', token }).request(WhoAmI);
      saveToken(token);
      await navigate(from, { replace: true });
    } catch (err) {
      setError(err as Error);
    }
  }

  return (
    <div className="login">
      <form className="card" onSubmit={(e) => void signIn(e)}>
        <h1>Mammoth</h1>
        <label>
          Token
          <input
            name="token"
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        <button type="submit">Sign in</button>
        <ErrorNote error={error} />
      </form>
    </div>
  );
}
