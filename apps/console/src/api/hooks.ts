import { useMutation, useQuery, useQueryClient, UseQueryResult } from '@tanstack/react-query';
import type { TadaDocumentNode } from 'gql.tada';
import { useApi } from './client';

/** POLL_MS is how often pages refresh what they show from the read models. */
export const POLL_MS = 2000;

function nameOf(doc: TadaDocumentNode<unknown, unknown>): string {
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
  return op && 'name' in op && op.name ? op.name.value : 'operation';
}

/** useGql runs a typed query and refreshes it every POLL_MS while the page shows it. */
export function useGql<R, V>(doc: TadaDocumentNode<R, V>, variables: V, pollMs = POLL_MS): UseQueryResult<R, Error> {
  const api = useApi();
  return useQuery({
    queryKey: [nameOf(doc as TadaDocumentNode<unknown, unknown>), variables],
    queryFn: () => api.request(doc, ...([variables] as [V])),
    refetchInterval: pollMs,
  });
}

/** useGqlMutation runs a typed mutation and, once it succeeds, refreshes every query on the page. */
export function useGqlMutation<R, V>(doc: TadaDocumentNode<R, V>) {
  const api = useApi();
  const queries = useQueryClient();
  return useMutation<R, Error, V>({
    mutationFn: (variables) => api.request(doc, ...([variables] as [V])),
    onSuccess: () => queries.invalidateQueries(),
  });
}
