import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { useEffect, useMemo } from 'react';
import { liveClient } from '@mammoth/api-client';
import { useApi } from '../api/client';

const DEFAULT_QUERY = `# Mammoth's GraphQL API. Ctrl-Enter runs the query; the Docs pane lists every type.
{
  nodes { id status cpus memoryMiB }
  apps { name desired running healthy }
}
`;

/** GraphiQLPage is the GraphQL IDE, served from the console's own bundle (nothing loads from elsewhere). */
export default function GraphiQLPage() {
  const api = useApi();
  const ws = useMemo(() => liveClient(api, { base: window.location.href }), [api]);
  useEffect(() => () => void ws.dispose(), [ws]);
  const fetcher = useMemo(
    () => createGraphiQLFetcher({ url: `${window.location.origin}/graphql`, headers: api.authHeaders(), wsClient: ws }),
    [api, ws],
  );
  return (
    <div className="graphiql">
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} />
    </div>
  );
}
