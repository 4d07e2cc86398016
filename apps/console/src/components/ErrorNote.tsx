import { ApiError } from '@mammoth/api-client';

/** ErrorNote shows a failure; for an API error, its reason with the code and the field it names. */
export function ErrorNote({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error.message}
      {error instanceof ApiError && (
        <span className="error-code">
          {' '}
          [{error.code}
          {error.field ? `, field ${error.field}` : ''}]
        </span>
      )}
    </p>
  );
}
